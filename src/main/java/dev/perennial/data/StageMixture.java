package dev.perennial.data;

import dev.perennial.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The data of one stage: which sequence every row of every batch holds, computed directly from
 * (seed, stage, step), so that a resumed run reads exactly the batches an uninterrupted one would, without
 * replaying or skipping through earlier ones.
 *
 * <p>A corpus's training stream is cut into sequences of {@code seq_len + 1} tokens starting every
 * {@code seq_len} tokens (documents are packed with end-of-text between them). Each corpus has its own
 * seeded order of sequences per pass, keyed by the ledger's {@code order_key} once a run has read it (so a later
 * run with another seed keeps it); new data continues that order where the ledger left it, replay draws from the
 * positions already consumed (or, if configured, from the whole corpus) in another order.
 */
public final class StageMixture {

    private record Source(String corpus, boolean replay, double weight, Corpus data, long sequences, long start,
                          long consumedBefore, long orderKey) {
    }

    private final List<Source> sources;
    private final Blend blend;
    private final MixtureSpec spec;
    private final Ledger start;
    private final int seqLen;
    private final int globalBatch;
    private final long steps;

    public StageMixture(Map<String, Corpus> corpora, MixtureSpec spec, Ledger start, int stage, long seed, int seqLen,
                        int globalBatch, long steps) {
        if (seqLen < 1 || globalBatch < 1 || steps < 1) {
            throw new IllegalArgumentException("seq_len, global_batch and steps must be at least 1");
        }
        if (!start.corpora().isEmpty() && start.seqLen() != seqLen) {
            throw new UserError("seq_len " + seqLen + " differs from the " + start.seqLen() + " of earlier stages; the "
                    + "ledger counts sequences of that length, so keep seq_len across stages");
        }
        this.spec = spec;
        this.start = start;
        this.seqLen = seqLen;
        this.globalBatch = globalBatch;
        this.steps = steps;
        this.sources = sources(corpora, spec, start, seqLen, seed);
        List<Integer> fresh = IntStream.range(0, sources.size()).filter(i -> !sources.get(i).replay()).boxed().toList();
        List<Integer> replay = IntStream.range(0, sources.size()).filter(i -> sources.get(i).replay()).boxed().toList();
        double[] weights = sources.stream().mapToDouble(Source::weight).toArray();
        List<List<Integer>> tree = replay.isEmpty() ? List.of(fresh) : List.of(fresh, replay);
        this.blend = new Blend(tree.size() == 1 ? tree.getFirst() : tree, weights, Mix.mix(seed, stage));
        checkSupply(spec.onExhausted());
    }

