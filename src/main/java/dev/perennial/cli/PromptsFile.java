package dev.perennial.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The prompts of {@code perennial generate --prompts} and the results it writes. A {@code .jsonl} file holds one
 * JSON object with a string "prompt" per line; any other file holds one prompt per line. Blank lines are skipped.
 * The results are JSONL, one {@link Completion} per prompt, in the prompts' order.
 */
final class PromptsFile {

    /** One prompt's result line; {@code finishReason} is length, eos or stop. */
    record Completion(int index, String prompt, String text, String finishReason, int promptTokens,
                      int completionTokens) {
    }

    private PromptsFile() {
    }

    /** Every prompt of {@code file}, refused as a whole (naming the line) before anything is generated. */
    static List<String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read (" + e.getMessage() + "); check --prompts", e);
        }
        boolean jsonl = file.getFileName().toString().endsWith(".jsonl");
        List<String> prompts = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (!line.isBlank()) {
                prompts.add(jsonl ? prompt(file, n + 1, line) : line);
            }
        }
        if (prompts.isEmpty()) {
            throw new UserError(file + ": holds no prompts; give one per line (or {\"prompt\": ...} per line in a "
                    + ".jsonl file)");
        }
        return prompts;
    }

    private static String prompt(Path file, int lineNumber, String line) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UserError(file + " line " + lineNumber + ": not JSON (" + e.getOriginalMessage() + "); give "
                    + "{\"prompt\": \"...\"}", e);
        }
        if (!node.path("prompt").isTextual()) {
            throw new UserError(file + " line " + lineNumber + ": needs a string field \"prompt\", as "
                    + "{\"prompt\": \"...\"}");
        }
        return node.path("prompt").asText();
    }

    /** The results as JSONL, one line per completion. */
    static String jsonl(List<Completion> completions) {
        StringBuilder out = new StringBuilder();
        for (Completion completion : completions) {
            try {
                out.append(Json.LINE.writeValueAsString(completion)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }
}
