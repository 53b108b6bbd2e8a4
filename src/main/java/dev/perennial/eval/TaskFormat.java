package dev.perennial.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.Choice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a record of a published dataset becomes an {@link Example}, for the formats lm-evaluation-harness scores
 * (prompts and preprocessing as in its task YAMLs), plus the generic {@code multiple_choice} and {@code cloze}
 * formats whose fields a task file names.
 */
public enum TaskFormat implements Choice {
    MULTIPLE_CHOICE("multiple_choice"),
    CLOZE("cloze"),
    HELLASWAG("hellaswag"),
    ARC("arc"),
    PIQA("piqa"),
    OPENBOOKQA("openbookqa"),
    BOOLQ("boolq"),
    WINOGRANDE("winogrande"),
    LAMBADA("lambada");

    private static final Pattern BRACKETS = Pattern.compile("\\[.*?]");

    private final String id;

    TaskFormat(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    /** Whether the task is scored by greedy match and perplexity (cloze) rather than by choosing. */
    public boolean isCloze() {
        return this == CLOZE || this == LAMBADA;
    }

    /** The example of one record; throws {@link TaskException} naming the missing or bad field. */
    Example example(JsonNode r, TaskSpec.Fields f, String location) {
        return switch (this) {
            case MULTIPLE_CHOICE -> new Example(text(r, f.context(), location), null, list(r, f.choices(), location),
                    answer(r, f.answer(), location), location);
            case CLOZE -> cloze(text(r, f.text(), location), location);
            case HELLASWAG -> {
                String ctx = text(r, "ctx_a", location) + " " + capitalize(text(r, "ctx_b", location));
                List<String> endings = new ArrayList<>();
                for (String e : list(r, "endings", location)) {
                    endings.add(" " + preprocess(e));
                }
                yield new Example(preprocess(text(r, "activity_label", location) + ": " + ctx), null, endings,
                        answer(r, "label", location), location);
            }
            case ARC, OPENBOOKQA -> {
                String question = text(r, this == ARC ? "question" : "question_stem", location);
                JsonNode choices = r.path("choices");
                List<String> texts = spaced(list(choices, "text", location));
                List<String> labels = list(choices, "label", location);
                String key = text(r, "answerKey", location);
                int answer = labels.indexOf(key);
                if (answer < 0) {
                    throw new TaskException(location + ": answerKey '" + key + "' is not among the labels " + labels);
                }
                yield new Example(this == ARC ? "Question: " + question + "\nAnswer:" : question, null, texts, answer,
                        location);
            }
            case PIQA -> new Example("Question: " + text(r, "goal", location) + "\nAnswer:", null,
                    List.of(" " + text(r, "sol1", location), " " + text(r, "sol2", location)),
                    answer(r, "label", location), location);
            case BOOLQ -> {
                JsonNode label = r.get("answer") != null ? r.get("answer") : r.get("label");
                if (label == null) {
                    throw new TaskException(location + ": no \"answer\" (true/false) field");
                }
                int answer = label.isBoolean() ? (label.asBoolean() ? 1 : 0) : label.asInt();
                yield new Example(text(r, "passage", location) + "\nQuestion: " + text(r, "question", location)
                        + "?\nAnswer:", null, List.of(" no", " yes"), answer, location);
            }
            case WINOGRANDE -> winogrande(r, location);
            case LAMBADA -> cloze(text(r, "text", location), location);
        };
    }

    /** The last word is the continuation (LAMBADA's protocol); the rest is the context. */
    private static Example cloze(String text, String location) {
        String trimmed = text.strip();
        int space = trimmed.lastIndexOf(' ');
        if (space <= 0) {
            throw new TaskException(location + ": the text has no last word to predict");
        }
        return new Example(trimmed.substring(0, space), null, List.of(trimmed.substring(space)), 0, location);
    }

    /** Partial scoring: each option fills the blank; the shared rest of the sentence is scored. */
    private static Example winogrande(JsonNode r, String location) {
        String sentence = text(r, "sentence", location);
        int blank = sentence.indexOf('_');
        if (blank < 0) {
            throw new TaskException(location + ": the sentence has no '_' blank");
        }
        String continuation = " " + sentence.substring(blank + 1).strip();
        List<String> contexts = List.of(sentence.substring(0, blank) + text(r, "option1", location),
                sentence.substring(0, blank) + text(r, "option2", location));
        int answer = Integer.parseInt(text(r, "answer", location)) - 1;
        if (answer < 0 || answer > 1) {
            throw new TaskException(location + ": answer must be 1 or 2");
        }
        return new Example(null, contexts, List.of(continuation, continuation), answer, location);
    }

    private static String preprocess(String text) {
        String t = text.strip().replace(" [title]", ". ");
        t = BRACKETS.matcher(t).replaceAll("");
        return t.replace("  ", " ");
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static List<String> spaced(List<String> choices) {
        return choices.stream().map(c -> " " + c).toList();
    }

    static String text(JsonNode r, String field, String location) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull()) {
            throw new TaskException(location + ": no \"" + field + "\" field");
        }
        return v.asText();
    }

    static List<String> list(JsonNode r, String field, String location) {
        JsonNode v = r.get(field);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw new TaskException(location + ": \"" + field + "\" must be a non-empty list of choices");
        }
        List<String> out = new ArrayList<>();
        v.forEach(x -> out.add(x.asText()));
        if (out.stream().anyMatch(String::isEmpty)) {
            throw new TaskException(location + ": \"" + field + "\" has an empty choice");
        }
        return out;
    }

    static int answer(JsonNode r, String field, String location) {
        JsonNode v = r.get(field);
        if (v == null || !(v.canConvertToInt() || v.asText().matches("\\d+"))) {
            throw new TaskException(location + ": \"" + field + "\" must be the index of the right choice");
        }
        return v.isNumber() ? v.asInt() : Integer.parseInt(v.asText());
    }
}
