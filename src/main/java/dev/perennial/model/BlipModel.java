package dev.perennial.model;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A BLIP checkpoint as transformers' BLIP heads compute it (modeling_blip.py): the {@link BlipVisionModel}'s
 * image_embeds, and after them what the head has: BlipForConditionalGeneration's text decoder (captions),
 * BlipForQuestionAnswering's text encoder over the question and the image, and its decoder over the question's states
 * (answers), BlipForImageTextRetrieval's text encoder with the itm_head ({@link #matchProbability}) and the
 * projections ({@link #cosineSimilarity}). Load and close it outside any PointerScope; call the forward methods
 * inside the caller's scope (they switch gradients off themselves).
 */
public final class BlipModel implements AutoCloseable {

    /** The whole checkpoint; a part the head lacks is null. */
    record Weights(BlipVisionModel.Weights vision, BlipTextModel.Weights textEncoder,
                   BlipTextDecoder.Weights textDecoder, Tensor visionProj, Tensor visionProjBias, Tensor textProj,
                   Tensor textProjBias, Tensor itmHead, Tensor itmHeadBias) {

        static Weights declare(Parameters p, BlipConfig c) {
            BlipConfig.Head head = c.head();
            BlipVisionModel.Weights vision = BlipVisionModel.Weights.declare(p.under("vision_model."), c.vision());
            BlipTextModel.Weights encoder = head.hasTextEncoder()
                    ? BlipTextModel.Weights.declare(p.under("text_encoder."), c.text()) : null;
            BlipTextDecoder.Weights decoder = head.hasTextDecoder()
                    ? BlipTextDecoder.Weights.declare(p.under("text_decoder."), c.text()) : null;
            boolean retrieval = head == BlipConfig.Head.IMAGE_TEXT_RETRIEVAL;
            long width = c.imageTextHiddenSize();
            long vd = c.vision().hiddenSize();
            long td = c.text().hiddenSize();
            return new Weights(vision, encoder, decoder,
                    p.optional(retrieval, "vision_proj.weight", width, vd), p.optional(retrieval, "vision_proj.bias", width),
                    p.optional(retrieval, "text_proj.weight", width, td), p.optional(retrieval, "text_proj.bias", width),
                    p.optional(retrieval, "itm_head.weight", 2, td), p.optional(retrieval, "itm_head.bias", 2));
        }
    }

    /**
     * The lm head's decoder is tied to the word embeddings and its bias to cls.predictions.bias
     * (BlipTextLMHeadModel._tied_weights_keys): a checkpoint that stores the copies gives them those names.
     */
    private static final UnaryOperator<String> TIED = name -> name
            .replace("text_decoder.cls.predictions.decoder.weight", "text_decoder.bert.embeddings.word_embeddings.weight")
            .replace("text_decoder.cls.predictions.decoder.bias", "text_decoder.cls.predictions.bias");

    private final BlipConfig config;
    private final PretrainedWeights pretrained;
    private final Weights w;
    private final BlipVisionModel vision;
    private final BlipTextModel textEncoder;
    private final BlipTextDecoder textDecoder;

    private BlipModel(BlipConfig config, PretrainedWeights pretrained, Weights w) {
        this.config = config;
        this.pretrained = pretrained;
        this.w = w;
        this.vision = new BlipVisionModel(config.vision(), w.vision());
        this.textEncoder = w.textEncoder() == null ? null : new BlipTextModel(config.text(), w.textEncoder());
        this.textDecoder = w.textDecoder() == null ? null : new BlipTextDecoder(config.text(), w.textDecoder());
    }

    /**
     * Loads a BLIP folder (config.json and model.safetensors, or its shards) as {@code dtype}: exactly the tensors
     * the head declares with their shapes (the tied lm head copies and saved position_ids are accepted), else one
     * message naming each mismatch.
     */
    public static BlipModel load(Path dir, torch.ScalarType dtype) {
        BlipConfig config = BlipConfig.read(PretrainedWeights.configFile(dir, "BLIP"));
        PretrainedWeights pretrained = PretrainedWeights.load(dir, shapes(config), TIED,
                name -> name.endsWith(".position_ids"), dtype, BlipConfig.MODEL_TYPE);
        return pretrained.bind((p, params) -> new BlipModel(config, p, Weights.declare(params, config)));
    }

    /** The names and shapes a checkpoint for {@code config} holds, in checkpoint order. */
    static Map<String, long[]> shapes(BlipConfig config) {
        return Parameters.declared(p -> Weights.declare(p, config));
    }

    public BlipConfig config() {
        return config;
    }

    /** image_embeds [B, 1 + patches, D] (the vision model's last_hidden_state) of pixel values [B, C, S, S]. */
    public Tensor imageEmbeds(Tensor pixelValues) {
        return vision.imageEmbeds(pixelValues);
    }

    /**
     * The text decoder as an encoder-decoder over what it cross-attends: image_embeds for captions
     * (BlipForConditionalGeneration), {@link #questionEmbeds} for answers (BlipForQuestionAnswering).
     */
    public EncoderDecoder textDecoder() {
        if (textDecoder == null) {
            throw new IllegalStateException(config.head().className() + " has no text decoder");
        }
        return textDecoder;
    }

    /**
     * The question's states [B, T, D] (BlipForQuestionAnswering.generate): the text encoder over token ids [B, T]
     * ({@code [CLS] … [SEP]}) and their mask (null: none padded), cross-attending {@code imageEmbeds}.
     */
    public Tensor questionEmbeds(Tensor ids, Tensor mask, Tensor imageEmbeds) {
        return encoder().encode(ids, mask, imageEmbeds);
    }

    /**
     * The probability [B] that each text matches its image (BlipForImageTextRetrieval with use_itm_head):
     * softmax(itm_head(the [CLS] state of the text encoder cross-attending the image)), class 1.
     */
    public Tensor matchProbability(Tensor ids, Tensor mask, Tensor imageEmbeds) {
        Tensor cls = firstToken(encoder().encode(ids, mask, imageEmbeds));
        try (NoGradGuard guard = new NoGradGuard()) {
            return Layers.linear(cls, w.itmHead(), w.itmHeadBias()).softmax(-1, new ScalarTypeOptional()).select(1, 1);
        }
    }

    /**
     * The cosine similarity [B] of each image and its text (BlipForImageTextRetrieval with use_itm_head=False, the
     * pairs of the diagonal): {@link #imageFeatures} · {@link #textFeatures}.
     */
    public Tensor cosineSimilarity(Tensor ids, Tensor mask, Tensor imageEmbeds) {
        Tensor text = textFeatures(ids, mask);
        try (NoGradGuard guard = new NoGradGuard()) {
            return imageFeatures(imageEmbeds).mul(text).sum(new long[] {-1}, false, new ScalarTypeOptional());
        }
    }

    /** The image side of the similarity [B, image_text_hidden_size]: normalize(vision_proj(image_embeds[:, 0])). */
    public Tensor imageFeatures(Tensor imageEmbeds) {
        try (NoGradGuard guard = new NoGradGuard()) {
            return normalized(Layers.linear(firstToken(imageEmbeds), w.visionProj(), w.visionProjBias()));
        }
    }

    /**
     * The text side of the similarity [B, image_text_hidden_size]: normalize(text_proj(the text encoder's [CLS]
     * state without the image)), for ids [B, T] and their mask (null: none padded).
     */
    public Tensor textFeatures(Tensor ids, Tensor mask) {
        Tensor text = firstToken(encoder().encode(ids, mask, null));
        try (NoGradGuard guard = new NoGradGuard()) {
            return normalized(Layers.linear(text, w.textProj(), w.textProjBias()));
        }
    }

    private BlipTextModel encoder() {
        if (textEncoder == null) {
            throw new IllegalStateException(config.head().className() + " has no text encoder");
        }
        return textEncoder;
    }

    private static Tensor firstToken(Tensor states) {
        return states.select(1, 0);
    }

    /** x / max(‖x‖, 1e-12) over the last dimension (torch.nn.functional.normalize). */
    private static Tensor normalized(Tensor x) {
        Tensor norm = x.norm(new org.bytedeco.pytorch.ScalarOptional(new Scalar(2.0)), new long[] {-1}, true);
        return x.div(norm.clamp_min(new Scalar(1e-12)));
    }

    @Override
    public void close() {
        pretrained.tensors().values().forEach(Tensor::close);
        pretrained.close();
    }
}
