package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.generate.Generator;
import dev.perennial.generate.Sampling;
import dev.perennial.tensor.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.perennial.serve.ServeApiTest.JSON;
import static dev.perennial.serve.ServeApiTest.MODEL;
import static dev.perennial.serve.ServeApiTest.json;
import static dev.perennial.serve.ServeApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * /v1/completions with OpenAI's list of prompts: one choice per prompt and n, numbered prompt × n + i, each what
 * the generator gives that prompt alone with seed + i; over plain HTTP and through the official openai npm client.
 */
class BatchCompletionsApiTest {

    static final List<String> PROMPTS = List.of("the of", "a", "the cat sat on the mat and");

    static WebServer server;

    @BeforeAll
    static void start() {
        server = WebServer.start(ServeFixture.options(null, ServeOptions.Limits.defaults()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Each prompt's n choices generated one by one, in OpenAI's order, and the prompts' token count. */
    private static List<Generator.Result> alone(int n, int maxTokens, long seed) {
        List<Generator.Result> expected = new ArrayList<>();
        try (ModelFolder.Loaded loaded = ModelFolder.load(ServeFixture.runs().resolve(MODEL), DType.F32)) {
            for (String prompt : PROMPTS) {
                for (int i = 0; i < n; i++) {
                    expected.add(Generator.generate(loaded.model(), loaded.tokenizer(), prompt,
                            new Sampling(maxTokens, 1, 0, 1, List.of(), seed + i), 0, (text, tokens) -> true));
                }
            }
        }
        return expected;
    }

    @Test
    void aListOfPromptsGetsNChoicesEachNumberedPromptTimesNPlusI() throws Exception {
        List<Generator.Result> expected = alone(2, 10, 5);
        JsonNode whole = json(post(server, "/v1/completions", "{\"model\": \"" + MODEL + "\", \"prompt\": "
                + JSON.writeValueAsString(PROMPTS) + ", \"max_tokens\": 10, \"temperature\": 1, \"seed\": 5, "
                + "\"n\": 2, \"logprobs\": 0}"));
        JsonNode choices = whole.path("choices");
        assertThat(choices).hasSize(PROMPTS.size() * 2);
        int completion = 0;
        for (int c = 0; c < choices.size(); c++) {
            JsonNode choice = choices.get(c);
            assertThat(choice.path("index").asInt()).isEqualTo(c);
            assertThat(choice.path("text").asText()).as("choice " + c).isEqualTo(expected.get(c).text());
            StringBuilder scored = new StringBuilder(); // every token but an end-of-text is scored
            choice.path("logprobs").path("tokens").forEach(t -> scored.append(t.asText()));
            assertThat(scored.toString()).isEqualTo(expected.get(c).text());
            completion += expected.get(c).tokens().length;
        }
        assertThat(whole.path("usage").path("completion_tokens").asInt()).isEqualTo(completion);
        int promptTokens = expected.get(0).promptTokens() + expected.get(2).promptTokens()
                + expected.get(4).promptTokens();
        assertThat(whole.path("usage").path("prompt_tokens").asInt()).isEqualTo(promptTokens);
    }

    @Test
    void aListIsNotStreamedAndOnlyStringsArePrompts() throws Exception {
        HttpResponse<String> streamed = post(server, "/v1/completions", "{\"model\": \"" + MODEL + "\", "
                + "\"prompt\": [\"a\", \"b\"], \"stream\": true}");
        assertThat(streamed.statusCode()).isEqualTo(400);
        assertThat(json(streamed).path("error").path("param").asText()).isEqualTo("prompt");
        assertThat(json(streamed).path("error").path("message").asText()).contains("not streamed");
        HttpResponse<String> ids = post(server, "/v1/completions", "{\"model\": \"" + MODEL + "\", "
                + "\"prompt\": [[1, 2, 3]]}");
        assertThat(ids.statusCode()).isEqualTo(400);
        assertThat(json(ids).path("error").path("message").asText()).contains("list of strings");
        HttpResponse<String> empty = post(server, "/v1/completions", "{\"model\": \"" + MODEL + "\", "
                + "\"prompt\": [\"a\", \"\"]}");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(json(empty).path("error").path("message").asText()).contains("prompt[1] is empty");
        HttpResponse<String> tooMany = post(server, "/v1/completions", "{\"model\": \"" + MODEL + "\", "
                + "\"prompt\": " + JSON.writeValueAsString(java.util.Collections.nCopies(5, "a")) + ", \"n\": 16}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(json(tooMany).path("error").path("message").asText()).contains("64");
    }

    /** The official OpenAI client for Node.js sends the list as OpenAI documents it and reads every choice. */
    @Test
    void theOfficialOpenAiClientSendsAListOfPrompts() throws Exception {
        List<Generator.Result> expected = alone(2, 8, 11);
        Path dir = PipelineApiTest.OpenAiNodeClient.installed();
        Files.writeString(dir.resolve("complete.mjs"), """
                import OpenAI from "openai";
                const client = new OpenAI({ baseURL: process.env.BASE_URL, apiKey: "unused", maxRetries: 0 });
                const answer = await client.completions.create({ model: process.env.MODEL,
                    prompt: JSON.parse(process.env.PROMPTS), max_tokens: 8, temperature: 1, seed: 11, n: 2 });
                console.log(JSON.stringify(answer));
                """);
        String out = PipelineApiTest.OpenAiNodeClient.run(dir, "complete.mjs", server.url() + "v1", "MODEL", MODEL,
                "PROMPTS", JSON.writeValueAsString(PROMPTS));
        JsonNode choices = JSON.readTree(out).path("choices");
        assertThat(choices).hasSize(expected.size());
        for (int c = 0; c < choices.size(); c++) {
            assertThat(choices.get(c).path("index").asInt()).isEqualTo(c);
            assertThat(choices.get(c).path("text").asText()).isEqualTo(expected.get(c).text());
        }
    }
}
