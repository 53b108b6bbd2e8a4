package dev.perennial.generate;

import dev.perennial.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The text of one generated continuation as its tokens arrive: it decodes them, cuts at the first stop sequence,
 * hands its listener whole characters only with each token's log-probabilities, and says why it ended.
 */
final class Continuation {

    private final Tokenizer tokenizer;
    private final Function<int[], String> decode;
    private final List<String> stops;
    private final int topLogProbs;
    private final Generator.TextListener listener;
    private final StringBuilder emitted = new StringBuilder();
    private final List<Integer> generated = new ArrayList<>();
    private final List<TokenLogProbs.Scored> pending = new ArrayList<>();
    private Generator.Finish finish = Generator.Finish.LENGTH;

    Continuation(Tokenizer tokenizer, Sampling sampling, int topLogProbs, Generator.TextListener listener) {
        this(tokenizer, tokenizer::decode, sampling.stop(), topLogProbs, listener);
    }

    /** With the text of the ids given by {@code decode} (a reply with its special tokens left out, say). */
    Continuation(Tokenizer tokenizer, Function<int[], String> decode, List<String> stops, int topLogProbs,
                 Generator.TextListener listener) {
        this.tokenizer = tokenizer;
        this.decode = decode;
        this.stops = List.copyOf(stops);
        this.topLogProbs = topLogProbs;
        this.listener = listener;
    }

    /**
     * Takes the next token and the logits it was chosen from (null when unknown, as after beam search: no
     * log-probabilities then); false once the continuation is over.
     */
    boolean accept(int token, float[] logits) {
        if (token == tokenizer.eosId()) {
            finish = Generator.Finish.EOS;
            return false;
        }
        generated.add(token);
        if (logits != null) {
            pending.add(TokenLogProbs.scored(tokenizer, token, logits, topLogProbs));
        }
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
        return decode.apply(generated.stream().mapToInt(Integer::intValue).toArray());
    }

    private int firstStop(String text) {
        int first = -1;
        for (String stop : stops) {
            int at = stop.isEmpty() ? -1 : text.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }
}