    private static List<Source> sources(Map<String, Corpus> corpora, MixtureSpec spec, Ledger start, int seqLen,
                                        long seed) {
        if (spec.corpora().isEmpty()) {
            throw new UserError("a stage needs at least one corpus of new data");
        }
        if (!(spec.replay() >= 0 && spec.replay() < 1)) {
            throw new UserError("replay " + spec.replay() + " is not in [0, 1)");
        }
        double newTotal = spec.corpora().stream().mapToDouble(MixtureSpec.Weighted::weight).sum();
        List<Source> sources = new ArrayList<>();
        for (MixtureSpec.Weighted w : spec.corpora()) {
            if (!(w.weight() > 0)) {
                throw new UserError("corpus " + w.corpus() + ": weight " + w.weight() + " must be above 0");
            }
            Corpus corpus = corpus(corpora, w.corpus());
            Ledger.Entry entry = checkedEntry(start, w.corpus(), corpus);
            sources.add(new Source(w.corpus(), false, (1 - spec.replay()) * w.weight() / newTotal, corpus,
                    sequences(corpus, w.corpus(), seqLen), entry == null ? 0 : entry.consumed(), 0,
                    orderKey(entry, corpus, seed)));
        }
        if (spec.replay() > 0) {
            Map<String, Ledger.Entry> earlier = new LinkedHashMap<>();
            start.corpora().entrySet().stream()
                    .filter(e -> e.getValue().consumed() > 0)
                    .filter(e -> spec.corpora().stream().noneMatch(w -> w.corpus().equals(e.getKey())))
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> earlier.put(e.getKey(), e.getValue()));
            if (earlier.isEmpty()) {
                throw new UserError("replay " + spec.replay() + " needs data the model read before this stage, and "
                        + "there is none (a model.init without ledger.json read nothing Perennial can replay); set "
                        + "replay to 0 for this stage");
            }
            // Replayed corpora share the replay budget in proportion to how much of each the model has read.
            double consumed = earlier.values().stream().mapToDouble(Ledger.Entry::consumed).sum();
            for (var e : earlier.entrySet()) {
                Corpus corpus = corpus(corpora, e.getKey());
                checkedEntry(start, e.getKey(), corpus);
                sources.add(new Source(e.getKey(), true, spec.replay() * e.getValue().consumed() / consumed, corpus,
                        e.getValue().sequences(), e.getValue().replayed(), e.getValue().consumed(),
                        orderKey(e.getValue(), corpus, seed)));
            }
        }
        return List.copyOf(sources);
    }

    /** The key of a corpus's order: the ledger's when it records one, else derived from this run's seed. */
    private static long orderKey(Ledger.Entry entry, Corpus corpus, long seed) {
        return entry != null && entry.orderKey() != null ? entry.orderKey() : Mix.mix(corpus.hash(), seed);
    }

    private static Corpus corpus(Map<String, Corpus> corpora, String name) {
        Corpus corpus = corpora.get(name);
        if (corpus == null) {
            throw new UserError("corpus " + name + " is not among the run's corpora (" + String.join(", ",
                    corpora.keySet()) + ")");
        }
        return corpus;
    }

    private static Ledger.Entry checkedEntry(Ledger start, String name, Corpus corpus) {
        Ledger.Entry entry = start.entry(name);
        if (entry != null && !entry.hash().equals(corpus.hash())) {
            throw new UserError("corpus " + name + " (" + corpus.dir() + ") is not the corpus earlier stages read: "
                    + "its content hash changed; use the original corpus or give the new one another name");
        }
        return entry;
    }

    /** Sequences of {@code seq_len + 1} tokens, starting every {@code seq_len} tokens, in a corpus's train split. */
    static long sequences(Corpus corpus, String name, int seqLen) {
        long n = (corpus.train().tokens() - 1) / seqLen;
        if (n < 1) {
            throw new UserError("corpus " + name + " has " + corpus.train().tokens() + " training tokens, fewer than "
                    + "one sequence of seq_len + 1 = " + (seqLen + 1));
        }
        return n;
    }

    private void checkSupply(MixtureSpec.OnExhausted policy) {
        if (policy != MixtureSpec.OnExhausted.STOP) {
            return;
        }
        long[] counts = blend.counts(steps * globalBatch);
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            if (!s.replay() && s.start() + counts[i] > s.sequences()) {
                throw new UserError(String.format("the stage needs %,d sequences of corpus %s but only %,d remain "
                                + "unread; shorten the stage, add data, or set on_exhausted: wrap", counts[i], s.corpus(),
                        Math.max(0, s.sequences() - s.start())));
            }
        }
    }

    public long steps() {
        return steps;
    }

    public int seqLen() {
        return seqLen;
    }

    public int globalBatch() {
        return globalBatch;
    }

    /** The whole global batch of {@code step} (0-based within the stage). */
    public Batch batch(long step) {
        return batch(step, 0, 1);
    }

    /** Rank {@code rank}'s slice of the global batch of {@code step}: rows {@code [rank·B/W, (rank+1)·B/W)}. */
    public Batch batch(long step, int rank, int worldSize) {
        if (step < 0 || step >= steps) {
            throw new IndexOutOfBoundsException("step " + step + " of a stage of " + steps);
        }
        if (worldSize < 1 || rank < 0 || rank >= worldSize || globalBatch % worldSize != 0) {
            throw new IllegalArgumentException("global batch " + globalBatch + " cannot be split into " + worldSize
                    + " equal slices (rank " + rank + ")");
        }
        int rows = globalBatch / worldSize;
        int columns = seqLen + 1;
        int[] tokens = new int[rows * columns];
        int[] rowSources = new int[rows];
        boolean[] replayed = new boolean[rows];
        long first = step * globalBatch + (long) rank * rows;
        for (int r = 0; r < rows; r++) {
            Blend.Assignment a = blend.assign(first + r);
            Source s = sources.get(a.source());
            long window = window(s, s.start() + a.index());
            s.data().train().read(window * seqLen, tokens, r * columns, columns);
            rowSources[r] = a.source();
            replayed[r] = s.replay();
        }
        return new Batch(rows, columns, tokens, rowSources, replayed, sources.stream().map(Source::corpus).toList());
    }

    /** The sequence (window index) at position {@code q} of a source's stream. */
    private long window(Source s, long q) {
        long hash = s.orderKey();
        if (!s.replay()) {
            return new SamplePermutation(s.sequences(), Mix.mix(hash, q / s.sequences())).apply(q % s.sequences());
        }
        long consumed = s.consumedBefore();
        if (replayPool(s) == s.sequences()) {
            // every sequence has been read (or may be replayed): draw from the whole corpus
            return new SamplePermutation(s.sequences(), Mix.mix(hash, -1, q / s.sequences())).apply(q % s.sequences());
        }
        long position = new SamplePermutation(consumed, Mix.mix(hash, -2, consumed, q / consumed)).apply(q % consumed);
        return new SamplePermutation(s.sequences(), Mix.mix(hash, 0)).apply(position);
    }

    /** How many distinct sequences a replay source draws from: those consumed before the stage, or all. */
    private long replayPool(Source s) {
        boolean all = spec.replayFrom() == MixtureSpec.ReplayFrom.ALL || s.consumedBefore() >= s.sequences();
        return all ? s.sequences() : s.consumedBefore();
    }

    /** What each source has supplied after {@code stepsDone} steps of this stage. */
    public Accounting accounting(long stepsDone) {
        long total = stepsDone * globalBatch;
        long[] counts = blend.counts(total);
        List<Accounting.Row> rows = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            long passes = Math.ceilDiv(s.start() + counts[i], s.replay() ? replayPool(s) : s.sequences());
            rows.add(new Accounting.Row(s.corpus(), s.replay(), s.weight(), counts[i], counts[i] * seqLen, passes));
        }
        return new Accounting(stepsDone, total, rows);
    }

    /** The ledger after {@code stepsDone} steps of this stage: the start ledger plus what they read. */
    public Ledger ledgerAfter(long stepsDone) {
        long[] counts = blend.counts(stepsDone * globalBatch);
        Map<String, Ledger.Entry> entries = new LinkedHashMap<>(start.corpora());
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            Ledger.Entry before = entries.getOrDefault(s.corpus(),
                    new Ledger.Entry(s.data().hash(), s.sequences(), 0, 0, s.orderKey()));
            entries.put(s.corpus(), s.replay()
                    ? new Ledger.Entry(before.hash(), before.sequences(), before.consumed(), before.replayed() + counts[i],
                    s.orderKey())
                    : new Ledger.Entry(before.hash(), before.sequences(), before.consumed() + counts[i], before.replayed(),
                    s.orderKey()));
        }
        return new Ledger(seqLen, entries);
    }
}
