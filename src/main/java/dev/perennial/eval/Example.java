package dev.perennial.eval;

import java.util.List;

/**
 * One evaluation item, as lm-evaluation-harness models it: a context, the candidate continuations and the index
 * of the right one. A cloze item has one candidate, the true continuation. {@code contexts} is set instead of
 * one context when each candidate has its own (WinoGrande's partial scoring: the option fills the blank of the
 * context, and the shared rest of the sentence is what is scored). {@code location} names file and line.
 */
public record Example(String context, List<String> contexts, List<String> choices, int answer, String location) {

    public String contextOf(int choice) {
        return contexts != null ? contexts.get(choice) : context;
    }
}
