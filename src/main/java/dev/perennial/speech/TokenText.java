package dev.perennial.speech;

import java.util.List;

/** The recognizer's tokenizer as the merge needs it: text token ids to text (special tokens skipped). */
@FunctionalInterface
public interface TokenText {

    String decode(List<Integer> ids);
}
