package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.speech.Transcription;

import java.util.List;

/**
 * A task, named as the Hugging Face Hub's {@code pipeline_tag} names it, with the types of its inputs and outputs
 * and the config.json {@code model_type}s Perennial runs it with. The constants are the registry.
 *
 * @param <I> one input (a text, an image with labels, …)
 * @param <O> the result for one input
 */
public record Task<I, O>(String name, String summary, Class<I> input, Class<O> output, List<String> modelTypes) {

    /** Model types of the BERT-style text encoders (the {@code BertEncoder} family). */
    static final List<String> TEXT_ENCODERS = List.of("bert", "roberta", "xlm-roberta");
    static final List<String> CLIP = List.of("clip");
    static final List<String> CLAP = List.of("clap");
    static final List<String> VITS = List.of("vits");
    static final List<String> WHISPER = List.of("whisper");
    static final List<String> DETR = List.of("detr");
    static final List<String> BART = List.of("bart");
    /** The encoder-decoder chat models (BartModel with Blenderbot's Seq2SeqFamily); BART is a summarizer. */
    static final List<String> CHAT = List.of("blenderbot");
    static final List<String> SAM = List.of("sam");
    static final List<String> DPT = List.of("dpt");
    /** NLLB's checkpoints say model_type m2m_100 (M2M100ForConditionalGeneration). */
    static final List<String> NLLB = List.of("m2m_100");
    static final List<String> BLIP = List.of("blip");
    /** The models that embed texts and images into one space (CLIP; BLIP's retrieval checkpoints). */
    static final List<String> IMAGE_TEXT_EMBEDDERS = List.of("clip", "blip");

    /** One vector per text: sentence-transformers' modules (pooling, normalisation) over a text encoder. */
    public static final Task<Inputs.Text, Outputs.Embedding> FEATURE_EXTRACTION = new Task<>("feature-extraction",
            "one embedding vector per text, pooled as the model's sentence-transformers config says",
            Inputs.Text.class, Outputs.Embedding.class, TEXT_ENCODERS);

    /** Cosine similarity of a source sentence to each of several sentences (the Hub widget's task). */
    public static final Task<Inputs.Sentences, Outputs.Similarities> SENTENCE_SIMILARITY =
            new Task<>("sentence-similarity", "cosine similarity of a source sentence to each other sentence",
                    Inputs.Sentences.class, Outputs.Similarities.class, TEXT_ENCODERS);

    /** CLIP's scores of candidate labels for an image, softmax over the labels. */
    public static final Task<Inputs.LabelledImage, Outputs.Labels> ZERO_SHOT_IMAGE_CLASSIFICATION =
            new Task<>("zero-shot-image-classification", "scores of candidate labels for an image (softmax over "
                    + "the labels)", Inputs.LabelledImage.class, Outputs.Labels.class, CLIP);

    /** CLAP's scores of candidate labels for a recording, softmax over the labels. */
    public static final Task<Inputs.LabelledAudio, Outputs.Labels> ZERO_SHOT_AUDIO_CLASSIFICATION =
            new Task<>("zero-shot-audio-classification", "scores of candidate labels for a recording (softmax over "
                    + "the labels)", Inputs.LabelledAudio.class, Outputs.Labels.class, CLAP);

    /**
     * A folder of images ranked for a text query. Not a Hub pipeline_tag: the Hub tags the models that do it
     * zero-shot-image-classification.
     */
    public static final Task<Inputs.Query, Outputs.SearchHits> IMAGE_SEARCH = new Task<>("image-search",
            "a folder of images ranked for a text query (the images are embedded once, into a cached index)",
            Inputs.Query.class, Outputs.SearchHits.class, IMAGE_TEXT_EMBEDDERS);

    /** A text read aloud by a VITS model (sentence by sentence, joined). */
    public static final Task<Inputs.Speech, Outputs.Speech> TEXT_TO_SPEECH = new Task<>("text-to-speech",
            "a text read aloud (a waveform at the model's sampling rate)", Inputs.Speech.class, Outputs.Speech.class,
            VITS);

    /** Whisper's transcript of a recording of any length (chunked into windows, merged), with segment times. */
    public static final Task<Inputs.Recording, Transcription> AUTOMATIC_SPEECH_RECOGNITION = new Task<>(
            "automatic-speech-recognition", "a recording's transcript (long audio in overlapping windows), with "
            + "timestamped segments on request", Inputs.Recording.class, Transcription.class, WHISPER);

    /** DETR's objects in an image: labels, scores and boxes above a threshold. */
    public static final Task<Inputs.DetectionImage, Outputs.Detections> OBJECT_DETECTION = new Task<>(
            "object-detection", "the objects in an image: label, score and box of each above a threshold",
            Inputs.DetectionImage.class, Outputs.Detections.class, DETR);

