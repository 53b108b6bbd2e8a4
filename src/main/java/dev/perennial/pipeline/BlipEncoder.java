package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.generate.GenerationConfig;
import dev.perennial.generate.Seq2SeqGeneration;
import dev.perennial.image.ImageProcessor;
import dev.perennial.image.RgbImage;
import dev.perennial.model.BlipConfig;
import dev.perennial.model.BlipModel;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.EncoderTokenizer;
import dev.perennial.tokenizer.HfTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * BLIP with its processors (BlipProcessor: BlipImageProcessor and the BERT tokenizer), as transformers' pipelines run
 * its three heads: image-to-text (ImageToTextPipeline: the prompt tokenized as {@code [CLS] … [SEP]}, then
 * BlipForConditionalGeneration.generate puts [DEC] first and drops the [SEP]; the output, prompt included, decoded
 * with the special tokens left out), visual-question-answering (VisualQuestionAnsweringPipeline: the answer decoded
 * and stripped) and image-text-matching (BlipForImageTextRetrieval with and without its itm head). Decoding follows
 * text_config's generation settings ({@link BlipConfig#generationSettings}; max_length as {@link
 * BlipConfig#maxLength} reads it, 20 tokens after the prompt by default, as transformers 5). Captions of images with the same prompt
 * are generated {@code batchSize} at a time; questions and matches one at a time.
 */
final class BlipEncoder implements Encoder, ImageTextEmbedder {

    /** The head each task needs. */
    private static final Map<Task<?, ?>, BlipConfig.Head> HEADS = Map.of(
            Task.IMAGE_TO_TEXT, BlipConfig.Head.CONDITIONAL_GENERATION,
            Task.VISUAL_QUESTION_ANSWERING, BlipConfig.Head.QUESTION_ANSWERING,
            Task.IMAGE_TEXT_MATCHING, BlipConfig.Head.IMAGE_TEXT_RETRIEVAL,
            Task.IMAGE_SEARCH, BlipConfig.Head.IMAGE_TEXT_RETRIEVAL);

    private final Path dir;
    private final BlipModel model;
    private final EncoderTokenizer tokenizer;
    private final HfTokenizer decoder;
    private final ImageProcessor images;
    private final GenerationConfig generation;
    private final int batchSize;

