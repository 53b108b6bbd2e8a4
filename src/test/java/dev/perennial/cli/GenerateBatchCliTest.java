package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.io.Json;
import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateBatchCliTest {

    static final List<String> PROMPTS = List.of("Hello", "A longer prompt, with more in it: ", "x", "Once upon a");

    @TempDir
    static Path tmp;

    static Path model;

    @BeforeAll
    static void saveModel() {
        model = tmp.resolve("m");
        try (Model m = ModelFixtures.byteLlama(9)) {
            ModelFolder.save(m, "byte", model, ModelFolder.DEFAULT_SHARD_BYTES, "");
        }
    }

    /** What `generate --prompt` streams after the prompt, for one prompt. */
    private static String alone(String prompt, String... settings) {
        String[] args = {"generate", "--model", model.toString(), "--prompt", prompt, "--max-new-tokens", "10"};
        CliTest.Result r = CliTest.run(concat(args, settings));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith(prompt);
        return r.out().substring(prompt.length()).stripTrailing();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<JsonNode> lines(String jsonl) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : jsonl.split("\n")) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    @Test
    void writesOneLinePerPromptInOrderEqualToEachPromptAlone() throws Exception {
        Path prompts = tmp.resolve("prompts.txt");
        Files.writeString(prompts, String.join("\n", PROMPTS) + "\n\n");
        Path out = tmp.resolve("results/out.jsonl");
        String[] sampled = {"--temperature", "1.3", "--top-p", "0.9", "--seed", "5"};
        CliTest.Result r = CliTest.run(concat(new String[] {"generate", "--model", model.toString(), "--prompts",
                prompts.toString(), "--batch-size", "3", "--max-new-tokens", "10", "--out", out.toString()}, sampled));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("4 prompts, ").contains("batch size 3");
        List<JsonNode> results = lines(Files.readString(out));
        assertThat(results).hasSize(PROMPTS.size());
        for (int i = 0; i < PROMPTS.size(); i++) {
            JsonNode line = results.get(i);
            assertThat(line.path("index").asInt()).isEqualTo(i);
            assertThat(line.path("prompt").asText()).isEqualTo(PROMPTS.get(i));
            assertThat(line.path("text").asText()).as(PROMPTS.get(i)).isEqualTo(alone(PROMPTS.get(i), sampled));
            assertThat(line.path("prompt_tokens").asInt()).isEqualTo(PROMPTS.get(i).length()); // one byte, one token
            assertThat(line.path("completion_tokens").asInt()).isEqualTo(10);
            assertThat(line.path("finish_reason").asText()).isEqualTo("length");
        }
        assertThat(Files.list(out.getParent()).toList()).containsExactly(out); // no temporary left behind
    }

    @Test
    void readsJsonlPromptsAndWritesToStandardOutput() throws Exception {
        Path prompts = tmp.resolve("prompts.jsonl");
        Files.writeString(prompts, "{\"prompt\": \"two\\nlines\"}\n{\"prompt\": \"Hello\", \"id\": 7}\n");
        CliTest.Result r = CliTest.run("generate", "--model", model.toString(), "--prompts", prompts.toString(),
                "--max-new-tokens", "10");
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> results = lines(r.out());
        assertThat(results).extracting(n -> n.path("prompt").asText()).containsExactly("two\nlines", "Hello");
        assertThat(results.get(1).path("text").asText()).isEqualTo(alone("Hello"));
    }

    @Test
    void refusesABadPromptsFileOrMixedFlagsInOneLine() throws Exception {
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"prompt\": \"fine\"}\n{\"text\": \"no prompt field\"}\n");
        CliTest.Result r = CliTest.run("generate", "--model", model.toString(), "--prompts", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bad.jsonl line 2").contains("\"prompt\"");
        CliTest.Result both = CliTest.run("generate", "--model", model.toString(), "--prompts", bad.toString(),
                "--prompt", "x");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("either --prompt TEXT or --prompts FILE");
        Path tooLong = tmp.resolve("long.txt");
        Files.writeString(tooLong, "short\n" + "y".repeat(200) + "\n");
        CliTest.Result refused = CliTest.run("generate", "--model", model.toString(), "--prompts",
                tooLong.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("long.txt prompt 2 (200 tokens)").contains("--truncate left");
    }
}
