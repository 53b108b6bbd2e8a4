package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.image.ImageFiles;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.EncoderTokenizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The pipelines end to end against tools/reference: sentence-transformers' pooled, normalised embeddings and cosine
 * similarities from bert.py, and zero-shot probabilities from pipelines.py (PIL-drawn PNGs through the slow
 * CLIPImageProcessor, the BPE tokenizer and the float64 CLIP), within 1e-5 in float32.
 */
class PipelineTest {

    static final Path REFERENCE = Path.of("src/test/resources/reference");
    static final Path MINILM = REFERENCE.resolve("minilm");
    static final Path CLIP = REFERENCE.resolve("clip");

    private static Map<String, Tensor> expected(Path dir) {
        return Safetensors.read(dir.resolve("expected.safetensors"), torch.ScalarType.Double);
    }

    private static List<String> sentences() throws Exception {
        List<String> out = new ArrayList<>();
        Json.MAPPER.readTree(MINILM.resolve("sentences.json").toFile()).forEach(s -> out.add(s.asText()));
        return out;
    }

    @Test
    void featureExtractionIsSentenceTransformersEncode() throws Exception {
        Map<String, Tensor> want = expected(MINILM);
        float[] embeddings = Tensors.toFloats(want.get("sentence_embedding"));
        float[] mask = Tensors.toFloats(want.get("attention_mask"));
        List<String> sentences = sentences();
        try (var p = Pipeline.forTask(Task.FEATURE_EXTRACTION, MINILM.toString(),
                new PipelineOptions(null, 2, null))) { // batches of 2: padding differs per batch, results must not
            List<Outputs.Embedding> out = p.run(sentences.stream().map(Inputs.Text::new).toList());
            assertThat(out).hasSize(sentences.size());
            int dim = out.getFirst().embedding().length;
            for (int i = 0; i < out.size(); i++) {
                for (int k = 0; k < dim; k++) {
                    assertThat((double) out.get(i).embedding()[k]).as("sentence %d [%d]", i, k)
                            .isCloseTo(embeddings[i * dim + k], within(1e-5));
                }
                int tokens = 0;
                for (int t = 0; t < 16; t++) {
                    tokens += (int) mask[i * 16 + t];
                }
                assertThat(out.get(i).tokens()).isEqualTo(tokens);
            }
        }
    }

    @Test
    void sentenceSimilarityIsTheCosineOfTheEmbeddings() throws Exception {
        float[] cosine = Tensors.toFloats(expected(MINILM).get("cosine_similarity"));
        List<String> sentences = sentences();
        try (var p = Pipeline.forTask(Task.SENTENCE_SIMILARITY, MINILM.toString())) {
            Outputs.Similarities out = p.run(new Inputs.Sentences(sentences.getFirst(),
                    sentences.subList(1, sentences.size())));
            for (int j = 1; j < sentences.size(); j++) {
                assertThat(out.scores().get(j - 1)).isCloseTo(cosine[j], within(1e-5));
            }
        }
    }

    @Test
    void theEncoderTokenizerTruncatesToMaxSeqLengthAndPadsLikeTransformers() throws Exception {
        Map<String, Tensor> want = expected(MINILM);
        try (EncoderTokenizer tokenizer = EncoderTokenizer.load(MINILM, 16)) {
            EncoderTokenizer.Batch batch = tokenizer.encode(sentences());
            assertThat(batch.length()).isEqualTo(16);
            assertThat(batch.ids()).containsExactly(longs(want.get("input_ids")));
            assertThat(batch.mask()).containsExactly(longs(want.get("attention_mask")));
            assertThat(batch.typeIds()).containsExactly(longs(want.get("token_type_ids")));
        }
    }

    @Test
    void zeroShotImageClassificationIsTransformersPipeline() throws Exception {
        Path dir = REFERENCE.resolve("pipelines");
        JsonNode cases = Json.MAPPER.readTree(dir.resolve("cases.json").toFile());
        JsonNode files = cases.path("images");
        String template = cases.path("template").asText();
        List<String> labels = new ArrayList<>();
        cases.path("labels").forEach(l -> labels.add(l.asText()));
        Map<String, Tensor> want = Safetensors.read(dir.resolve("expected.safetensors"), torch.ScalarType.Double);
        float[] probs = Tensors.toFloats(want.get("zero_shot_probs"));
        try (var p = Pipeline.forTask(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, CLIP.toString())) {
            for (int i = 0; i < files.size(); i++) {
                var image = ImageFiles.read(dir.resolve(files.get(i).asText()));
                Outputs.Labels out = p.run(new Inputs.LabelledImage(image, labels, template));
                assertThat(out.labels()).hasSize(labels.size());
                for (Outputs.LabelScore score : out.labels()) {
                    assertThat(score.score()).as("%s: %s", files.get(i), score.label())
                            .isCloseTo(probs[i * labels.size() + labels.indexOf(score.label())], within(1e-5));
                }
            }
        }
        try (EncoderTokenizer tokenizer = EncoderTokenizer.load(CLIP, 16)) {
            EncoderTokenizer.Batch batch = tokenizer.encode(labels.stream()
                    .map(l -> template.replace("{}", l)).toList());
            assertThat(batch.ids()).containsExactly(longs(want.get("input_ids")));
        }
    }

    @Test
    void badInputsAreRefusedBeforeTheModelRuns() {
        assertThatThrownBy(() -> new Inputs.Text(" ")).isInstanceOf(PipelineInputError.class)
                .hasMessageContaining("text is empty");
        assertThatThrownBy(() -> new Inputs.LabelledImage(new dev.perennial.image.RgbImage(1, 1, new byte[3]),
                List.of("cat"), "a photo")).hasMessageContaining("has no {}");
        assertThatThrownBy(() -> new Inputs.Sentences("a", List.of())).hasMessageContaining("sentences is empty");
        assertThatThrownBy(() -> Requests.parse(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, Json.MAPPER.createObjectNode()
                .put("image", "%%%").set("candidate_labels", Json.MAPPER.createArrayNode().add("a")),
                Requests.INLINE)).hasMessageContaining("neither base64 nor a data: URL");
        assertThatThrownBy(() -> Pipeline.forTask(Task.IMAGE_SEARCH, CLIP.toString()))
                .hasMessageContaining("--images DIR");
        assertThat(Files.isDirectory(CLIP)).isTrue();
    }

    private static long[] longs(Tensor t) {
        float[] f = Tensors.toFloats(t);
        long[] out = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = (long) f[i];
        }
        return out;
    }
}
