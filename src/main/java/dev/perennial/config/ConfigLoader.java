package dev.perennial.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.EditDistance;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The run config format: reads YAML run configs into records and writes records back as YAML. Keys are
 * snake_case; an unknown key, a value of the wrong type or a syntax error is refused with the file, the key path
 * (or line and column) and a hint.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static RunConfig load(Path file) {
        return load(file, List.of()).config();
    }

    /** A config as read, its YAML tree after the overrides, and where it came from. */
    public record Loaded(RunConfig config, ObjectNode tree, String source) {

        /** The resolved config as YAML, the way the run directory records it. */
        public String yaml() {
            return write(tree);
        }
    }

    /** {@code config} as a run config file that {@link #load} reads back to an equal record; unset keys are left out. */
    public static String yaml(RunConfig config) {
        return write(config);
    }

    /**
     * {@code config} as a run config file for people: {@code header} as comment lines on top, and above each key
     * that {@code comments} names (by key path, {@code stages[0].schedule.max_lr}) its comment. It reads back to an
     * equal record, which is checked here.
     */
    public static String commentedYaml(RunConfig config, List<String> header, Map<String, String> comments) {
        String text = CommentedYaml.write(header, Json.YAML.valueToTree(config), comments);
        if (!parse(text, "a written run config").equals(config)) {
            throw new IllegalStateException("a run config did not read back as written:\n" + text);
        }
        return text;
    }

    private static String write(Object config) {
        try {
            return Json.YAML.writerWithDefaultPrettyPrinter().writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run config did not serialise", e);
        }
    }

    /** Reads {@code file} and applies {@code --set key.path=value} overrides before binding. */
    public static Loaded load(Path file, List<String> overrides) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file; give the path of a YAML run config");
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        return parse(text, file.toString(), overrides);
    }

    /** Parses YAML {@code text}; {@code source} names it in errors. */
    public static RunConfig parse(String text, String source) {
        return parse(text, source, List.of()).config();
    }

    public static Loaded parse(String text, String source, List<String> overrides) {
        if (text.isBlank()) {
            throw new UserError(source + ": the file is empty; a run config needs at least 'stages:'");
        }
        try {
            JsonNode tree = Json.YAML.readTree(text);
            if (!(tree instanceof ObjectNode object)) {
                throw new UserError(source + ": the file holds no settings; a run config needs at least 'stages:'");
            }
            for (String override : overrides) {
                Overrides.apply(object, override);
            }
            return new Loaded(Json.YAML.treeToValue(object, RunConfig.class), object, source);
        } catch (UnrecognizedPropertyException e) {
            throw new UserError(source + ": " + keyPath(e) + " is not a known key" + suggestion(e), e);
        } catch (InvalidFormatException e) {
            throw new UserError(source + ": " + keyPath(e) + ": '" + e.getValue() + "' is not "
                    + describe(e.getTargetType()), e);
        } catch (MismatchedInputException e) {
            throw new UserError(source + ": " + keyPath(e) + ": " + mismatch(e), e);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof JsonProcessingException syntax) {
                throw syntaxError(source, syntax);
            }
            throw new UserError(source + ": " + keyPath(e) + ": " + oneLine(e.getOriginalMessage()), e);
        } catch (JsonProcessingException e) {
            throw syntaxError(source, e);
        }
    }

    private static UserError syntaxError(String source, JsonProcessingException e) {
        return new UserError(source + at(e.getLocation()) + ": not valid YAML: " + oneLine(e.getOriginalMessage()), e);
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\n\\s*", "; ");
    }

    private static String mismatch(MismatchedInputException e) {
        Class<?> type = e.getTargetType();
        if (type == null) {
            return e.getOriginalMessage();
        }
        return "expected " + describe(type);
    }

    private static String describe(Class<?> type) {
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number (write 3e-4 or 0.0003)";
        }
        if (type == String.class) {
            return "a word or text";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list (lines starting with '- ')";
        }
        if (type.isRecord()) {
            return "a mapping of keys to values";
        }
        return "a " + type.getSimpleName();
    }

    /** {@code stages[1].schedule.warmup} from Jackson's reference path. */
    static String keyPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(top level)" : path.toString();
    }

    private static String suggestion(UnrecognizedPropertyException e) {
        Collection<Object> known = e.getKnownPropertyIds();
        if (known == null || known.isEmpty()) {
            return "";
        }
        String typed = e.getPropertyName();
        String closest = known.stream().map(Object::toString)
                .min(Comparator.comparingInt(k -> EditDistance.between(k, typed))).orElseThrow();
        String list = "; known keys here: " + String.join(", ", known.stream().map(Object::toString).sorted().toList());
        return EditDistance.between(closest, typed) <= 2 ? "; did you mean '" + closest + "'?" + list : list;
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
