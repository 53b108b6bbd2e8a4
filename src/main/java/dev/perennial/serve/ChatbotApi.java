package dev.perennial.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.generate.GenerationConfig;
import dev.perennial.generate.Generator;
import dev.perennial.http.SseStream;
import dev.perennial.pipeline.Chatbot;
import dev.perennial.pipeline.Encoder;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Task;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;

/**
 * OpenAI's /v1/chat/completions answered by an encoder-decoder chat model (the conversational task's
 * {@link Chatbot}), whole or streamed as the language models' answers are. A request that leaves out temperature,
 * top_p and top_k gets the checkpoint's own decoding (its generation config: Blenderbot's beam search, whose reply
 * arrives whole at the end of a stream); one that sets them decodes one beam, greedily at temperature 0, else
 * sampling with them and its seed. max_tokens bounds the reply (else the checkpoint's max_length does). What such a
 * model cannot do (several choices, log-probabilities, OpenAI's penalties) is refused naming the field.
 */
final class ChatbotApi {

    private final ModelPool pool;
    private final GenerationGate gate;

    ChatbotApi(ModelPool pool, GenerationGate gate) {
        this.pool = pool;
        this.gate = gate;
    }

    void complete(Context ctx, CompletionRequest request, Catalog.Entry model, OpenAiApi.Response response) {
        refuseUnsupported(request);
        Inputs.Conversation conversation = conversation(request);
        try (GenerationGate.Permit permit = gate.enter();
             ModelPool.Lease<Encoder> lease = pool.leaseEncoder(model, Task.CONVERSATIONAL)) {
            if (!(lease.loaded() instanceof Chatbot bot)) {
                throw ApiError.badRequest("model", "the model '" + request.model() + "' is loaded for another task "
                        + "here; chat with it once that is done");
            }
            GenerationConfig settings = settings(request, bot);
            Generator.Result result;
            if (request.stream()) {
                SseStream sse = new SseStream(ctx);
                sse.send(null, response.chunk(null, null, null, true).toString());
                result = bot.reply(conversation, settings, request.stop(), request.seed(), (text, tokens) ->
                        sse.send(null, response.chunk(text, List.of(), null, false).toString()));
                if (result.finish() != Generator.Finish.CANCELLED) {
                    ObjectNode last = response.chunk(null, List.of(), OpenAiApi.finishReason(result), false);
                    last.set("usage", OpenAiApi.usage(result));
                    sse.send(null, last.toString());
                    sse.send(null, "[DONE]");
                }
            } else {
                result = bot.reply(conversation, settings, request.stop(), request.seed(), (text, tokens) -> true);
                ctx.status(200).contentType("application/json").result(response.whole(List.of(result),
                        List.of(List.of()), result.promptTokens()).toString());
            }
            gate.finished(result.finish() == Generator.Finish.CANCELLED);
        }
    }

    private static void refuseUnsupported(CompletionRequest request) {
        if (request.n() > 1) {
            throw ApiError.badRequest("n", "a seq2seq chat model gives one choice; leave out 'n' or set it to 1");
        }
        Map<String, Boolean> asked = Map.of("logprobs", request.logprobs() >= 0,
                "frequency_penalty", request.frequencyPenalty() != 0, "presence_penalty", request.presencePenalty() != 0,
                "repetition_penalty", request.repetitionPenalty() != 1);
        asked.forEach((field, set) -> {
            if (set) {
                throw ApiError.badRequest(field, "a seq2seq chat model does not take '" + field + "' (it is for the "
                        + "language models); leave it out");
            }
        });
    }

    private static Inputs.Conversation conversation(CompletionRequest request) {
        try {
            return new Inputs.Conversation(request.messages().stream()
                    .map(m -> new Inputs.Message(m.role(), m.content())).toList());
        } catch (UserError e) {
            throw ApiError.badRequest("messages", e.getMessage());
        }
    }

    /** The checkpoint's generation config with the request's budget and, when it sets any, its sampling. */
    private static GenerationConfig settings(CompletionRequest request, Chatbot bot) {
        GenerationConfig config = bot.generationConfig();
        boolean budgetGiven = request.gave("max_tokens") || request.gave("max_completion_tokens");
        int budget = budgetGiven ? request.maxTokens() : Math.min(config.maxLength() - 1, request.maxTokens());
        if (budget < 1 || budget > bot.maxReplyTokens()) {
            throw new ApiError(400, "invalid_request_error", "max_tokens", "context_length_exceeded", "max_tokens "
                    + budget + " is not in [1, " + bot.maxReplyTokens() + "]: the model's decoder holds "
                    + (bot.maxReplyTokens() + 1) + " positions, its start token included");
        }
        if (budget != config.maxLength() - 1) {
            config = config.withMaxNewTokens(budget);
        }
        if (request.gave("temperature") || request.gave("top_p") || request.gave("top_k")) {
            config = config.withSampling(request.temperature(), request.topK(), request.topP());
        }
        return config;
    }
}
