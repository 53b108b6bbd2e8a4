package dev.perennial.pipeline;

import dev.perennial.UserError;

import java.nio.file.Path;

/**
 * A loaded model that pipelines run: its weights, tokenizer and processors, loaded once and shared by every task
 * it can do (an HTTP server keeps one per model folder). Close it to free its native memory.
 */
public sealed interface Encoder extends AutoCloseable permits SentenceEncoder, ClipEncoder, ClapEncoder,
        SpeechSynthesizer, SpeechRecognizer, ObjectDetector, Summarizer, Chatbot, MaskGenerator, DepthEstimator, Translator, BlipEncoder {

    Path dir();

    String modelType();

    @Override
    void close();

    /** The model of folder {@code dir}, which must be able to run {@code task}. */
    static Encoder load(Task<?, ?> task, Path dir, PipelineOptions options) {
        String type = ModelFolders.modelType(dir);
        ModelFolders.requireRuns(task, dir, type);
        if (task == Task.CONVERSATIONAL) {
            return Chatbot.load(dir, options);
        }
        if (Task.TEXT_ENCODERS.contains(type)) {
            return SentenceEncoder.load(dir, options);
        }
        if (Task.CLIP.contains(type)) {
            return ClipEncoder.load(dir, options);
        }
        if (Task.CLAP.contains(type)) {
            return ClapEncoder.load(dir, options);
        }
        if (Task.VITS.contains(type)) {
            return SpeechSynthesizer.load(dir, options);
        }
        if (Task.BART.contains(type)) {
            return Summarizer.load(dir, options);
        }
        if (Task.NLLB.contains(type)) {
            return Translator.load(dir, options);
        }
        if (Task.WHISPER.contains(type)) {
            return SpeechRecognizer.load(dir, options);
        }
        if (Task.DETR.contains(type)) {
            return ObjectDetector.load(dir, options);
        }
        if (Task.SAM.contains(type)) {
            return MaskGenerator.load(dir, options);
        }
        if (Task.DPT.contains(type)) {
            return DepthEstimator.load(dir, options);
        }
        if (Task.BLIP.contains(type)) {
            return BlipEncoder.load(dir, options);
        }
        throw new UserError(dir + ": model_type '" + type + "' has no pipeline model"); // unreachable: requireRuns
    }
}
