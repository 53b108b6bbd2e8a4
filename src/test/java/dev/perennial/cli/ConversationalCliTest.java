package dev.perennial.cli;

import dev.perennial.io.Json;
import dev.perennial.pipeline.ConversationalTest;
import dev.perennial.pipeline.Inputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code perennial pipeline conversational} on the tiny Blenderbot, against tools/reference/conversational.py's replies. */
class ConversationalCliTest {

    static final String MODEL = ConversationalTest.MODEL.toString();

    @TempDir
    Path dir;

    @Test
    void textTurnsAndAJsonlFileGetTheReferenceReplies() throws Exception {
        List<Inputs.Conversation> conversations = ConversationalTest.conversations();
        List<String> replies = ConversationalTest.replies();
        List<String> turns = conversations.get(1).messages().stream().map(Inputs.Message::content).toList();
        CliTest.Result text = CliTest.run("pipeline", "conversational", "--model", MODEL, "--text", turns.get(0),
                "--text", turns.get(1), "--text", turns.get(2));
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).isEqualTo(replies.get(1) + System.lineSeparator());

        StringBuilder lines = new StringBuilder();
        for (int i : new int[] {0, 2}) {
            lines.append(Json.MAPPER.writeValueAsString(Map.of("messages", conversations.get(i).messages())))
                    .append('\n');
        }
        Files.writeString(dir.resolve("chats.jsonl"), lines);
        CliTest.Result file = CliTest.run("pipeline", "conversational", "--model", MODEL, "--input",
                dir.resolve("chats.jsonl").toString());
        assertThat(file.code()).as(file.err()).isZero();
        List<String> out = file.out().lines().toList();
        assertThat(Json.MAPPER.readTree(out.get(0)).path("generated_text").asText()).isEqualTo(replies.get(0));
        assertThat(Json.MAPPER.readTree(out.get(1)).path("generated_text").asText()).isEqualTo(replies.get(2));
        assertThat(Json.MAPPER.readTree(out.get(1)).path("truncated").asBoolean()).isTrue();
        assertThat(file.err()).contains("note: conversation 2 is longer than the model reads; only its last 64 tokens");
    }

    @Test
    void aBadRoleIsOneLineNamingTheLineAndField() throws Exception {
        Files.writeString(dir.resolve("bad.jsonl"), "{\"messages\": [{\"role\": \"bot\", \"content\": \"hi\"}]}\n");
        CliTest.Result r = CliTest.run("pipeline", "conversational", "--model", MODEL, "--input",
                dir.resolve("bad.jsonl").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("line 1").contains("messages[0]").contains("role is 'bot'");
    }
}
