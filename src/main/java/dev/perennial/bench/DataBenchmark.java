package dev.perennial.bench;

import dev.perennial.data.BadRecord;
import dev.perennial.data.Corpus;
import dev.perennial.data.CorpusMetadata;
import dev.perennial.data.Document;
import dev.perennial.data.DocumentReader;
import dev.perennial.data.InputFiles;
import dev.perennial.data.Ledger;
import dev.perennial.data.MixtureSpec;
import dev.perennial.data.Prepare;
import dev.perennial.data.PrepareOptions;
import dev.perennial.data.StageMixture;
import dev.perennial.data.TextUnit;
import dev.perennial.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures the data path against its two yardsticks: {@code prepare} against the tokenizer's own encode
 * throughput on the same text and threads, and batch assembly against what a training step consumes.
 */
public final class DataBenchmark {

    /**
     * What a small model's training step consumes at best here (docs/architecture.md, "Speed: the yardstick":
     * PyTorch, 1.8M parameters, 2 cores).
     */
    public static final double TRAINING_TOKENS_PER_SECOND = 13_000;

    public record Result(long documents, long tokens, double encodeTokensPerSecond, double prepareTokensPerSecond,
                         double batchTokensPerSecond, int threads) {

        public double prepareRatio() {
            return prepareTokensPerSecond / encodeTokensPerSecond;
        }

        public double batchRatio() {
            return batchTokensPerSecond / TRAINING_TOKENS_PER_SECOND;
        }
    }

    private DataBenchmark() {
    }

    public static Result run(Tokenizer tokenizer, List<String> inputs, int threads, int seqLen, int batch)
            throws Exception {
        List<String> texts = readAll(InputFiles.expand(inputs));
        BenchProgress progress = BenchProgress.console("data", "phases (encode, prepare, batches)", 3);
        encode(tokenizer, texts.subList(0, Math.min(texts.size(), 200)), threads); // warm-up
        long start = System.nanoTime();
        long tokens = encode(tokenizer, texts, threads);
        double encodeSeconds = (System.nanoTime() - start) / 1e9;
        progress.done();

        Path tmp = Files.createTempDirectory("perennial-bench");
        try {
            PrepareOptions options = new PrepareOptions(inputs, tmp.resolve("corpus"), "text", TextUnit.PARAGRAPH, 0.01,
                    false, false, PrepareOptions.DEFAULT_SHARD_TOKENS, threads);
            start = System.nanoTime();
            CorpusMetadata meta = new Prepare(options, tokenizer, false).run();
            double prepareSeconds = (System.nanoTime() - start) / 1e9;
            progress.done();
            long prepared = meta.train().tokens() + meta.val().tokens();
            try (Corpus corpus = Corpus.open(tmp.resolve("corpus"))) {
                double batchRate = batchTokensPerSecond(corpus, seqLen, batch);
                progress.done();
                progress.finish();
                return new Result(texts.size(), tokens, tokens / encodeSeconds, prepared / prepareSeconds, batchRate,
                        threads);
            }
        } finally {
            try (var paths = Files.walk(tmp)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Assembles batches of a replay stage (25% replay) for about two seconds. */
    private static double batchTokensPerSecond(Corpus corpus, int seqLen, int batch) {
        Map<String, Corpus> corpora = Map.of("old", corpus, "new", corpus);
        MixtureSpec first = new MixtureSpec(List.of(new MixtureSpec.Weighted("old", 1)), 0,
                MixtureSpec.ReplayFrom.CONSUMED, MixtureSpec.OnExhausted.WRAP);
        Ledger after = new StageMixture(corpora, first, Ledger.empty(seqLen), 0, 1, seqLen, batch, 10).ledgerAfter(10);
        MixtureSpec replay = new MixtureSpec(List.of(new MixtureSpec.Weighted("new", 1)), 0.25,
                MixtureSpec.ReplayFrom.CONSUMED, MixtureSpec.OnExhausted.WRAP);
        StageMixture stage = new StageMixture(corpora, replay, after, 1, 1, seqLen, batch, Long.MAX_VALUE / batch / 2);
        long checksum = 0;
        for (int s = 0; s < 200; s++) {
            checksum += stage.batch(s).tokens()[0]; // warm-up
        }
        long steps = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < 2_000_000_000L) {
            checksum += stage.batch(steps++).tokens()[1];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (checksum == Long.MIN_VALUE) {
            System.out.print(""); // keeps the loop's work observable
        }
        return steps * (double) batch * seqLen / seconds;
    }

    private static long encode(Tokenizer tokenizer, List<String> texts, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> parts = new ArrayList<>();
            int chunk = Math.max(1, texts.size() / (threads * 8));
            for (int i = 0; i < texts.size(); i += chunk) {
                List<String> part = texts.subList(i, Math.min(texts.size(), i + chunk));
                parts.add(pool.submit(() -> part.stream().mapToLong(t -> tokenizer.encode(t).length).sum()));
            }
            long total = 0;
            for (Future<Long> part : parts) {
                total += part.get();
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> readAll(List<Path> files) {
        List<String> texts = new ArrayList<>();
        DocumentReader reader = new DocumentReader("text", TextUnit.PARAGRAPH);
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                reader.read(file, in, new DocumentReader.Sink() {
                    @Override
                    public void document(Document document) {
                        texts.add(document.text());
                    }

                    @Override
                    public void bad(BadRecord record) {
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return texts;
    }
}
