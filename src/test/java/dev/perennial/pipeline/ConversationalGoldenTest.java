package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.GoldenFiles;
import dev.perennial.generate.Generator;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Perennial's conversational task against transformers (tools/make_golden.py --conversational):
 * facebook/blenderbot-400M-distill and the tiny Blenderbot folder replying to a fixed two-turn conversation, with the
 * checkpoint's generation config and greedily. Skipped, with the reason, when the golden file or the checkpoint is
 * missing.
 */
class ConversationalGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden/conversational/conversational.json");
    static final String HOW = "run tools/make_golden.py --conversational src/test/resources/golden where transformers "
            + "is installed, and commit the output";

    @Test
    void theTinyFolderRepliesAsTransformers() throws Exception {
        check("tiny");
    }

    @Test
    void blenderbotRepliesAsTransformers() throws Exception {
        check("blenderbot-400M-distill");
    }

    private static void check(String run) throws Exception {
        JsonNode runs = GoldenFiles.entry(GOLDEN, "runs", HOW);
        JsonNode entry = runs.path(run);
        assumeTrue(!entry.isMissingNode(), "no " + run + " run in conversational.json (the model was not available "
                + "to make_golden.py)");
        String model = entry.path("model").asText();
        Path dir = model.startsWith("reference/") ? Path.of("src/test/resources").resolve(model)
                : GoldenFiles.cached(model);
        List<Inputs.Message> messages = new ArrayList<>();
        for (JsonNode m : Json.MAPPER.readTree(GOLDEN.toFile()).path("messages")) {
            messages.add(new Inputs.Message(m.path("role").asText(), m.path("content").asText()));
        }
        Inputs.Conversation conversation = new Inputs.Conversation(messages);
        try (var chat = Pipeline.forTask(Task.CONVERSATIONAL, dir.toString())) {
            Chatbot bot = (Chatbot) chat.encoder();
            int[] ids = bot.prompt(conversation).ids();
            int[] expectedIds = Json.MAPPER.treeToValue(entry.path("input_ids"), int[].class);
            assertThat(ids).as(run + " input ids").containsExactly(expectedIds);
            assertThat(chat.run(conversation).generatedText()).as(run + " reply")
                    .isEqualTo(entry.path("default").path("text").asText());
            Generator.Result greedy = bot.reply(conversation, bot.generationConfig().withNumBeams(1), List.of(), 0,
                    (text, tokens) -> true);
            assertThat(greedy.text()).as(run + " greedy reply").isEqualTo(entry.path("greedy").path("text").asText());
        }
    }
}
