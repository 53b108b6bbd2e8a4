package dev.perennial.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a YAML tree as a person would: block mappings and lists, short leaves in flow style ({@code [{corpus: d1}]}),
 * numbers as {@link Numbers} writes them, and a comment above each key that has one (by key path,
 * {@code stages[0].schedule.max_lr}). Used through {@link ConfigLoader#commentedYaml}, which checks the result reads
 * back to the same config.
 */
final class CommentedYaml {

    private static final int WIDTH = 110;
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./+-]*");
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");

    private final Map<String, String> comments;
    private final List<String> lines = new ArrayList<>();

    private CommentedYaml(Map<String, String> comments) {
        this.comments = comments;
    }

    static String write(List<String> header, ObjectNode tree, Map<String, String> comments) {
        CommentedYaml yaml = new CommentedYaml(comments);
        header.forEach(line -> yaml.comment(line, 0));
        yaml.fields(tree, "", 0);
        return String.join("\n", yaml.lines) + "\n";
    }

    private void fields(ObjectNode node, String path, int indent) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            if (indent == 0 && !lines.isEmpty()) {
                lines.add(""); // top-level settings apart, for the eye
            }
            String comment = comments.get(at);
            if (comment != null) {
                comment(comment, indent);
            }
            value(" ".repeat(indent) + text(field.getKey()) + ":", field.getValue(), at, indent);
        }
    }

    /** {@code lead} ("key:") followed by the value: on the same line when short, else as a block below it. */
    private void value(String lead, JsonNode node, String path, int indent) {
        if (!node.isContainerNode() || (!commented(path) && lead.length() + 1 + flow(node).length() <= WIDTH)) {
            lines.add(lead + " " + flow(node));
        } else if (node instanceof ObjectNode object) {
            lines.add(lead);
            fields(object, path, indent + 2);
        } else {
            lines.add(lead);
            items((ArrayNode) node, path, indent + 2);
        }
    }

    private void items(ArrayNode list, String path, int indent) {
        for (int i = 0; i < list.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode item = list.get(i);
            if (item instanceof ObjectNode object && !object.isEmpty()) {
                int first = lines.size();
                fields(object, at, indent + 2);
                for (int l = first; l < lines.size(); l++) { // the item's first key carries the dash
                    if (!lines.get(l).stripLeading().startsWith("#")) {
                        lines.set(l, " ".repeat(indent) + "- " + lines.get(l).substring(indent + 2));
                        break;
                    }
                }
            } else {
                value(" ".repeat(indent) + "-", item, at, indent);
            }
        }
    }

    private boolean commented(String path) {
        return comments.keySet().stream().anyMatch(k -> k.startsWith(path + ".") || k.startsWith(path + "["));
    }

    /** A comment wrapped at the width, each line starting with '# ' at {@code indent}. */
    private void comment(String text, int indent) {
        String prefix = " ".repeat(indent) + "#";
        if (text.isEmpty()) {
            lines.add(prefix);
            return;
        }
        StringBuilder line = new StringBuilder(prefix);
        for (String word : text.split(" ")) {
            if (line.length() > prefix.length() && line.length() + 1 + word.length() > WIDTH) {
                lines.add(line.toString());
                line = new StringBuilder(prefix);
            }
            line.append(' ').append(word);
        }
        lines.add(line.toString());
    }

    /** A value on one line: a scalar, or a container in flow style. */
    private static String flow(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> parts = new ArrayList<>();
            object.fields().forEachRemaining(f -> parts.add(text(f.getKey()) + ": " + flow(f.getValue())));
            return "{" + String.join(", ", parts) + "}";
        }
        if (node instanceof ArrayNode list) {
            List<String> parts = new ArrayList<>();
            list.forEach(item -> parts.add(flow(item)));
            return "[" + String.join(", ", parts) + "]";
        }
        if (node.isFloatingPointNumber()) {
            return number(node.doubleValue());
        }
        if (node.isTextual()) {
            return text(node.textValue());
        }
        return node.asText(); // whole numbers, booleans, null
    }

    /** As {@link Numbers#format} when that reads back as the same double, else every digit Java needs. */
    private static String number(double value) {
        String short_ = Numbers.format(value);
        return Double.parseDouble(short_) == value ? short_ : Double.toString(value).replace('E', 'e');
    }

    /** Plain when YAML reads it back as the same text, else double-quoted (a JSON string is a YAML string). */
    private static String text(String value) {
        if (PLAIN.matcher(value).matches() && !RESERVED.contains(value.toLowerCase())) {
            return value;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
