package dev.perennial.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.UserError;
import dev.perennial.io.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mixtures, replay and batches: exact shares, determinism, resumption, rank slices, the ledger. */
class MixtureTest {

    static final int L = 16;
    static final int B = 8;
    static final long SEED = 1234;

    @TempDir
    static Path dir;
    static Corpus d0;
    static Corpus d1;
    static Map<String, Corpus> corpora;

    @BeforeAll
    static void corpora() {
        d0 = TestCorpora.make(dir, "d0", 300);
        d1 = TestCorpora.make(dir, "d1", 300);
        corpora = Map.of("d0", d0, "d1", d1);
    }

    @AfterAll
    static void close() {
        d0.close();
        d1.close();
    }

    static MixtureSpec only(String corpus, double replay) {
        return new MixtureSpec(List.of(new MixtureSpec.Weighted(corpus, 1)), replay, MixtureSpec.ReplayFrom.CONSUMED,
                MixtureSpec.OnExhausted.WRAP);
    }

    static StageMixture firstStage(long steps) {
        return new StageMixture(corpora, only("d0", 0), Ledger.empty(L), 0, SEED, L, B, steps);
    }

    static String key(Batch batch, int row) {
        return Arrays.toString(batch.row(row));
    }

    static Set<String> rows(StageMixture stage, long steps, boolean replayedOnly) {
        Set<String> rows = new HashSet<>();
        for (long s = 0; s < steps; s++) {
            Batch batch = stage.batch(s);
            for (int r = 0; r < batch.rows(); r++) {
                if (!replayedOnly || batch.replayed()[r]) {
                    rows.add(key(batch, r));
                }
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "replay {0}")
    @ValueSource(doubles = {0.001, 0.01, 0.05, 0.25, 0.5})
    void replayIsServedInExactProportion(double replay) {
        Ledger afterD0 = firstStage(40).ledgerAfter(40);
        long steps = 2500; // 20,000 sequences
        StageMixture stage = new StageMixture(corpora, only("d1", replay), afterD0, 1, SEED, L, B, steps);
        Accounting accounting = stage.accounting(steps);
        long replayed = accounting.rows().stream().filter(Accounting.Row::replay).mapToLong(Accounting.Row::sequences).sum();
        assertThat(accounting.sequences()).isEqualTo(20_000);
        assertThat((double) replayed).isCloseTo(replay * 20_000, org.assertj.core.api.Assertions.within(2.0));
        // the batches themselves agree with the accounting, step by step
        long counted = 0;
        for (long s = 0; s < steps; s++) {
            for (boolean r : stage.batch(s).replayed()) {
                counted += r ? 1 : 0;
            }
        }
        assertThat(counted).isEqualTo(replayed);
        // and the shares hold early too, not only at the end: after 1,000 sequences, within two
        long early = stage.accounting(125).rows().stream().filter(Accounting.Row::replay)
                .mapToLong(Accounting.Row::sequences).sum();
        assertThat((double) early).isCloseTo(replay * 1000, org.assertj.core.api.Assertions.within(2.0));
    }

    @Test
    void theSameSeedGivesTheSameBatchesAndAnotherSeedOthers() {
        StageMixture a = firstStage(10);
        StageMixture b = firstStage(10);
        StageMixture other = new StageMixture(corpora, only("d0", 0), Ledger.empty(L), 0, SEED + 1, L, B, 10);
        for (long s = 0; s < 10; s++) {
            assertThat(a.batch(s).tokens()).isEqualTo(b.batch(s).tokens());
        }
        assertThat(other.batch(0).tokens()).isNotEqualTo(a.batch(0).tokens());
    }

    @Test
    void resumingFromASavedLedgerGivesExactlyTheUninterruptedBatches() throws Exception {
        Ledger afterD0 = firstStage(40).ledgerAfter(40);
        StageMixture uninterrupted = new StageMixture(corpora, only("d1", 0.25), afterD0, 1, SEED, L, B, 30);
        List<int[]> expected = new ArrayList<>();
        for (long s = 0; s < 30; s++) {
            expected.add(uninterrupted.batch(s).tokens());
        }
        ObjectMapper json = new ObjectMapper();
        Ledger saved = json.readValue(json.writeValueAsString(afterD0), Ledger.class);
        assertThat(saved).isEqualTo(afterD0);
        StageMixture resumed = new StageMixture(corpora, only("d1", 0.25), saved, 1, SEED, L, B, 30);
        for (long s = 17; s < 30; s++) {
            assertThat(resumed.batch(s).tokens()).as("step %d", s).isEqualTo(expected.get((int) s));
        }
    }

    @Test
    void aLaterStageContinuesEachCorpusWhereItLeftOff() {
        StageMixture stage0 = firstStage(20);
        Ledger after = stage0.ledgerAfter(20);
        assertThat(after.entry("d0").consumed()).isEqualTo(160);
        // stage 1 reads d1, stage 2 comes back to d0 with another mixture: no sequence of stage 0 comes again
        StageMixture stage1 = new StageMixture(corpora, only("d1", 0), after, 1, SEED, L, B, 5);
        Ledger after1 = stage1.ledgerAfter(5);
        MixtureSpec both = new MixtureSpec(List.of(new MixtureSpec.Weighted("d0", 3), new MixtureSpec.Weighted("d1", 1)),
                0, MixtureSpec.ReplayFrom.CONSUMED, MixtureSpec.OnExhausted.WRAP);
        StageMixture stage2 = new StageMixture(corpora, both, after1, 2, SEED, L, B, 20);
        Set<String> first = rows(stage0, 20, false);
        Set<String> again = rows(stage2, 20, false);
        assertThat(again).doesNotContainAnyElementsOf(first);
        assertThat(stage2.ledgerAfter(20).entry("d0").consumed()).isEqualTo(160 + 120);
        assertThat(stage2.ledgerAfter(20).entry("d1").consumed()).isEqualTo(40 + 40);
    }

    @Test
    void aContinualRunWithAnotherSeedReplaysOnlyWhatTheParentRead() throws Exception {
        StageMixture parent = firstStage(10); // 80 of d0's 300-odd sequences, in the order of SEED
        Set<String> consumed = rows(parent, 10, false);
        ObjectMapper json = Json.MAPPER;
        Ledger saved = json.readValue(json.writeValueAsString(parent.ledgerAfter(10)), Ledger.class);
        assertThat(saved.entry("d0").orderKey()).isNotNull();
        StageMixture child = new StageMixture(corpora, only("d1", 0.5), saved, 0, SEED + 1, L, B, 100);
        Set<String> replayed = rows(child, 100, true);
        assertThat(replayed).hasSizeGreaterThan(40).isSubsetOf(consumed);
        // and new data of d0 under another seed continues the parent's order: none of the parent's rows again
        StageMixture more = new StageMixture(corpora, only("d0", 0), saved, 0, SEED + 1, L, B, 10);
        assertThat(rows(more, 10, false)).doesNotContainAnyElementsOf(consumed);
        // the ledger the child leaves keeps the parent's order for the next run
        assertThat(child.ledgerAfter(100).entry("d0").orderKey()).isEqualTo(saved.entry("d0").orderKey());
    }

    @Test
    void replayDrawsOnlyWhatTheModelConsumedUnlessToldOtherwise() {
        StageMixture stage0 = firstStage(10); // 80 of d0's sequences
        Set<String> consumed = rows(stage0, 10, false);
        Ledger after = stage0.ledgerAfter(10);
        StageMixture stage1 = new StageMixture(corpora, only("d1", 0.5), after, 1, SEED, L, B, 100);
        Set<String> replayed = rows(stage1, 100, true);
        assertThat(replayed).hasSizeGreaterThan(40).isSubsetOf(consumed);
        assertThat(stage1.ledgerAfter(100).entry("d0").replayed()).isEqualTo(400);

        MixtureSpec fromAll = new MixtureSpec(List.of(new MixtureSpec.Weighted("d1", 1)), 0.5,
                MixtureSpec.ReplayFrom.ALL, MixtureSpec.OnExhausted.WRAP);
        Set<String> replayedAll = rows(new StageMixture(corpora, fromAll, after, 1, SEED, L, B, 100), 100, true);
        assertThat(replayedAll).isNotEmpty().matches(r -> !consumed.containsAll(r), "reaches beyond what was consumed");
    }

    @Test
    void rankSlicesPartitionTheGlobalBatch() {
        StageMixture stage = new StageMixture(corpora, only("d1", 0.25), firstStage(5).ledgerAfter(5), 1, SEED, L, B, 5);
        for (int world : new int[] {2, 4, 8}) {
            for (long s = 0; s < 5; s++) {
                int[] joined = new int[0];
                for (int rank = 0; rank < world; rank++) {
                    Batch slice = stage.batch(s, rank, world);
                    assertThat(slice.rows()).isEqualTo(B / world);
                    int[] grown = Arrays.copyOf(joined, joined.length + slice.tokens().length);
                    System.arraycopy(slice.tokens(), 0, grown, joined.length, slice.tokens().length);
                    joined = grown;
                }
                assertThat(joined).isEqualTo(stage.batch(s).tokens());
            }
        }
        assertThatThrownBy(() -> stage.batch(0, 0, 3)).hasMessageContaining("cannot be split into 3");
    }

    @Test
    void rowsArePackedWindowsOfTheTrainingStream() {
        StageMixture stage = firstStage(3);
        long sequences = (d0.train().tokens() - 1) / L;
        Set<String> windows = new HashSet<>();
        for (long w = 0; w < sequences; w++) {
            int[] window = new int[L + 1];
            d0.train().read(w * L, window, 0, L + 1);
            windows.add(Arrays.toString(window));
        }
        assertThat(rows(stage, 3, false)).hasSize(24).isSubsetOf(windows);
    }

    @Test
    void anExhaustedCorpusWrapsAndCountsOrStops() {
        long sequences = (d1.train().tokens() - 1) / L;
        long steps = sequences / B + 5; // more than one pass over d1
        StageMixture wrapping = new StageMixture(corpora, only("d1", 0), Ledger.empty(L), 0, SEED, L, B, steps);
        assertThat(wrapping.accounting(steps).rows().getFirst().passes()).isEqualTo(2);
        MixtureSpec stop = new MixtureSpec(List.of(new MixtureSpec.Weighted("d1", 1)), 0,
                MixtureSpec.ReplayFrom.CONSUMED, MixtureSpec.OnExhausted.STOP);
        assertThatThrownBy(() -> new StageMixture(corpora, stop, Ledger.empty(L), 0, SEED, L, B, steps))
                .isInstanceOf(UserError.class).hasMessageContaining("remain unread").hasMessageContaining("on_exhausted: wrap");
        // within one pass every sequence is read once
        StageMixture onePass = new StageMixture(corpora, stop, Ledger.empty(L), 0, SEED, L, B, sequences / B);
        assertThat(rows(onePass, sequences / B, false)).hasSize((int) (sequences / B * B));
    }

    @Test
    void refusesWhatWouldRewriteOrBreakThePast() {
        Ledger after = firstStage(5).ledgerAfter(5);
        assertThatThrownBy(() -> new StageMixture(corpora, only("d0", 0.1), Ledger.empty(L), 0, SEED, L, B, 5))
                .hasMessageContaining("needs data the model read before this stage");
        Map<String, Corpus> swapped = Map.of("d0", d1, "d1", d1);
        assertThatThrownBy(() -> new StageMixture(swapped, only("d0", 0), after, 1, SEED, L, B, 5))
                .hasMessageContaining("corpus d0").hasMessageContaining("content hash changed");
        assertThatThrownBy(() -> new StageMixture(corpora, only("d1", 0), after, 1, SEED, L * 2, B, 5))
                .hasMessageContaining("keep seq_len across stages");
        assertThatThrownBy(() -> new StageMixture(corpora, only("d9", 0), after, 1, SEED, L, B, 5))
                .hasMessageContaining("corpus d9 is not among the run's corpora");
        assertThatThrownBy(() -> new StageMixture(corpora, only("d0", 0), Ledger.empty(1_000_000), 0, SEED, 1_000_000, B, 5))
                .hasMessageContaining("fewer than one sequence");
    }

    @Test
    void validationBatchesAreFixedConsecutiveWindows() {
        ValidationSet a = new ValidationSet(d0, "d0", L, 10);
        ValidationSet b = new ValidationSet(d0, "d0", L, 10);
        assertThat(a.sequences()).isEqualTo(10);
        assertThat(a.batches(4)).isEqualTo(3);
        assertThat(a.batch(2, 4).rows()).isEqualTo(2);
        int[] expected = new int[L + 1];
        d0.val().read(4L * L, expected, 0, L + 1);
        assertThat(a.batch(1, 4).row(0)).isEqualTo(expected);
        assertThat(a.batch(1, 4).tokens()).isEqualTo(b.batch(1, 4).tokens());
    }
}
