package dev.perennial.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --set key.path=value}: changes one setting of the config tree before it is checked, e.g.
 * {@code stages[1].replay=0.25} or {@code model.config.hidden_size=64}. The value is YAML, so lists and mappings
 * can be given in flow style ({@code [{corpus: d1}]}). Missing mappings on the way are created.
 */
final class Overrides {

    private static final Pattern PART = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)((?:\\[\\d+])*)");

    private Overrides() {
    }

    static void apply(ObjectNode root, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new UserError("--set " + override + ": write key.path=value, e.g. --set stages[1].replay=0.25");
        }
        String path = override.substring(0, eq).strip();
        JsonNode value;
        try {
            value = Json.YAML.readTree(override.substring(eq + 1));
        } catch (Exception e) {
            throw new UserError("--set " + override + ": the value is not valid YAML (" + e.getMessage().lines()
                    .findFirst().orElse("") + ")");
        }
        List<Object> steps = parse(path, override);
        JsonNode node = root;
        for (int i = 0; i < steps.size() - 1; i++) {
            node = child(node, steps.get(i), steps.get(i + 1) instanceof Integer, override);
        }
        Object last = steps.getLast();
        if (last instanceof String key) {
            ((ObjectNode) node).set(key, value == null || value.isMissingNode() ? null : value);
        } else {
            ArrayNode array = (ArrayNode) node;
            int index = (Integer) last;
            if (index >= array.size()) {
                throw new UserError("--set " + override + ": there is no element " + index + " (the list has "
                        + array.size() + ")");
            }
            array.set(index, value);
        }
    }

    private static JsonNode child(JsonNode node, Object step, boolean nextIsIndex, String override) {
        if (step instanceof String key) {
            if (!(node instanceof ObjectNode object)) {
                throw new UserError("--set " + override + ": '" + key + "' is inside something that is not a mapping");
            }
            JsonNode child = object.get(key);
            if (child == null || child.isNull()) {
                if (nextIsIndex) {
                    throw new UserError("--set " + override + ": there is no list '" + key + "' to index");
                }
                child = object.putObject(key);
            }
            return child;
        }
        int index = (Integer) step;
        if (!(node instanceof ArrayNode array) || index >= array.size()) {
            throw new UserError("--set " + override + ": there is no element " + index + " there");
        }
        return array.get(index);
    }

    private static List<Object> parse(String path, String override) {
        List<Object> steps = new ArrayList<>();
        for (String part : path.split("\\.")) {
            Matcher m = PART.matcher(part);
            if (!m.matches()) {
                throw new UserError("--set " + override + ": '" + part + "' is not a key (letters, digits, _) with "
                        + "optional [index]");
            }
            steps.add(m.group(1));
            Matcher index = Pattern.compile("\\[(\\d+)]").matcher(m.group(2));
            while (index.find()) {
                steps.add(Integer.parseInt(index.group(1)));
            }
        }
        return steps;
    }
}
