package dev.perennial.data;

import java.util.List;

/**
 * A batch of {@code rows} sequences of {@code columns = seq_len + 1} tokens, row-major: inputs are the first
 * {@code seq_len} tokens of a row, targets the last {@code seq_len}. {@code sources[r]} names row r's source
 * (an index into {@code sourceNames}), and {@code replayed[r]} tells whether it was replay.
 */
public record Batch(int rows, int columns, int[] tokens, int[] sources, boolean[] replayed, List<String> sourceNames) {

    public int[] row(int r) {
        int[] row = new int[columns];
        System.arraycopy(tokens, r * columns, row, 0, columns);
        return row;
    }

    public long[] tokensAsLongs() {
        long[] wide = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            wide[i] = tokens[i];
        }
        return wide;
    }
}