    /**
     * SAM's masks for a prompt on an image (clicked points, a box, a previous mask), or of the whole image without
     * one: scores, areas and boxes of the masks.
     */
    public static final Task<Inputs.MaskPrompt, Outputs.Masks> MASK_GENERATION = new Task<>("mask-generation",
            "the masks of the object under clicked points or in a box, or without them all the image's masks over a "
            + "grid of clicks (SAM: three masks per prompt with their scores; the image is embedded once for further "
            + "clicks)", Inputs.MaskPrompt.class, Outputs.Masks.class, SAM);

    /** DPT's depth map of an image, at the image's size, with its range and an 8-bit picture of it. */
    public static final Task<Inputs.Image, Outputs.Depth> DEPTH_ESTIMATION = new Task<>("depth-estimation",
            "an image's depth map (relative inverse depth for MiDaS), at the image's size, as an 8-bit picture",
            Inputs.Image.class, Outputs.Depth.class, DPT);

    /** A text's summary, generated by BART with the checkpoint's summarization settings. */
    public static final Task<Inputs.Text, Outputs.Summary> SUMMARIZATION = new Task<>("summarization",
            "a text's summary (beam search with the model's summarization settings; long texts are cut to the "
            + "model's length)", Inputs.Text.class, Outputs.Summary.class, BART);

    /** The next turn of a conversation, by an encoder-decoder chat model (Blenderbot). */
    public static final Task<Inputs.Conversation, Outputs.Reply> CONVERSATIONAL = new Task<>("conversational",
            "the next turn of a conversation (history joined as Blenderbot's tokenizer does, the model's generation "
            + "settings)", Inputs.Conversation.class, Outputs.Reply.class, CHAT);

    /** A text translated by NLLB between two of its languages, with the checkpoint's generation settings. */
    public static final Task<Inputs.Translation, Outputs.Translation> TRANSLATION = new Task<>("translation",
            "a text translated between two of the model's languages (FLORES-200 codes such as eng_Latn; long texts "
            + "are cut to the model's length)", Inputs.Translation.class, Outputs.Translation.class, NLLB);

    /** An image's caption, generated by BLIP (BlipForConditionalGeneration), continuing a prompt when given. */
    public static final Task<Inputs.CaptionImage, Outputs.Caption> IMAGE_TO_TEXT = new Task<>("image-to-text",
            "an image's caption, continuing a prompt when given (BlipForConditionalGeneration)",
            Inputs.CaptionImage.class, Outputs.Caption.class, BLIP);

    /** The answer to a question about an image, generated by BLIP (BlipForQuestionAnswering). */
    public static final Task<Inputs.ImageQuestion, Outputs.Answer> VISUAL_QUESTION_ANSWERING = new Task<>(
            "visual-question-answering", "the answer to a question about an image (BlipForQuestionAnswering)",
            Inputs.ImageQuestion.class, Outputs.Answer.class, BLIP);

    /**
     * Whether a text describes an image (BlipForImageTextRetrieval): match probability and cosine similarity. Not a
     * Hub pipeline_tag: the Hub tags these models image-text-to-text or zero-shot-image-classification.
     */
    public static final Task<Inputs.ImageText, Outputs.Match> IMAGE_TEXT_MATCHING = new Task<>("image-text-matching",
            "whether a text describes an image: match probability and cosine similarity (BlipForImageTextRetrieval)",
            Inputs.ImageText.class, Outputs.Match.class, BLIP);

    public static List<Task<?, ?>> all() {
        return List.of(FEATURE_EXTRACTION, SENTENCE_SIMILARITY, ZERO_SHOT_IMAGE_CLASSIFICATION, IMAGE_SEARCH,
                ZERO_SHOT_AUDIO_CLASSIFICATION, TEXT_TO_SPEECH, AUTOMATIC_SPEECH_RECOGNITION, OBJECT_DETECTION,
                SUMMARIZATION, CONVERSATIONAL, MASK_GENERATION, DEPTH_ESTIMATION, TRANSLATION,
                IMAGE_TO_TEXT, VISUAL_QUESTION_ANSWERING, IMAGE_TEXT_MATCHING);
    }

    /** The task called {@code name}, or an error listing the tasks. */
    public static Task<?, ?> named(String name) {
        return all().stream().filter(t -> t.name.equals(name)).findFirst().orElseThrow(() -> new UserError("task '"
                + name + "' is not one Perennial runs; the tasks are " + String.join(", ", names())
                + " (perennial pipeline --list)"));
    }

    public static List<String> names() {
        return all().stream().map(Task::name).toList();
    }

    /** The tasks whose models include {@code modelType} (a Hub search's "runs" column). */
    public static List<Task<?, ?>> forModelType(String modelType) {
        return all().stream().filter(t -> t.modelTypes.contains(modelType)).toList();
    }

    /** Whether the Hub's {@code pipelineTag} is this task's name (image search runs the zero-shot models). */
    public boolean matchesHubTag(String pipelineTag) {
        return name.equals(pipelineTag) || (this == IMAGE_SEARCH && pipelineTag.equals(ZERO_SHOT_IMAGE_CLASSIFICATION.name));
    }
}
