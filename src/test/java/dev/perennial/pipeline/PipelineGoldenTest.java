package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.GoldenFiles;
import dev.perennial.audio.Audio;
import dev.perennial.audio.Waveform;
import dev.perennial.image.ImageFiles;
import dev.perennial.io.Json;
import dev.perennial.model.BertEncoder;
import dev.perennial.model.ClapModel;
import dev.perennial.model.ClipModel;
import dev.perennial.model.VitsModel;
import dev.perennial.model.VitsNoise;
import dev.perennial.tokenizer.VitsTokenizer;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The pipelines' models against Hugging Face transformers itself: tiny random BertModel, CLIPModel and ClapModel
 * folders saved by transformers, and the real course checkpoints (all-MiniLM-L6-v2, clip-vit-base-patch32,
 * clap-htsat-unfused) on fixed sentences, images and a synthesised sound, all written by {@code tools/make_golden.py --pipelines src/test/resources/golden} on a machine with
 * transformers. Until those files are committed (and, for the real checkpoints, the weights are in the Hub cache),
 * each test reports itself as skipped, saying what is missing.
 */
class PipelineGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden/pipelines");

    private static JsonNode golden(String entry) throws Exception {
        return GoldenFiles.entry(GOLDEN.resolve("pipelines.json"), entry, "run tools/make_golden.py --pipelines "
                + "src/test/resources/golden where transformers is installed, and commit the output");
    }

    private static Path cached(String model) {
        return GoldenFiles.cached(model);
    }

    /**
     * A tiny random VitsModel after torch.manual_seed(555): the same libtorch CPU generator stream gives the same
     * noise, hence the same durations (waveform length) and waveform.
     */
    @Test
    void tinyVitsMatchesTransformersForTheSameSeed() throws Exception {
        JsonNode g = golden("tiny_vits");
        try (VitsModel vits = VitsModel.load(GOLDEN.resolve(g.path("dir").asText()), torch.ScalarType.Float);
             PointerScope scope = new PointerScope()) {
            VitsModel.Speech speech = vits.synthesize(tensor(longs(g.path("input_ids"))),
                    1 / vits.config().speakingRate(), VitsNoise.seeded(g.path("seed").asLong()));
            assertClose(Tensors.toFloats(speech.waveform()), flatten(g.path("waveform")), 1e-4, "waveform");
        }
    }

    /** facebook/mms-tts-eng's ids and its waveform after set_seed(555), as test_modeling_vits.py runs it. */
    @Test
    void mmsTtsEngMatchesTransformersForTheSameSeed() throws Exception {
        JsonNode g = golden("mms-tts-eng");
        Path dir = cached(g.path("model").asText());
        VitsTokenizer tokenizer = VitsTokenizer.load(dir);
        try (var tts = Pipeline.forTask(Task.TEXT_TO_SPEECH, dir.toString())) {
            for (JsonNode c : g.path("cases")) {
                String text = c.path("text").asText();
                long[] ids = new long[c.path("input_ids").size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = c.path("input_ids").get(i).asLong();
                }
                assertThat(tokenizer.encode(text)).as(text).isEqualTo(ids);
                float[] wave = tts.run(new Inputs.Speech(text, 1, g.path("seed").asLong())).waveform();
                assertThat(wave.length).as(text).isEqualTo(c.path("samples").asInt());
                int from = c.path("slice_from").asInt();
                double[] slice = flatten(c.path("slice"));
                assertClose(java.util.Arrays.copyOfRange(wave, from, from + slice.length), slice, 1e-4, text);
            }
        }
    }

    @Test
    void tinyBertMatchesTransformers() throws Exception {
        JsonNode g = golden("tiny_bert");
        try (BertEncoder bert = BertEncoder.load(GOLDEN.resolve(g.path("dir").asText()), torch.ScalarType.Float);
             PointerScope scope = new PointerScope()) {
            long[][] ids = longs(g.path("input_ids"));
            float[] hidden = Tensors.toFloats(bert.lastHiddenState(tensor(ids), tensor(longs(g.path("token_type_ids"))),
                    tensor(longs(g.path("attention_mask")))));
            assertClose(hidden, flatten(g.path("last_hidden_state")), 1e-4, "last_hidden_state");
        }
    }

    @Test
    void tinyClipMatchesTransformers() throws Exception {
        JsonNode g = golden("tiny_clip");
        try (ClipModel clip = ClipModel.load(GOLDEN.resolve(g.path("dir").asText()), torch.ScalarType.Float);
             PointerScope scope = new PointerScope()) {
            Tensor text = clip.textEmbeds(tensor(longs(g.path("input_ids"))), tensor(longs(g.path("attention_mask"))));
            double[] pixels = flatten(g.path("pixel_values"));
            float[] values = new float[pixels.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) pixels[i];
            }
            int size = g.path("pixel_values").get(0).get(0).size();
            Tensor image = clip.imageEmbeds(Tensors.fromFloats(values, g.path("pixel_values").size(), 3, size, size));
            // CLIPModel.forward returns the projections divided by their norms (modeling_clip.py, CLIPOutput)
            assertClose(Tensors.toFloats(Vectors.normalize(text)), flatten(g.path("text_embeds")), 1e-4, "text_embeds");
            assertClose(Tensors.toFloats(Vectors.normalize(image)), flatten(g.path("image_embeds")), 1e-4,
                    "image_embeds");
            assertClose(Tensors.toFloats(clip.logitsPerImage(image, text)), flatten(g.path("logits_per_image")), 1e-4,
                    "logits_per_image");
        }
    }

    @Test
    void allMiniLmL6MatchesSentenceTransformers() throws Exception {
        JsonNode g = golden("all-MiniLM-L6-v2");
        Path dir = cached(g.path("model").asText());
        List<String> sentences = new ArrayList<>();
        g.path("sentences").forEach(s -> sentences.add(s.asText()));
        try (Pipeline<Inputs.Text, Outputs.Embedding> p = Pipeline.forTask(Task.FEATURE_EXTRACTION, dir.toString())) {
            List<Outputs.Embedding> out = p.run(sentences.stream().map(Inputs.Text::new).toList());
            for (int i = 0; i < out.size(); i++) {
                assertClose(out.get(i).embedding(), flatten(g.path("embeddings").get(i)), 1e-4, "embedding " + i);
            }
        }
    }

    @Test
    void clipVitBasePatch32MatchesTransformers() throws Exception {
        JsonNode g = golden("clip-vit-base-patch32");
        Path dir = cached(g.path("model").asText());
        List<String> labels = new ArrayList<>();
        g.path("labels").forEach(l -> labels.add(l.asText()));
        try (var p = Pipeline.forTask(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, dir.toString())) {
            for (int i = 0; i < g.path("images").size(); i++) {
                var image = ImageFiles.read(GOLDEN.resolve(g.path("images").get(i).asText()));
                Outputs.Labels result = p.run(new Inputs.LabelledImage(image, labels, "{}"));
                for (Outputs.LabelScore score : result.labels()) {
                    double want = g.path("probs").get(i).get(labels.indexOf(score.label())).asDouble();
                    assertThat(score.score()).as("%s, %s", g.path("images").get(i), score.label())
                            .isCloseTo(want, within(1e-4));
                }
            }
        }
    }

    @Test
    void tinyClapMatchesTransformers() throws Exception {
        assertTinyClap(golden("tiny_clap"));
    }

    @Test
    void tinyFusedClapMatchesTransformers() throws Exception {
        assertTinyClap(golden("tiny_clap_fused"));
    }

    /** A tiny ClapModel's embeddings and logits; is_longer, where the entry has it, goes with a fused one's input. */
    private static void assertTinyClap(JsonNode g) {
        try (ClapModel clap = ClapModel.load(GOLDEN.resolve(g.path("dir").asText()), torch.ScalarType.Float);
             PointerScope scope = new PointerScope()) {
            var text = clap.textEmbeds(tensor(longs(g.path("input_ids"))), tensor(longs(g.path("attention_mask"))));
            assertClose(Tensors.toFloats(text), flatten(g.path("text_embeds")), 1e-4, "text_embeds");
            JsonNode shape = g.path("input_features");
            boolean[] longer = new boolean[shape.size()];
            for (int i = 0; i < longer.length; i++) {
                longer[i] = g.path("is_longer").path(i).asBoolean(false);
            }
            var audio = clap.audioEmbeds(Tensors.fromFloats(floats(shape), shape.size(), shape.get(0).size(),
                    shape.get(0).get(0).size(), shape.get(0).get(0).get(0).size()), longer);
            assertClose(Tensors.toFloats(audio), flatten(g.path("audio_embeds")), 1e-4, "audio_embeds");
            assertClose(Tensors.toFloats(clap.logitsPerAudio(audio, text)), flatten(g.path("logits_per_audio")), 1e-3,
                    "logits_per_audio");
        }
    }

    @Test
    void clapHtsatFusedMatchesTransformersPipeline() throws Exception {
        assertClapPipeline(golden("clap-htsat-fused"));
    }

    @Test
    void clapHtsatUnfusedMatchesTransformersPipeline() throws Exception {
        assertClapPipeline(golden("clap-htsat-unfused"));
    }

    private static void assertClapPipeline(JsonNode g) throws Exception {
        Path dir = cached(g.path("model").asText());
        List<String> labels = new ArrayList<>();
        g.path("labels").forEach(l -> labels.add(l.asText()));
        Waveform sound = Audio.read(GOLDEN.resolve(g.path("audio").asText()), 48_000);
        try (var p = Pipeline.forTask(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, dir.toString())) {
            Outputs.Labels result = p.run(new Inputs.LabelledAudio(sound, labels,
                    g.path("hypothesis_template").asText()));
            for (int i = 0; i < result.labels().size(); i++) {
                Outputs.LabelScore score = result.labels().get(i);
                assertThat(score.label()).isEqualTo(g.path("order").get(i).asText());
                assertThat(score.score()).as(score.label()).isCloseTo(g.path("scores").path(score.label())
                        .asDouble(), within(1e-4));
            }
        }
    }

    private static float[] floats(JsonNode nested) {
        double[] values = flatten(nested);
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static void assertClose(float[] actual, double[] expected, double tolerance, String what) {
        assertThat(actual).as(what + " size").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("%s[%d]", what, i).isCloseTo(expected[i], within(tolerance));
        }
    }

    private static org.bytedeco.pytorch.Tensor tensor(long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
        }
        return Tensors.fromLongs(flat, rows.length, rows[0].length);
    }

    private static long[][] longs(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            out[r] = new long[rows.get(r).size()];
            for (int c = 0; c < out[r].length; c++) {
                out[r][c] = rows.get(r).get(c).asLong();
            }
        }
        return out;
    }

    private static double[] flatten(JsonNode node) {
        List<Double> values = new ArrayList<>();
        collect(node, values);
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(JsonNode node, List<Double> values) {
        if (node.isArray()) {
            node.forEach(n -> collect(n, values));
        } else {
            values.add(node.asDouble());
        }
    }
}