    private BlipEncoder(Path dir, BlipModel model, EncoderTokenizer tokenizer, HfTokenizer decoder,
                        ImageProcessor images, int batchSize) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.decoder = decoder;
        this.images = images;
        this.batchSize = batchSize;
        this.generation = GenerationConfig.parse(model.config().generationSettings(),
                dir.resolve("config.json") + " (text_config)");
    }

    static BlipEncoder load(Path dir, PipelineOptions options) {
        ImageProcessor images = ImageProcessor.load(ModelFolders.preprocessorConfig(dir, "BLIP"));
        BlipModel model = BlipModel.load(dir, options.dtype().scalarType());
        return Resources.builtOver(model, m -> new BlipEncoder(dir, m, EncoderTokenizer.load(dir,
                m.config().text().maxPositions()), HfTokenizer.load(dir), images, options.batchSize()));
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return BlipConfig.MODEL_TYPE;
    }

    /** Refuses {@code task} unless this checkpoint's head runs it, naming the task it does run. */
    void requireHead(Task<?, ?> task) {
        BlipConfig.Head head = model.config().head();
        if (HEADS.get(task) != head) {
            String runs = HEADS.entrySet().stream().filter(e -> e.getValue() == head).map(e -> e.getKey().name())
                    .sorted().collect(Collectors.joining(" and "));
            throw new UserError(dir + ": this BLIP checkpoint is a " + head.className() + ", which runs " + runs
                    + ", not " + task.name() + " (that needs a " + HEADS.get(task).className() + ", e.g. "
                    + example(task) + ")");
        }
    }

    /** Salesforce's base checkpoint for {@code task}. */
    static String example(Task<?, ?> task) {
        return task == Task.IMAGE_TO_TEXT ? "Salesforce/blip-image-captioning-base"
                : task == Task.VISUAL_QUESTION_ANSWERING ? "Salesforce/blip-vqa-base" : "Salesforce/blip-itm-base-coco";
    }

    /** The width of the retrieval head's shared space (image_text_hidden_size). */
    @Override
    public int dimension() {
        return model.config().imageTextHiddenSize();
    }

    /**
     * Normalised text features [texts.size()][dimension()], {@code batchSize} texts at a time (the text side of
     * BlipForImageTextRetrieval's cosine similarity).
     */
    @Override
    public float[][] textEmbeddings(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += batchSize) {
            EncoderTokenizer.Batch batch = tokenizer.encode(texts.subList(from, Math.min(texts.size(),
                    from + batchSize)));
            try (PointerScope scope = new PointerScope()) {
                Tensor ids = Tensors.fromLongs(batch.ids(), batch.size(), batch.length());
                Tensor mask = Tensors.fromLongs(batch.mask(), batch.size(), batch.length());
                Vectors.copyRows(model.textFeatures(ids, mask).to(torch.ScalarType.Float), out, from);
            }
        }
        return out;
    }

    /** Normalised image features [images.size()][dimension()], {@code batchSize} images at a time. */
    @Override
    public float[][] imageEmbeddings(List<RgbImage> pictures) {
        float[][] out = new float[pictures.size()][];
        for (int from = 0; from < pictures.size(); from += batchSize) {
            try (PointerScope scope = new PointerScope()) {
                Tensor embeds = model.imageEmbeds(pixels(pictures.subList(from, Math.min(pictures.size(),
                        from + batchSize))));
                Vectors.copyRows(model.imageFeatures(embeds).to(torch.ScalarType.Float), out, from);
            }
        }
        return out;
    }

    /** Captions in order: consecutive inputs with the same prompt are generated together, batchSize at a time. */
    List<Outputs.Caption> caption(List<Inputs.CaptionImage> inputs) {
        List<Outputs.Caption> out = new ArrayList<>(inputs.size());
        int from = 0;
        while (from < inputs.size()) {
            String prompt = inputs.get(from).prompt();
            int to = from + 1;
            while (to < inputs.size() && to - from < batchSize && Objects.equals(inputs.get(to).prompt(), prompt)) {
                to++;
            }
            int[] start = promptIds(prompt);
            List<RgbImage> batch = inputs.subList(from, to).stream().map(Inputs.CaptionImage::image).toList();
            List<int[]> generated;
            try (PointerScope scope = new PointerScope()) {
                generated = new Seq2SeqGeneration(model.textDecoder(), settings(start.length))
                        .generate(model.imageEmbeds(pixels(batch)), null, start);
            }
            for (int[] tokens : generated) {
                int[] all = Arrays.copyOf(start, start.length + tokens.length);
                System.arraycopy(tokens, 0, all, start.length, tokens.length);
                out.add(new Outputs.Caption(decoder.decode(all, true)));
            }
            from = to;
        }
        return out;
    }

    /** The answer to one question about one image. */
    Outputs.Answer answer(Inputs.ImageQuestion input) {
        int[] tokens;
        try (PointerScope scope = new PointerScope()) {
            Tensor question = model.questionEmbeds(ids(input.question()), null,
                    model.imageEmbeds(pixels(List.of(input.image()))));
            tokens = new Seq2SeqGeneration(model.textDecoder(), settings(1)).generate(question, null,
                    new int[] {model.config().text().bosTokenId()}).getFirst();
        }
        return new Outputs.Answer(decoder.decode(tokens, true).strip());
    }

    /** The match probability and cosine similarity of one image and one text. */
    Outputs.Match match(Inputs.ImageText input) {
        try (PointerScope scope = new PointerScope()) {
            Tensor ids = ids(input.text());
            Tensor image = model.imageEmbeds(pixels(List.of(input.image())));
            return new Outputs.Match(model.matchProbability(ids, null, image).item_double(),
                    model.cosineSimilarity(ids, null, image).item_double());
        }
    }

    /** [DEC] and the prompt's tokens (BlipForConditionalGeneration.generate), or [DEC] alone without a prompt. */
    private int[] promptIds(String prompt) {
        int bos = model.config().text().bosTokenId();
        if (prompt == null) {
            return new int[] {bos};
        }
        EncoderTokenizer.Batch batch = tokenizer.encode(List.of(prompt));
        int[] ids = new int[batch.length() - 1];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) batch.ids()[i];
        }
        ids[0] = bos;
        int maxLength = model.config().maxLength(ids.length);
        if (ids.length >= maxLength) {
            throw new PipelineInputError("the prompt has " + (ids.length - 1) + " tokens; the model's captions hold "
                    + maxLength + " tokens with the prompt (text_config's max_length, within max_position_embeddings)"
                    + ": shorten it");
        }
        return ids;
    }

    /** The generation settings after a decoder prompt of {@code promptLength} tokens ({@link BlipConfig#maxLength}). */
    private GenerationConfig settings(int promptLength) {
        return generation.withMaxLength(model.config().maxLength(promptLength));
    }

    /** One text as [CLS] … [SEP] ids [1, T]. */
    private Tensor ids(String text) {
        EncoderTokenizer.Batch batch = tokenizer.encode(List.of(text));
        return Tensors.fromLongs(batch.ids(), 1, batch.length());
    }

    private Tensor pixels(List<RgbImage> batch) {
        int h = images.height();
        int w = images.width();
        float[] values = new float[batch.size() * 3 * h * w];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(images.pixelValues(batch.get(i)), 0, values, i * 3 * h * w, 3 * h * w);
        }
        return Tensors.fromFloats(values, batch.size(), 3, h, w);
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
        decoder.close();
    }
}
