package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.generate.GenerationConfig;
import dev.perennial.generate.Generator;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Chatbot;
import dev.perennial.pipeline.ConversationalTest;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /v1/chat/completions answered by the tiny encoder-decoder chat model (tools/reference/conversational.py), called
 * through the official openai npm client: the checkpoint's decoding when the request sets no sampling, greedy at
 * temperature 0, seeded sampling, streaming, stop texts, usage, and what such a model refuses; and the Gradio chat
 * app over it.
 */
class ChatbotApiTest {

    @TempDir
    static Path models;

    static WebServer server;

    @BeforeAll
    static void start() throws IOException {
        PipelineApiTest.copy(ConversationalTest.MODEL, models.resolve("bot"));
        server = WebServer.start(new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null,
                ServeOptions.Limits.defaults()).withApps(List.of(AppSpec.parse("chat=bot"))));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The reply that the Java API gives for {@code conversation} with the settings {@code adjust} makes. */
    static Generator.Result local(Inputs.Conversation conversation, Function<GenerationConfig, GenerationConfig> adjust,
                                  List<String> stops, long seed) {
        try (var chat = Pipeline.forTask(Task.CONVERSATIONAL, models.resolve("bot").toString())) {
            Chatbot bot = (Chatbot) chat.encoder();
            return bot.reply(conversation, adjust.apply(bot.generationConfig()), stops, seed, (text, tokens) -> true);
        }
    }

