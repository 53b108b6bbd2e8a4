package dev.perennial.pipeline;

import dev.perennial.UserError;

import java.util.List;
import java.util.Locale;

/**
 * A pipeline whose result is described in a sentence that text-to-speech reads aloud (the course's "narrate what the
 * model saw"). The description fills a template: {@code {label}} is the best label, {@code {labels}} all labels
 * joined ("cat, dog and car"), {@code {score}} the best label's probability in percent. For example:
 * <pre>{@code
 * try (var clip = Pipeline.forTask(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, "openai/clip-vit-base-patch32");
 *      var tts = Pipeline.forTask(Task.TEXT_TO_SPEECH, "facebook/mms-tts-eng")) {
 *     Outputs.Speech speech = new Chain<>(clip, tts, Chain.DEFAULT_TEMPLATE)
 *             .run(new Inputs.LabelledImage(image, List.of("cat", "dog")), 1.0, Inputs.Speech.DEFAULT_SEED);
 * }
 * }</pre>
 * Only tasks whose results read as words chain: zero-shot-image-classification so far.
 */
public record Chain<I, O>(Pipeline<I, O> first, Pipeline<Inputs.Speech, Outputs.Speech> speech, String template) {

    public static final String DEFAULT_TEMPLATE = "This looks like a {label}.";

    /** The first tasks a chain into text-to-speech takes. */
    public static final List<Task<?, ?>> DESCRIBABLE = List.of(Task.ZERO_SHOT_IMAGE_CLASSIFICATION);

    public Chain {
        if (!DESCRIBABLE.contains(first.task())) {
            throw new UserError("chain: " + first.task().name() + "'s results are not words to read aloud; a chain "
                    + "into text-to-speech starts with " + String.join(", ", DESCRIBABLE.stream().map(Task::name)
                    .toList()));
        }
        if (speech.task() != Task.TEXT_TO_SPEECH) {
            throw new UserError("chain: the second task is " + speech.task().name() + "; chains end in "
                    + Task.TEXT_TO_SPEECH.name());
        }
        if (template == null) {
            template = DEFAULT_TEMPLATE;
        }
        if (!template.contains("{label}") && !template.contains("{labels}")) {
            throw new PipelineInputError("the description template '" + template + "' names no {label} or {labels}; "
                    + "write for example \"" + DEFAULT_TEMPLATE + "\"");
        }
    }

    /** The sentence describing {@code result}. */
    public String describe(O result) {
        if (!(result instanceof Outputs.Labels labels)) {
            throw new IllegalStateException("no description of " + result.getClass().getSimpleName());
        }
        Outputs.LabelScore best = labels.labels().getFirst();
        List<String> names = labels.labels().stream().map(Outputs.LabelScore::label).toList();
        String all = names.size() == 1 ? names.getFirst()
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
        return template.replace("{labels}", all).replace("{label}", best.label())
                .replace("{score}", String.format(Locale.ROOT, "%.0f", 100 * best.score()));
    }

    /** The first task's result, described and read aloud with {@code speed} and {@code seed}. */
    public Outputs.Speech run(I input, double speed, long seed) {
        return speech.run(new Inputs.Speech(describe(first.run(input)), speed, seed));
    }
}
