package dev.perennial.data;

import java.util.List;

/**
 * Assigns the sequences of a stage to sources in exact proportions, computed directly for any sequence index.
 * The sources are the leaves of a binary tree; at a node whose left side has weight share {@code a = P/Q}, the
 * first {@code J} sequences reaching it send {@code F(J) = ⌊(J·P + φ)/Q⌋ − ⌊φ/Q⌋} to the left (a Bresenham line,
 * φ a seeded phase). Every node is off by less than one sequence, so a source's count after {@code J} sequences
 * is within the tree's depth of {@code w·J}: 0.1% of 1,000 sequences is exactly one or two, never zero or ten.
 */
final class Blend {

    /** Resolution of the shares: 2^30, so a weight of 0.001 is represented to within 1e-9. */
    private static final long Q = 1L << 30;
    /** j·P must fit in a long: P < 2^30, so up to 2^33 sequences (8.6 billion) per stage. */
    private static final long MAX_SEQUENCES = 1L << 33;

    /** Where sequence {@code j} goes: the source, and how many of that source's sequences came before it. */
    record Assignment(int source, long index) {
    }

    private sealed interface Node permits Leaf, Split {
    }

    private record Leaf(int source) implements Node {
    }

    private record Split(Node left, Node right, long p, long phase) implements Node {
        long leftCount(long j) {
            return Math.floorDiv(j * p + phase, Q) - Math.floorDiv(phase, Q);
        }
    }

    private final Node root;
    private final int sources;

    /**
     * @param tree the sources grouped as the blend should split them: a list whose elements are either source
     *             indices (Integer) with their weight given by {@code weights}, or nested lists
     */
    Blend(List<?> tree, double[] weights, long seed) {
        this.sources = weights.length;
        this.root = build(tree, weights, seed, 1);
    }

    private static Node build(Object group, double[] weights, long seed, long path) {
        if (group instanceof Integer source) {
            return new Leaf(source);
        }
        List<?> items = (List<?>) group;
        if (items.size() == 1) {
            return build(items.getFirst(), weights, seed, path);
        }
        List<?> leftItems = items.size() == 2 ? List.of(items.get(0)) : items.subList(0, items.size() / 2);
        List<?> rightItems = items.size() == 2 ? List.of(items.get(1)) : items.subList(items.size() / 2, items.size());
        double left = weight(leftItems, weights);
        double total = left + weight(rightItems, weights);
        long p = Math.round(left / total * Q);
        long phase = Math.floorMod(Mix.mix(seed, path), Q);
        return new Split(build(leftItems, weights, seed, 2 * path), build(rightItems, weights, seed, 2 * path + 1), p,
                phase);
    }

    private static double weight(Object group, double[] weights) {
        if (group instanceof Integer source) {
            return weights[source];
        }
        return ((List<?>) group).stream().mapToDouble(g -> weight(g, weights)).sum();
    }

    Assignment assign(long j) {
        check(j + 1);
        Node node = root;
        long index = j;
        while (node instanceof Split split) {
            long before = split.leftCount(index);
            boolean left = split.leftCount(index + 1) > before;
            node = left ? split.left() : split.right();
            index = left ? before : index - before;
        }
        return new Assignment(((Leaf) node).source(), index);
    }

    /** How many of the first {@code j} sequences each source receives. */
    long[] counts(long j) {
        check(j);
        long[] counts = new long[sources];
        count(root, j, counts);
        return counts;
    }

    private static void count(Node node, long j, long[] counts) {
        if (node instanceof Leaf leaf) {
            counts[leaf.source()] += j;
        } else if (node instanceof Split split) {
            long left = split.leftCount(j);
            count(split.left(), left, counts);
            count(split.right(), j - left, counts);
        }
    }

    private static void check(long j) {
        if (j > MAX_SEQUENCES) {
            throw new IllegalArgumentException("a stage of more than " + MAX_SEQUENCES + " sequences is not supported");
        }
    }
}
