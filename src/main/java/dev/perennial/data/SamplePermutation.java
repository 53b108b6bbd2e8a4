package dev.perennial.data;

/**
 * A pseudo-random bijection of {@code [0, n)} computed per index, with no table: a four-round Feistel network
 * over the smallest even number of bits that covers {@code n}, with cycle walking for indices that land outside.
 * The same key gives the same order on every machine, so the sample at any position is computed directly.
 */
final class SamplePermutation {

    private static final int ROUNDS = 4;

    private final long n;
    private final long key;
    private final int halfBits;
    private final long halfMask;

    SamplePermutation(long n, long key) {
        if (n < 1) {
            throw new IllegalArgumentException("cannot permute " + n + " items");
        }
        this.n = n;
        this.key = key;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
    }

    long apply(long index) {
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException(index + " not in [0, " + n + ")");
        }
        long x = index;
        do {
            x = feistel(x);
        } while (x >= n); // at most 4n/n tries on average: the domain is < 4n
        return x;
    }

    private long feistel(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (int round = 0; round < ROUNDS; round++) {
            long next = left ^ (Mix.mix(key, round, right) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }
}
