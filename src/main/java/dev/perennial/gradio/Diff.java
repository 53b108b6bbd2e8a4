package dev.perennial.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.perennial.io.Json;

import java.util.Iterator;

/**
 * The edits that turn one output value into the next, as sse_v2+ streams send them after the first
 * process_generating message: a list of {@code [action, path, value]} with actions replace, append (text that
 * grew), add and delete (gradio/utils.py {@code diff}; applied by client/js/src/utils/stream.ts
 * {@code apply_diff}). List items are deleted from the end, so that each index is still valid when the client
 * splices it out.
 */
final class Diff {

    private Diff() {
    }

    static ArrayNode between(JsonNode before, JsonNode after) {
        ArrayNode edits = Json.MAPPER.createArrayNode();
        compare(before, after, Json.MAPPER.createArrayNode(), edits);
        return edits;
    }

    private static void compare(JsonNode before, JsonNode after, ArrayNode path, ArrayNode edits) {
        if (before.equals(after)) {
            return;
        }
        if (before.getNodeType() != after.getNodeType()) {
            edit(edits, "replace", path, after);
        } else if (before.isTextual() && after.asText().startsWith(before.asText())) {
            edit(edits, "append", path, Json.MAPPER.getNodeFactory().textNode(after.asText()
                    .substring(before.asText().length())));
        } else if (before.getNodeType() == JsonNodeType.ARRAY) {
            int common = Math.min(before.size(), after.size());
            for (int i = 0; i < common; i++) {
                compare(before.get(i), after.get(i), path.deepCopy().add(i), edits);
            }
            for (int i = before.size() - 1; i >= common; i--) {
                edit(edits, "delete", path.deepCopy().add(i), null);
            }
            for (int i = common; i < after.size(); i++) {
                edit(edits, "add", path.deepCopy().add(i), after.get(i));
            }
        } else if (before.getNodeType() == JsonNodeType.OBJECT) {
            for (Iterator<String> keys = before.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (after.has(key)) {
                    compare(before.get(key), after.get(key), path.deepCopy().add(key), edits);
                } else {
                    edit(edits, "delete", path.deepCopy().add(key), null);
                }
            }
            for (Iterator<String> keys = after.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!before.has(key)) {
                    edit(edits, "add", path.deepCopy().add(key), after.get(key));
                }
            }
        } else {
            edit(edits, "replace", path, after);
        }
    }

    private static void edit(ArrayNode edits, String action, ArrayNode path, JsonNode value) {
        edits.addArray().add(action).add(path).add(value);
    }
}
