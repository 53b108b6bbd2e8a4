package dev.perennial.generate;

import dev.perennial.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of one generated continuation as its tokens arrive: it decodes them, cuts at the first stop sequence,
 * hands its listener whole characters only with each token's log-probabilities, and says why it ended.
 */
final class Continuation {

    private final Tokenizer tokenizer;
    private final Sampling sampling;
    private final int topLogProbs;
    private final Generator.TextListener listener;
    private final StringBuilder emitted = new StringBuilder();
    private final List<Integer> generated = new ArrayList<>();
    private final List<TokenLogProbs.Scored> pending = new ArrayList<>();
    private Generator.Finish finish = Generator.Finish.LENGTH;

    Continuation(Tokenizer tokenizer, Sampling sampling, int topLogProbs, Generator.TextListener listener) {
        this.tokenizer = tokenizer;
        this.sampling = sampling;
        this.topLogProbs = topLogProbs;
        this.listener = listener;
    }

    /** Takes the next token and the logits it was chosen from; false once the continuation is over. */
    boolean accept(int token, float[] logits) {
        if (token == tokenizer.eosId()) {
            finish = Generator.Finish.EOS;
            return false;
        }
        generated.add(token);
        pending.add(TokenLogProbs.scored(tokenizer, token, logits, topLogProbs));
        String text = text();
        int stopAt = firstStop(text);
        if (stopAt >= 0) {
            text = text.substring(0, stopAt);
            finish = Generator.Finish.STOP;
        }
        if (!text.endsWith("\uFFFD") && text.length() > emitted.length()) {
            boolean more = listener.onPiece(text.substring(emitted.length()), List.copyOf(pending));
            pending.clear();
            emitted.setLength(0);
            emitted.append(text);
            if (!more) {
                finish = Generator.Finish.CANCELLED;
            }
        }
        return finish == Generator.Finish.LENGTH;
    }

    /** Hands over what was held back waiting for a whole character, and the result of generating {@code ids}. */
    Generator.Result finish(int[] ids, int promptTokens) {
        String text = text();
        int stopAt = firstStop(text);
        String finalText = stopAt >= 0 ? text.substring(0, stopAt) : text;
        if (finish != Generator.Finish.CANCELLED && (finalText.length() > emitted.length() || !pending.isEmpty())) {
            listener.onPiece(finalText.substring(Math.min(emitted.length(), finalText.length())),
                    List.copyOf(pending));
        }
        return new Generator.Result(finish == Generator.Finish.CANCELLED ? emitted.toString() : finalText, ids,
                promptTokens, finish);
    }

    private String text() {
        return tokenizer.decode(generated.stream().mapToInt(Integer::intValue).toArray());
    }

    private int firstStop(String text) {
        int first = -1;
        for (String stop : sampling.stop()) {
            int at = stop.isEmpty() ? -1 : text.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }
}
