package dev.perennial.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written WordPiece tokenizer.json of the tiny all-MiniLM-L6-v2-shaped folder is what tools/reference/bert.py
 * thinks it is: Hugging Face's Rust tokenizers (through DJL) gives the ids that the script's port of BertTokenizer
 * (BasicTokenizer + WordpieceTokenizer) computed, with [CLS] … [SEP], and truncation to sentence_bert_config.json's
 * max_seq_length gives the padded batch the model-level reference ran on.
 */
class WordPieceTokenizerFileTest {

    static final Path MINILM = Path.of("src/test/resources/reference/minilm");

    static List<String> sentences;
    static Map<String, Tensor> expected;

    @BeforeAll
    static void read() throws IOException {
        System.setProperty("ai.djl.offline", "true");
        sentences = new ArrayList<>();
        Json.MAPPER.readTree(MINILM.resolve("sentences.json").toFile()).forEach(s -> sentences.add(s.asText()));
        expected = Safetensors.read(MINILM.resolve("expected.safetensors"), torch.ScalarType.Long);
    }

    @Test
    void rustTokenizersGivesThePythonWordPieceIdsWithSpecialTokens() throws IOException {
        assertThat(sentences).hasSize(5);
        try (HuggingFaceTokenizer rust = HuggingFaceTokenizer.newInstance(MINILM.resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"))) {
            for (int i = 0; i < sentences.size(); i++) {
                Encoding encoding = rust.encode(sentences.get(i));
                assertThat(encoding.getIds()).as("sentence %d: %s", i, sentences.get(i))
                        .containsExactly(longs(expected.get("tokens." + i)));
                assertThat(encoding.getTypeIds()).containsOnly(0L);
            }
        }
    }

    @Test
    void truncatedToMaxSeqLengthAndPaddedTheBatchIsTheModelsInput() throws IOException {
        JsonNode st = Json.MAPPER.readTree(MINILM.resolve("sentence_bert_config.json").toFile());
        int maxSeqLength = st.path("max_seq_length").asInt();
        assertThat(maxSeqLength).isEqualTo(16);
        try (HuggingFaceTokenizer rust = HuggingFaceTokenizer.newInstance(MINILM.resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "true", "truncation", "true", "padding", "true",
                        "maxLength", Integer.toString(maxSeqLength)))) {
            Encoding[] batch = rust.batchEncode(sentences);
            long[] ids = longs(expected.get("input_ids"));
            long[] mask = longs(expected.get("attention_mask"));
            long[] types = longs(expected.get("token_type_ids"));
            int t = (int) expected.get("input_ids").size(1);
            for (int i = 0; i < batch.length; i++) {
                assertThat(batch[i].getIds()).as("row %d", i).containsExactly(Arrays.copyOfRange(ids, i * t, i * t + t));
                assertThat(batch[i].getAttentionMask()).containsExactly(Arrays.copyOfRange(mask, i * t, i * t + t));
                assertThat(batch[i].getTypeIds()).containsExactly(Arrays.copyOfRange(types, i * t, i * t + t));
            }
        }
    }

    @Test
    void leftToItselfDjlTruncatesAtTheLengthTokenizerJsonBakesIn() throws IOException {
        // like the real all-MiniLM-L6-v2 (tokenizer.json says 128, sentence_bert_config.json 256), the file's own
        // truncation (12) is shorter than max_seq_length (16): a pipeline must pass maxLength itself
        try (HuggingFaceTokenizer rust = HuggingFaceTokenizer.newInstance(MINILM.resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "true", "truncation", "true", "padding", "false"))) {
            long[] full = longs(expected.get("tokens.1"));
            long[] ids = rust.encode(sentences.get(1)).getIds();
            assertThat(ids).hasSize(12).endsWith(full[full.length - 1]);
            assertThat(Arrays.copyOf(ids, 11)).containsExactly(Arrays.copyOf(full, 11));
        }
    }

    @Test
    void perennialsHfTokenizerLoadsTheFolderAndEncodesWithoutSpecialTokens() {
        try (HfTokenizer hf = HfTokenizer.load(MINILM)) {
            assertThat(hf.vocabSize()).isEqualTo(95);
            for (int i = 0; i < sentences.size(); i++) {
                long[] full = longs(expected.get("tokens." + i));
                long[] body = Arrays.copyOfRange(full, 1, full.length - 1);
                assertThat(Arrays.stream(hf.encode(sentences.get(i))).asLongStream().toArray()).as("sentence %d", i)
                        .containsExactly(body);
            }
        }
    }

    private static long[] longs(Tensor t) {
        Tensor flat = t.contiguous().view(-1);
        long[] out = new long[(int) flat.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = flat.select(0, i).item_long();
        }
        return out;
    }
}
