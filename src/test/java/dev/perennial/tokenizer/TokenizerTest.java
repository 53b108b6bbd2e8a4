package dev.perennial.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.UserError;
import dev.perennial.io.Hashing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizerTest {

    static final List<String> TEXTS = List.of(
            "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs.",
            "Continual pre-training re-warms the learning rate, then re-decays it, with replay of old data.",
            "Der schnelle braune Fuchs springt über den faulen Hund. Grüße aus München! 🦊",
            "the the the the fox fox fox dog dog learning learning rate rate");

    @TempDir
    Path dir;

    @Test
    void byteTokenizerRoundTripsAnyText() {
        ByteTokenizer bytes = new ByteTokenizer();
        for (String text : TEXTS) {
            assertThat(bytes.decode(bytes.encode(text))).isEqualTo(text);
        }
        assertThat(bytes.encode("é")).containsExactly(0xc3, 0xa9);
        assertThat(bytes.vocabSize()).isEqualTo(257);
        assertThat(bytes.decode(new int[] {'h', 'i', ByteTokenizer.EOS})).isEqualTo("hi");
        assertThat(bytes.hash()).hasSize(64).isEqualTo(new ByteTokenizer().hash());
    }

    @Test
    void trainedBpeLoadsInHuggingFaceTokenizersAndRoundTrips() throws Exception {
        BpeTrainer trainer = new BpeTrainer(300);
        for (int i = 0; i < 20; i++) {
            TEXTS.forEach(trainer::add);
        }
        BpeTrainer.Model model = trainer.train();
        assertThat(model.tokens()).hasSize(299);
        assertThat(model.merges()).hasSize(299 - 256);
        TokenizerFiles.write(model, dir);

        try (HfTokenizer hf = HfTokenizer.load(dir)) {
            assertThat(hf.vocabSize()).isEqualTo(300);
            assertThat(hf.eosId()).isEqualTo(299);
            assertThat(hf.hash()).isEqualTo(Hashing.sha256(Files.readAllBytes(dir.resolve("tokenizer.json"))));
            for (String text : TEXTS) {
                int[] ids = hf.encode(text);
                assertThat(hf.decode(ids)).isEqualTo(text);
                assertThat(ids.length).isLessThan(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            }
            // frequent words became single tokens: " the" was merged (Ġthe in byte-level)
            assertThat(hf.encode(" the")).hasSize(1);
            assertThat(Arrays.stream(hf.encode(" the")).boxed().toList())
                    .containsExactly(model.tokens().indexOf("Ġthe"));
            // no truncation at 512 tokens and no special tokens added
            String longText = "fox ".repeat(3000);
            assertThat(hf.decode(hf.encode(longText))).isEqualTo(longText);
        }
    }

    @Test
    void theByteTokenizerIsAByteLevelBpeWithoutMergesAndHashesAsItsFile() throws Exception {
        ByteTokenizer.writeFiles(dir);
        ByteTokenizer bytes = new ByteTokenizer();
        try (HfTokenizer hf = HfTokenizer.load(dir)) {
            assertThat(hf.hash()).isEqualTo(bytes.hash());
            assertThat(hf.vocabSize()).isEqualTo(257);
            assertThat(hf.eosId()).isEqualTo(ByteTokenizer.EOS);
            for (String text : TEXTS) {
                assertThat(hf.encode(text)).isEqualTo(bytes.encode(text));
            }
        }
    }

    @Test
    void mergesAreTheMostFrequentPairsFirst() {
        BpeTrainer trainer = new BpeTrainer(260);
        trainer.add("aaab aaab aaab cd");
        BpeTrainer.Model model = trainer.train();
        // words: "aaab" ×3 (Ġaaab ×2 and aaab ×1 after the space split), "Ġcd"; the pair (a, a) is the most frequent
        assertThat(model.tokens().get(model.merges().getFirst()[0]) + model.tokens().get(model.merges().getFirst()[1]))
                .isEqualTo("aa");
    }

    @Test
    void trainingIsDeterministic() {
        BpeTrainer.Model a = BpeTrainer.train(TEXTS.iterator(), 290);
        BpeTrainer.Model b = BpeTrainer.train(TEXTS.iterator(), 290);
        assertThat(a.tokens()).isEqualTo(b.tokens());
    }

    @Test
    void writesStandardHuggingFaceFields() throws Exception {
        TokenizerFiles.write(BpeTrainer.train(TEXTS.iterator(), 270), dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("tokenizer.json").toFile());
        assertThat(json.path("model").path("type").asText()).isEqualTo("BPE");
        assertThat(json.path("pre_tokenizer").path("type").asText()).isEqualTo("ByteLevel");
        assertThat(json.path("added_tokens").get(0).path("content").asText()).isEqualTo("<|endoftext|>");
        assertThat(new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile()).path("eos_token").asText())
                .isEqualTo("<|endoftext|>");
    }

    @Test
    void refusesWhatCannotBeLoaded() throws Exception {
        assertThatThrownBy(() -> Tokenizers.open(dir.resolve("nope").toString()))
                .isInstanceOf(UserError.class).hasMessageContaining("no such tokenizer file");
        Files.writeString(dir.resolve("tokenizer.json"), "{not json");
        assertThatThrownBy(() -> Tokenizers.open(dir.toString()))
                .isInstanceOf(UserError.class).hasMessageContaining("not a readable tokenizer.json");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nonsense\"}}");
        assertThatThrownBy(() -> Tokenizers.open(dir.toString()))
                .isInstanceOf(UserError.class).hasMessageContaining("Hugging Face tokenizers cannot load it");
    }
}
