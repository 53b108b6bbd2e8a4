package dev.perennial.pipeline;

import dev.perennial.model.VitsModel;
import dev.perennial.model.VitsNoise;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.VitsTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A VITS model with its tokenizer, for text-to-speech: the text is split into sentences (after . ! ? and line
 * breaks), each is synthesised with the model's settings and the input's speed, and the waveforms are joined. The
 * noise of all sentences comes from one generator seeded with the input's seed, so a one-sentence text gives what
 * transformers' VitsModel gives after {@code set_seed(seed)}.
 */
final class SpeechSynthesizer implements Encoder {

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+|\\R+");

    private final Path dir;
    private final VitsModel model;
    private final VitsTokenizer tokenizer;

    private SpeechSynthesizer(Path dir, VitsModel model, VitsTokenizer tokenizer) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    static SpeechSynthesizer load(Path dir, PipelineOptions options) {
        VitsTokenizer tokenizer = VitsTokenizer.load(dir); // refuses a phonemizing model before loading weights
        return new SpeechSynthesizer(dir, VitsModel.load(dir, options.dtype().scalarType()), tokenizer);
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return "vits";
    }

    /** The sentences of {@code text} that hold characters the model reads. */
    List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        for (String sentence : SENTENCE_END.split(text.strip())) {
            if (!tokenizer.prepare(sentence).isEmpty()) {
                out.add(sentence);
            }
        }
        return out;
    }

    Outputs.Speech speak(Inputs.Speech input) {
        return speak(input, StepListener.NONE);
    }

    /** {@link #speak(Inputs.Speech)}, telling {@code steps} as each sentence is synthesized. */
    Outputs.Speech speak(Inputs.Speech input, StepListener steps) {
        List<String> sentences = sentences(input.text());
        if (sentences.isEmpty()) {
            throw new PipelineInputError("text holds no character the model reads (its vocab.json); write words in "
                    + "the model's language");
        }
        double lengthScale = 1 / (model.config().speakingRate() * input.speed());
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        try (PointerScope scope = new PointerScope()) {
            VitsNoise noise = VitsNoise.seeded(input.seed());
            for (String sentence : sentences) {
                long[] ids = tokenizer.encode(sentence);
                try (PointerScope step = new PointerScope()) {
                    VitsModel.Speech speech = model.synthesize(Tensors.fromLongs(ids, 1, ids.length), lengthScale,
                            noise);
                    float[] samples = Tensors.toFloats(speech.waveform().to(torch.ScalarType.Float));
                    parts.add(samples);
                    total += samples.length;
                }
                steps.stepDone(parts.size(), sentences.size());
            }
        }
        float[] joined = new float[total];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        return new Outputs.Speech(joined, model.config().samplingRate());
    }

    @Override
    public void close() {
        model.close();
    }
}
