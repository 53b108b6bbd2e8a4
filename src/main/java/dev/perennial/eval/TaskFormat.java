package dev.perennial.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.Choice;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * What goes between context and candidate unless the task file says: a space for the harness's multiple-choice
     * tasks, whose candidates carry none (lm_eval/api/task.py's config default {@code target_delimiter: " "});
     * nothing for the generic formats, whose candidates carry their own, and for LAMBADA, a plain log-likelihood
     * task whose target carries its space.
     */
    public String defaultTargetDelimiter() {
        return switch (this) {
            case MULTIPLE_CHOICE, CLOZE, LAMBADA -> "";
            case HELLASWAG, ARC, PIQA, OPENBOOKQA, BOOLQ, WINOGRANDE -> " ";
        };
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
                // lm_eval/tasks/hellaswag/utils.py process_docs: ctx_a + " " + ctx_b.capitalize(), then preprocess
                String ctx = text(r, "ctx_a", location) + " " + PythonStrings.capitalize(text(r, "ctx_b", location));
                List<String> endings = new ArrayList<>();
                for (String e : list(r, "endings", location)) {
                    endings.add(preprocess(e));
                }
                yield new Example(preprocess(text(r, "activity_label", location) + ": " + ctx), null, endings,
                        answer(r, "label", location), location);
            }
            case ARC, OPENBOOKQA -> {
                String question = text(r, this == ARC ? "question" : "question_stem", location);
                JsonNode choices = r.path("choices");
                List<String> texts = list(choices, "text", location);
                List<String> labels = list(choices, "label", location);
                // lm_eval/tasks/openbookqa/openbookqa.yaml doc_to_target: choices.label.index(answerKey.lstrip())
                String key = this == ARC ? text(r, "answerKey", location)
                        : PythonStrings.lstrip(text(r, "answerKey", location));
                int answer = labels.indexOf(key);
                if (answer < 0) {
                    throw new TaskException(location + ": answerKey '" + key + "' is not among the labels " + labels);
                }
                yield new Example(this == ARC ? "Question: " + question + "\nAnswer:" : question, null, texts, answer,
                        location);
            }
            case PIQA -> new Example("Question: " + text(r, "goal", location) + "\nAnswer:", null,
                    List.of(text(r, "sol1", location), text(r, "sol2", location)),
                    answer(r, "label", location), location);
            case BOOLQ -> {
                JsonNode label = r.get("answer") != null ? r.get("answer") : r.get("label");
                if (label == null) {
                    throw new TaskException(location + ": no \"answer\" (true/false) field");
                }
                int answer = label.isBoolean() ? (label.asBoolean() ? 1 : 0) : label.asInt();
                yield new Example(text(r, "passage", location) + "\nQuestion: " + text(r, "question", location)
                        + "?\nAnswer:", null, List.of("no", "yes"), answer, location);
            }
            case WINOGRANDE -> winogrande(r, location);
            case LAMBADA -> lambada(text(r, "text", location), location);
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

    /**
     * lm_eval/tasks/lambada/lambada_openai.yaml: the context is {@code text.split(' ')[:-1]} joined by spaces, the
     * target {@code ' ' + text.split(' ')[-1]}; the text is not stripped.
     */
    private static Example lambada(String text, String location) {
        int space = text.lastIndexOf(' ');
        return new Example(space < 0 ? "" : text.substring(0, space), null, List.of(" " + text.substring(space + 1)),
                0, location);
    }

    /** Partial scoring: each option fills the blank; the shared rest of the sentence is scored. */
    private static Example winogrande(JsonNode r, String location) {
        String sentence = text(r, "sentence", location);
        int blank = sentence.indexOf('_');
        if (blank < 0) {
            throw new TaskException(location + ": the sentence has no '_' blank");
        }
        // lm_eval/tasks/winogrande/preprocess_winogrande.py doc_to_target: the rest after the blank, stripped
        String continuation = PythonStrings.strip(sentence.substring(blank + 1));
        List<String> contexts = List.of(sentence.substring(0, blank) + text(r, "option1", location),
                sentence.substring(0, blank) + text(r, "option2", location));
        int answer = Integer.parseInt(text(r, "answer", location)) - 1;
        if (answer < 0 || answer > 1) {
            throw new TaskException(location + ": answer must be 1 or 2");
        }
        return new Example(null, contexts, List.of(continuation, continuation), answer, location);
    }

    /** lm_eval/tasks/hellaswag/utils.py preprocess. */
    private static String preprocess(String text) {
        String t = PythonStrings.strip(text).replace(" [title]", ". ");
        t = BRACKETS.matcher(t).replaceAll("");
        return t.replace("  ", " ");
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
