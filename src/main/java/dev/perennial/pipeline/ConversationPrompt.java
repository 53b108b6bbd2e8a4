package dev.perennial.pipeline;

import dev.perennial.tokenizer.HfTokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * A conversation as the encoder of a Blenderbot-style chat model reads it, the way transformers'
 * BlenderbotTokenizer._build_conversation_input_ids builds it (models/blenderbot/tokenization_blenderbot.py; the
 * checkpoint's chat template makes the same text): each user turn prefixed with a space, the turns joined by two
 * spaces, {@code </s>} appended, and of a longer result only the last {@code model_max_length} tokens kept.
 *
 * @param ids       the encoder's input ids
 * @param truncated whether the oldest tokens were left out to fit
 */
record ConversationPrompt(int[] ids, boolean truncated) {

    /** The text of the turns, before the eos token. */
    static String joined(List<Inputs.Message> messages) {
        return String.join("  ", messages.stream()
                .map(m -> m.role().equals(Inputs.Message.USER) ? " " + m.content() : m.content()).toList());
    }

    /** The prompt of {@code messages}: their text's ids, {@code eos}, the last {@code maxLength} of them. */
    static ConversationPrompt of(List<Inputs.Message> messages, HfTokenizer tokenizer, int eos, int maxLength) {
        int[] text = tokenizer.encode(joined(messages));
        int[] ids = Arrays.copyOf(text, text.length + 1);
        ids[text.length] = eos;
        if (ids.length <= maxLength) {
            return new ConversationPrompt(ids, false);
        }
        return new ConversationPrompt(Arrays.copyOfRange(ids, ids.length - maxLength, ids.length), true);
    }
}
