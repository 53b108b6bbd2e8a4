package dev.perennial.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.generate.Generator;
import dev.perennial.generate.TokenLogProbs;
import dev.perennial.http.SseStream;
import dev.perennial.io.Json;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * OpenAI's endpoints over Perennial's catalog and generator: GET /v1/models, and POST /v1/completions and
 * /v1/chat/completions, whole
 * or streamed as server-sent events ("data: {chunk}" … "data: [DONE]"), with optional log-probabilities in each
 * endpoint's own shape. A streamed generation stops as soon as its client is gone. A whole answer generates all its
 * choices (several prompts × n) in batches.
 */
final class OpenAiApi {

    /** Choices generated together, one forward pass per step for all of them. */
    private static final int BATCH_ROWS = 16;

    private final Catalog catalog;
    private final ModelPool pool;
    private final GenerationGate gate;
    private final ChatbotApi chatbots;

    OpenAiApi(Catalog catalog, ModelPool pool, GenerationGate gate) {
        this.catalog = catalog;
        this.pool = pool;
        this.gate = gate;
        this.chatbots = new ChatbotApi(pool, gate);
    }

    void models(Context ctx) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (Catalog.Entry model : catalog.all(Catalog.Kind.MODEL)) {
            long created = model.dir().toFile().lastModified() / 1000;
            ObjectNode entry = data.addObject().put("id", model.name()).put("object", "model")
                    .put("created", created).put("owned_by", "perennial");
            describeUse(entry, model);
        }
        PerennialApi.json(ctx, out);
    }

    /**
     * What a model is for, on its /v1/models and /api/models entries: "model_kind" ("language-model" or
     * "pipeline"), the pipeline "tasks" it serves, and the "endpoints" that take it.
     */
    static void describeUse(ObjectNode entry, Catalog.Entry model) {
        entry.put("model_kind", model.isPipelineModel() ? "pipeline" : "language-model");
        ArrayNode tasks = entry.putArray("tasks");
        model.tasks().forEach(t -> tasks.add(t.name()));
        ArrayNode endpoints = entry.putArray("endpoints");
        model.endpoints().forEach(endpoints::add);
    }

    void complete(Context ctx, CompletionRequest request) {
        Catalog.Entry model = catalog.requireModel(request.model(), request.chat()
                ? new Catalog.Chat("chat completions") : new Catalog.Generation("completions"));
        String id = (request.chat() ? "chatcmpl-" : "cmpl-")
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        long created = System.currentTimeMillis() / 1000;
        if (model.isPipelineModel()) {
            chatbots.complete(ctx, request, model, new Response(request, id, created));
            return;
        }
        try (GenerationGate.Permit permit = gate.enter();
             ModelPool.Lease<ModelFolder.Loaded> lease = pool.lease(model)) {
            ChatTemplate.Rendered rendered = request.chat() ? ChatTemplate.of(model.dir()).render(request.messages())
                    : new ChatTemplate.Rendered(request.prompts().getFirst(), List.of());
            List<String> prompts = request.chat() ? List.of(rendered.prompt()) : request.prompts();
            List<int[]> promptIds = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                promptIds.add(promptIds(lease.loaded(), prompts.get(i), request.maxTokens(),
                        prompts.size() == 1 ? "the prompt" : "prompt[" + i + "]"));
            }
            int top = Math.max(0, request.logprobs());
            Response response = new Response(request, id, created);
            Generator.Result result;
            if (request.stream()) {
                SseStream sse = new SseStream(ctx);
                if (request.chat()) {
                    sse.send(null, response.chunk(null, null, null, true).toString());
                }
                result = Generator.generate(lease.loaded().model(), lease.loaded().tokenizer(), promptIds.getFirst(),
                        request.sampling(rendered.stops(), 0), top, (text, tokens) -> sse.send(null,
                                response.chunk(text, tokens, null, false).toString()));
                if (result.finish() != Generator.Finish.CANCELLED) {
                    ObjectNode last = response.chunk(request.chat() ? null : "", List.of(), finishReason(result),
                            false);
                    last.set("usage", usage(result));
                    sse.send(null, last.toString());
                    sse.send(null, "[DONE]");
                }
            } else {
                // choice index = prompt index × n + i, as OpenAI numbers them
                List<Generator.Request> rows = new ArrayList<>();
                List<List<TokenLogProbs.Scored>> scored = new ArrayList<>();
                for (int[] ids : promptIds) {
                    for (int choice = 0; choice < request.n(); choice++) {
                        List<TokenLogProbs.Scored> tokens = new ArrayList<>();
                        scored.add(tokens);
                        rows.add(new Generator.Request(ids, request.sampling(rendered.stops(), choice),
                                (text, pieces) -> {
                                    tokens.addAll(pieces);
                                    return true;
                                }));
                    }
                }
                List<Generator.Result> results = Generator.generateBatch(lease.loaded().model(),
                        lease.loaded().tokenizer(), rows, top, BATCH_ROWS);
                result = results.getLast();
                int promptTokens = promptIds.stream().mapToInt(ids -> ids.length).sum();
                ctx.status(200).contentType("application/json")
                        .result(response.whole(results, scored, promptTokens).toString());
            }
            gate.finished(result.finish() == Generator.Finish.CANCELLED);
        }
    }

    /** The prompt's ids, refused before any response starts when they cannot be generated from. */
    static int[] promptIds(ModelFolder.Loaded loaded, String prompt, int maxTokens, String name) {
        int[] ids = loaded.tokenizer().encode(prompt);
        int positions = loaded.model().config().maxPositions();
        if (ids.length == 0) {
            throw ApiError.badRequest("prompt", name + " is empty; give at least one token of text");
        }
        if (ids.length + maxTokens > positions) {
            throw new ApiError(400, "invalid_request_error", "max_tokens", "context_length_exceeded", name + " ("
                    + ids.length + " tokens) plus max_tokens (" + maxTokens + ") exceed the model's " + positions
                    + " positions");
        }
        return ids;
    }

    static String finishReason(Generator.Result result) {
        return result.finish() == Generator.Finish.LENGTH ? "length" : "stop";
    }

    static ObjectNode usage(Generator.Result result) {
        int completion = result.tokens().length;
        ObjectNode usage = Json.MAPPER.createObjectNode();
        usage.put("prompt_tokens", result.promptTokens());
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", result.promptTokens() + completion);
        return usage;
    }

    /** Builds the JSON of one request's answer, whole or in chunks; counts characters for text offsets. */
    static final class Response {
        private final CompletionRequest request;
        private final String id;
        private final long created;
        private int textOffset;

        Response(CompletionRequest request, String id, long created) {
            this.request = request;
            this.id = id;
            this.created = created;
        }

        /** The whole answer: one choice per result, usage counting each prompt once ({@code promptTokens}). */
        ObjectNode whole(List<Generator.Result> results, List<List<TokenLogProbs.Scored>> scored, int promptTokens) {
            ObjectNode out = head(request.chat() ? "chat.completion" : "text_completion");
            ArrayNode choices = out.putArray("choices");
            int completion = 0;
            for (int i = 0; i < results.size(); i++) {
                Generator.Result result = results.get(i);
                ObjectNode choice = choices.addObject();
                choice.put("index", i);
                if (request.chat()) {
                    ObjectNode message = choice.putObject("message");
                    message.put("role", "assistant");
                    message.put("content", result.text());
                } else {
                    choice.put("text", result.text());
                }
                textOffset = 0;
                choice.set("logprobs", logprobs(scored.get(i)));
                choice.put("finish_reason", finishReason(result));
                completion += result.tokens().length;
            }
            ObjectNode usage = out.putObject("usage");
            usage.put("prompt_tokens", promptTokens);
            usage.put("completion_tokens", completion);
            usage.put("total_tokens", promptTokens + completion);
            return out;
        }

        /** A streamed chunk: new text (or the role, first, for chat), its tokens, and the finish reason last. */
        ObjectNode chunk(String text, List<TokenLogProbs.Scored> tokens, String finish, boolean role) {
            ObjectNode out = head(request.chat() ? "chat.completion.chunk" : "text_completion");
            ObjectNode choice = out.putArray("choices").addObject();
            choice.put("index", 0);
            if (request.chat()) {
                ObjectNode delta = choice.putObject("delta");
                if (role) {
                    delta.put("role", "assistant");
                    delta.put("content", "");
                } else if (text != null) {
                    delta.put("content", text);
                }
            } else {
                choice.put("text", text);
            }
            choice.set("logprobs", tokens == null ? null : logprobs(tokens));
            choice.put("finish_reason", finish);
            return out;
        }

        private ObjectNode head(String object) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("id", id);
            out.put("object", object);
            out.put("created", created);
            out.put("model", request.model());
            return out;
        }

        /** null without logprobs; chat: {content: [...]}; completions: parallel lists with text offsets. */
        private ObjectNode logprobs(List<TokenLogProbs.Scored> tokens) {
            if (request.logprobs() < 0) {
                return null;
            }
            ObjectNode out = Json.MAPPER.createObjectNode();
            if (request.chat()) {
                ArrayNode content = out.putArray("content");
                for (TokenLogProbs.Scored t : tokens) {
                    ObjectNode entry = content.addObject();
                    entry.put("token", t.text());
                    entry.put("logprob", t.logProb());
                    entry.set("bytes", bytes(t.text()));
                    ArrayNode top = entry.putArray("top_logprobs");
                    for (TokenLogProbs.Alternative a : t.top()) {
                        top.addObject().put("token", a.text()).put("logprob", a.logProb()).set("bytes", bytes(a.text()));
                    }
                }
                return out;
            }
            ArrayNode texts = out.putArray("tokens");
            ArrayNode values = out.putArray("token_logprobs");
            ArrayNode tops = out.putArray("top_logprobs");
            ArrayNode offsets = out.putArray("text_offset");
            for (TokenLogProbs.Scored t : tokens) {
                texts.add(t.text());
                values.add(t.logProb());
                ObjectNode top = tops.addObject();
                t.top().forEach(a -> top.put(a.text(), a.logProb()));
                offsets.add(textOffset);
                textOffset += t.text().length();
            }
            return out;
        }

        private static ArrayNode bytes(String text) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                out.add(b & 0xff);
            }
            return out;
        }
    }
}
