package dev.perennial.serve;

import dev.perennial.UserError;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns chat messages into the prompt text a model was trained on: the Jinja {@code chat_template} of the
 * model's tokenizer_config.json, rendered the way transformers' {@code apply_chat_template} does (trim_blocks and
 * lstrip_blocks on, {@code add_generation_prompt} true, {@code bos_token}/{@code eos_token} and
 * {@code raise_exception} defined). A model without a template (a base model) gets a plain transcript,
 * "System: …", "User: …", each followed by a blank line, ending in "Assistant:"; generation then also stops at
 * the next "\nUser:".
 */
public final class ChatTemplate {

    /** One chat message. */
    record Message(String role, String content) {
    }

    /** The prompt, and stop sequences the format implies. */
    record Rendered(String prompt, List<String> stops) {
    }

    private static final Jinjava JINJA = newJinja();

    private final String template;
    private final String bosToken;
    private final String eosToken;

    private ChatTemplate(String template, String bosToken, String eosToken) {
        this.template = template;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
    }

    static ChatTemplate of(Path modelDir) {
        JsonNode config = ModelInfo.readJson(modelDir.resolve("tokenizer_config.json"));
        if (config == null) {
            return new ChatTemplate(null, "", "");
        }
        return new ChatTemplate(templateText(config.path("chat_template")), tokenText(config.path("bos_token")),
                tokenText(config.path("eos_token")));
    }

    /** The chat template of a model folder's tokenizer_config.json, or null when it has none. */
    public static String templateOf(Path modelDir) {
        return of(modelDir).template;
    }

    /** A template is a string, or a list of named ones of which "default" is used (transformers' convention). */
    private static String templateText(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isArray()) {
            for (JsonNode named : node) {
                if (named.path("name").asText().equals("default")) {
                    return named.path("template").asText();
                }
            }
        }
        return null;
    }

    private static String tokenText(JsonNode node) {
        return node.isTextual() ? node.asText() : node.path("content").asText("");
    }

    Rendered render(List<Message> messages) {
        if (template == null) {
            StringBuilder text = new StringBuilder();
            for (Message m : messages) {
                text.append(Character.toUpperCase(m.role().charAt(0))).append(m.role().substring(1)).append(": ")
                        .append(m.content()).append("\n\n");
            }
            return new Rendered(text.append("Assistant:").toString(), List.of("\nUser:"));
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", m.role());
            message.put("content", m.content());
            list.add(message);
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("messages", list);
        context.put("add_generation_prompt", true);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        RenderResult result = JINJA.renderForResult(template, context);
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw ApiError.badRequest("messages", "the model's chat template refused the messages: "
                        + raisedMessage(error));
            }
        }
        return new Rendered(result.getOutput(), List.of());
    }

    /**
     * The prompt {@code template} makes of a short user/assistant/user conversation, or an error saying why it
     * cannot render: what {@code perennial model set-chat-template} shows before it saves a template.
     */
    public static String sample(String template, String bosToken, String eosToken) {
        List<Message> conversation = List.of(new Message("user", "Hello!"), new Message("assistant", "Hi. How can I "
                + "help?"), new Message("user", "Name a colour."));
        try {
            return new ChatTemplate(template, bosToken, eosToken).render(conversation).prompt();
        } catch (RuntimeException e) {
            throw new UserError("the chat template does not render a user/assistant conversation: "
                    + e.getMessage(), e);
        }
    }

    /** The template's own words when it called raise_exception (the innermost cause), else jinjava's message. */
    private static String raisedMessage(TemplateError error) {
        Throwable cause = error.getException();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause instanceof IllegalArgumentException raised && raised.getMessage() != null
                ? raised.getMessage() : error.getMessage();
    }

    /** Called by templates as {@code raise_exception('...')}, as transformers defines it. */
    public static String raiseException(String message) {
        throw new IllegalArgumentException(message);
    }

    private static Jinjava newJinja() {
        Jinjava jinja = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());
        jinja.registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raiseException",
                String.class));
        return jinja;
    }
}