    @Test
    void theOpenAiClientChatsWithTheSeq2SeqModel() throws Exception {
        List<Inputs.Conversation> conversations = ConversationalTest.conversations();
        Inputs.Conversation two = conversations.get(1);
        Path dir = NodeClient.OPENAI.installed();
        Files.writeString(dir.resolve("chatbot.mjs"), """
                import OpenAI from "openai";
                const client = new OpenAI({ baseURL: process.env.BASE_URL, apiKey: "unused", maxRetries: 0 });
                const messages = JSON.parse(process.env.MESSAGES);
                const out = {};
                out.whole = await client.chat.completions.create({ model: "bot", messages });
                out.streamed = { text: "", chunks: 0, usage: null, finish: null };
                for await (const chunk of await client.chat.completions.create({ model: "bot", messages,
                                                                                  stream: true })) {
                    out.streamed.chunks++;
                    const choice = chunk.choices[0];
                    out.streamed.text += (choice && choice.delta.content) || "";
                    if (choice && choice.finish_reason) out.streamed.finish = choice.finish_reason;
                    if (chunk.usage) out.streamed.usage = chunk.usage;
                }
                out.greedy = await client.chat.completions.create({ model: "bot", messages, temperature: 0,
                                                                     max_tokens: 6 });
                out.greedyStream = "";
                for await (const chunk of await client.chat.completions.create({ model: "bot", messages,
                        temperature: 0, max_tokens: 6, stream: true })) {
                    out.greedyStream += (chunk.choices[0] && chunk.choices[0].delta.content) || "";
                }
                const sample = () => client.chat.completions.create({ model: "bot", messages, temperature: 1.5,
                                                                    top_p: 0.9, seed: 11, max_tokens: 8 });
                out.sampled = [await sample(), await sample()];
                out.stopped = await client.chat.completions.create({ model: "bot", messages, temperature: 0,
                                                                      stop: process.env.STOP });
                out.errors = [];
                for (const extra of [{ n: 2 }, { logprobs: true }, { max_tokens: 100 }, { presence_penalty: 1 },
                                     { messages: [{ role: "tool", content: "x", tool_call_id: "t" }] }]) {
                    try {
                        await client.chat.completions.create({ model: "bot", messages, ...extra });
                        out.errors.push(null);
                    } catch (e) {
                        out.errors.push({ status: e.status, param: e.param, message: e.message });
                    }
                }
                out.models = await client.models.list();
                console.log(JSON.stringify(out));
                """);
        Generator.Result greedy = local(two, c -> c.withMaxNewTokens(6).withSampling(0, 0, 1), List.of(), 0);
        Generator.Result full = local(two, c -> c.withSampling(0, 0, 1), List.of(), 0);
        String stop = full.text().substring(3, 5);
        Generator.Result sampled = local(two, c -> c.withMaxNewTokens(8).withSampling(1.5, 0, 0.9), List.of(), 11);
        String messages = Json.MAPPER.writeValueAsString(two.messages());
        JsonNode out = Json.MAPPER.readTree(NodeClient.run(dir, "chatbot.mjs", server.url() + "v1",
                "MESSAGES", messages, "STOP", stop));

        String reply = ConversationalTest.replies().get(1);
        JsonNode whole = out.path("whole");
        assertThat(whole.path("object").asText()).isEqualTo("chat.completion");
        assertThat(whole.path("choices").get(0).path("message").path("content").asText()).isEqualTo(reply);
        assertThat(whole.path("usage").path("prompt_tokens").asInt()).isEqualTo(31); // the reference's prompt
        assertThat(out.path("streamed").path("text").asText()).isEqualTo(reply);
        assertThat(out.path("streamed").path("usage")).isEqualTo(whole.path("usage"));
        assertThat(out.path("streamed").path("finish").asText())
                .isEqualTo(whole.path("choices").get(0).path("finish_reason").asText());

        JsonNode greedyChoice = out.path("greedy").path("choices").get(0);
        assertThat(greedyChoice.path("message").path("content").asText()).isEqualTo(greedy.text());
        assertThat(greedyChoice.path("finish_reason").asText())
                .isEqualTo(greedy.finish() == Generator.Finish.LENGTH ? "length" : "stop");
        assertThat(out.path("greedy").path("usage").path("completion_tokens").asInt())
                .isEqualTo(greedy.tokens().length).isLessThanOrEqualTo(6);
        assertThat(out.path("greedyStream").asText()).isEqualTo(greedy.text());

        JsonNode samples = out.path("sampled");
        String first = samples.get(0).path("choices").get(0).path("message").path("content").asText();
        assertThat(samples.get(1).path("choices").get(0).path("message").path("content").asText()).isEqualTo(first);
        assertThat(first).isEqualTo(sampled.text());

        assertThat(out.path("stopped").path("choices").get(0).path("message").path("content").asText())
                .isEqualTo(full.text().substring(0, full.text().indexOf(stop)));
        assertThat(out.path("stopped").path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");

        JsonNode errors = out.path("errors");
        assertThat(errors.get(0).path("param").asText()).isEqualTo("n");
        assertThat(errors.get(1).path("param").asText()).isEqualTo("logprobs");
        assertThat(errors.get(2).path("param").asText()).isEqualTo("max_tokens");
        assertThat(errors.get(2).path("message").asText()).contains("64 positions");
        assertThat(errors.get(3).path("param").asText()).isEqualTo("presence_penalty");
        assertThat(errors.get(4).path("param").asText()).isEqualTo("messages");
        for (JsonNode error : errors) {
            assertThat(error.path("status").asInt()).isEqualTo(400);
        }
        JsonNode bot = null;
        for (JsonNode m : out.path("models").path("data")) {
            bot = m.path("id").asText().equals("bot") ? m : bot;
        }
        assertThat(bot).isNotNull();
        assertThat(bot.path("endpoints").toString()).contains("/v1/chat/completions");
    }

    @Test
    void theGradioChatAppRepliesAsTheApiDoesGreedily() throws Exception {
        String events = ServeApiTest.get(server, "/apps/chat/gradio_api/call/chat/" + ServeApiTest.json(
                ServeApiTest.post(server, "/apps/chat/gradio_api/call/chat", "{\"data\": [\"The cat sat on the mat.\", "
                        + "[], 8, 0, 0]}")).path("event_id").asText()).body();
        assertThat(events).contains("event: complete");
        String complete = events.substring(events.indexOf("event: complete"));
        JsonNode conversation = Json.MAPPER.readTree(complete.lines().skip(1).findFirst().orElseThrow().substring(6));
        String reply = conversation.get(0).get(1).path("content").asText();
        JsonNode api = ServeApiTest.json(ServeApiTest.post(server, "/v1/chat/completions", """
                {"model": "bot", "messages": [{"role": "user", "content": "The cat sat on the mat."}],
                 "max_tokens": 8, "temperature": 0}"""));
        assertThat(reply).isNotEmpty().isEqualTo(api.path("choices").get(0).path("message").path("content").asText());
    }
}
