package dev.perennial.data;

import dev.perennial.UserError;

import java.util.List;

/**
 * The fixed validation sequences of a corpus: windows of {@code seq_len + 1} tokens over its held-out split, at most
 * {@code maxSequences}: the first ones in order, or, {@code spread}, ones spread evenly over the whole split (window
 * {@code ⌊i·available/sequences⌋}), so that a set smaller than the split reaches all its documents. Identical
 * across runs, so losses compare.
 */
public final class ValidationSet {

    private final Corpus corpus;
    private final int seqLen;
    private final int sequences;
    private final long available;
    private final boolean spread;

    public ValidationSet(Corpus corpus, String name, int seqLen, int maxSequences) {
        this(corpus, name, seqLen, maxSequences, false);
    }

    public ValidationSet(Corpus corpus, String name, int seqLen, int maxSequences, boolean spread) {
        long available = (corpus.val().tokens() - 1) / seqLen;
        if (available < 1) {
            throw new UserError("corpus " + name + " holds " + corpus.val().tokens() + " validation tokens, fewer than "
                    + "one sequence of " + (seqLen + 1) + "; prepare it with a larger --val-fraction");
        }
        this.corpus = corpus;
        this.seqLen = seqLen;
        this.sequences = (int) Math.min(available, maxSequences);
        this.available = available;
        this.spread = spread;
    }

    public int sequences() {
        return sequences;
    }

    /** Validation batch {@code b} of up to {@code batchSize} sequences. */
    public Batch batch(int b, int batchSize) {
        int first = b * batchSize;
        int rows = Math.min(batchSize, sequences - first);
        if (rows <= 0) {
            throw new IndexOutOfBoundsException("validation batch " + b + " of " + batches(batchSize));
        }
        int columns = seqLen + 1;
        int[] tokens = new int[rows * columns];
        for (int r = 0; r < rows; r++) {
            corpus.val().read(window(first + r) * seqLen, tokens, r * columns, columns);
        }
        return new Batch(rows, columns, tokens, new int[rows], new boolean[rows], List.of("val"));
    }

    /** The window (in steps of seq_len tokens) of sequence {@code i}. */
    long window(int i) {
        return spread ? Math.floorDiv(i * available, sequences) : i;
    }

    public int batches(int batchSize) {
        return Math.ceilDiv(sequences, batchSize);
    }
}
