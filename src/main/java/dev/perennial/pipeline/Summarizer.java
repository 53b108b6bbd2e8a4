package dev.perennial.pipeline;

import dev.perennial.generate.GenerationConfig;
import dev.perennial.generate.Seq2SeqGeneration;
import dev.perennial.model.BartModel;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.EncoderTokenizer;
import dev.perennial.tokenizer.HfTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.List;

/**
 * BART with its tokenizer, for summarization as transformers' SummarizationPipeline runs it: config.json's prefix
 * and the text as {@code <s> … </s>} (cut to the model's positions, which transformers would refuse), generate with the generation
 * config plus config.json's task_specific_params.summarization, and the ids decoded with the special tokens left out
 * and no clean-up of spaces (Text2TextGenerationPipeline.postprocess). One text at a time, as the pipeline's
 * default batch size of 1 does.
 */
final class Summarizer implements Encoder {

    static final String TASK = "summarization";

    private final Path dir;
    private final BartModel model;
    private final EncoderTokenizer tokenizer;
    private final HfTokenizer decoder;
    private final Seq2SeqGeneration generation;

    private Summarizer(Path dir, BartModel model, EncoderTokenizer tokenizer, HfTokenizer decoder,
                       GenerationConfig config) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.decoder = decoder;
        this.generation = new Seq2SeqGeneration(model, config);
    }

    static Summarizer load(Path dir, PipelineOptions options) {
        GenerationConfig config = GenerationConfig.read(dir, TASK);
        BartModel model = BartModel.load(dir, options.dtype().scalarType());
        return Resources.builtOver(model, m -> new Summarizer(dir, m, EncoderTokenizer.load(dir,
                m.config().maxPositions()), HfTokenizer.load(dir), config));
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return "bart";
    }

    Outputs.Summary summarize(Inputs.Text input) {
        EncoderTokenizer.Batch batch = tokenizer.encode(List.of(model.config().prefix() + input.text()));
        int[] ids;
        try (PointerScope scope = new PointerScope()) {
            Tensor tokens = Tensors.fromLongs(batch.ids(), 1, batch.length());
            ids = generation.generate(model.encode(tokens, null), null).getFirst();
        }
        return new Outputs.Summary(decoder.decode(ids, true), batch.length(),
                batch.length() >= tokenizer.maxLength());
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
        decoder.close();
    }
}
