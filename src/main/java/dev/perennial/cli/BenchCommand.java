package dev.perennial.cli;

import dev.perennial.bench.DataBenchmark;
import dev.perennial.tokenizer.Tokenizer;
import dev.perennial.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;

/** {@code perennial bench}: measurements reported, never asserted. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = BenchCommand.Data.class)
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code perennial bench data}: prepare and batch throughput against their yardsticks. */
    @Command(name = "data", mixinStandardHelpOptions = true,
            description = {"Prepare throughput against the tokenizer's own encode throughput (same text, same threads), "
                    + "and batch assembly (25% replay) against a small model's training step.", ""})
    public static final class Data implements Runnable {

        @Spec
        CommandSpec spec;

        @Option(names = "--tokenizer", required = true, paramLabel = "T", description = "'byte' or a tokenizer.json.")
        String tokenizer;

        @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH", description = "Text to use.")
        List<String> inputs;

        @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores).")
        Integer threads;

        @Option(names = "--seq-len", defaultValue = "256", paramLabel = "T", description = "Default: ${DEFAULT-VALUE}.")
        int seqLen;

        @Option(names = "--batch", defaultValue = "16", paramLabel = "B", description = "Default: ${DEFAULT-VALUE}.")
        int batch;

        @Override
        public void run() {
            Tokenizer tok = Tokenizers.open(tokenizer);
            int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            DataBenchmark.Result r;
            try {
                r = DataBenchmark.run(tok, inputs, n, seqLen, batch);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("text: %,d documents, %,d tokens, %d threads%n", r.documents(), r.tokens(), r.threads());
            out.printf("tokenizer encode:  %,12.0f tokens/s%n", r.encodeTokensPerSecond());
            out.printf("prepare:           %,12.0f tokens/s  (%.0f%% of encode; goal ≥ 80%%)%n",
                    r.prepareTokensPerSecond(), 100 * r.prepareRatio());
            out.printf("batch assembly:    %,12.0f tokens/s  (%.0f× a %,.0f tokens/s training step; goal ≥ 50×)%n",
                    r.batchTokensPerSecond(), r.batchRatio(), DataBenchmark.TRAINING_TOKENS_PER_SECOND);
        }
    }
}
