package dev.perennial.cli;

import dev.perennial.Choice;
import dev.perennial.UserError;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.generate.Generator;
import dev.perennial.generate.Sampling;
import dev.perennial.hub.HubModels;
import dev.perennial.hub.HubSettings;
import dev.perennial.io.AtomicFiles;
import dev.perennial.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** {@code perennial generate}: text from a model folder, streamed as it is generated. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generate text from a Hugging Face model folder with the KV cache, streaming it to standard "
                + "output. Greedy by default; --temperature above 0 samples.", ""},
        footer = {"", "Examples:", "  perennial generate --model runs/demo/final --prompt 'The license' --max-new-tokens 40",
                "  perennial generate --model runs/demo/final --prompts prompts.txt --batch-size 8 --out out.jsonl"})
public final class GenerateCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "A model folder, or ORG/NAME[@REVISION] from the Hugging Face cache (downloaded when online).")
    String model;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "The text to continue.")
    String prompt;

    @Option(names = "--prompts", paramLabel = "FILE", description = "Many prompts, generated in batches: one per "
            + "line, or {\"prompt\": ...} per line in a .jsonl file. Writes one JSON line per prompt, in order.")
    Path prompts;

    @Option(names = "--batch-size", defaultValue = "8", paramLabel = "N",
            description = "With --prompts: prompts generated together, one forward pass per step (default 8).")
    int batchSize;

    @Option(names = "--out", paramLabel = "FILE", description = "With --prompts: write the JSON lines to FILE "
            + "(atomically) instead of standard output.")
    Path outFile;

    @Option(names = "--max-new-tokens", defaultValue = "64", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T",
            description = "0 (default) is greedy; above 0 samples from softmax(logits / T).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "Sample among the K most likely (0: all).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", paramLabel = "P",
            description = "Sample within the smallest set of probability ≥ P (default 1).")
    double topP;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop before this text (repeatable).")
    List<String> stop = List.of();

    @Option(names = "--repetition-penalty", defaultValue = "1", paramLabel = "P",
            description = "transformers' repetition penalty on tokens of the prompt and output (1, the default, is off).")
    double repetitionPenalty;

    @Option(names = "--frequency-penalty", defaultValue = "0", paramLabel = "F",
            description = "OpenAI's: each token's logit minus F times its count in the output (-2 to 2; default 0).")
    double frequencyPenalty;

    @Option(names = "--presence-penalty", defaultValue = "0", paramLabel = "P",
            description = "OpenAI's: minus P for each token already in the output (-2 to 2; default 0).")
    double presencePenalty;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Sampling seed (default 0).")
    long seed;

    @Option(names = "--truncate", defaultValue = "none", paramLabel = "SIDE",
            description = "A prompt too long for the model's positions: none (default) refuses it, left keeps its "
                    + "last tokens.")
    String truncate;

    /** What to do with a prompt too long for the model: refuse it, or keep its end. */
    enum Truncate implements Choice {
        NONE, LEFT;

        @Override
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public void run() {
        Sampling sampling = new Sampling(maxNewTokens, temperature, topK, topP, stop, seed, frequencyPenalty,
                presencePenalty, repetitionPenalty);
        if ((prompt == null) == (prompts == null)) {
            throw new UserError("give either --prompt TEXT or --prompts FILE (one prompt per line)");
        }
        if (prompts == null && outFile != null) {
            throw new UserError("--out writes the results of --prompts; with --prompt the text goes to standard "
                    + "output");
        }
        if (batchSize < 1) {
            throw new UserError("--batch-size " + batchSize + " must be 1 or more");
        }
        List<String> texts = prompts == null ? List.of() : PromptsFile.read(prompts);
        PrintWriter out = spec.commandLine().getOut();
        Path folder = HubModels.resolve(model, Path.of(""), HubSettings
                .fromEnvironment(), true);
        boolean truncateLeft = Choices.parse(Truncate.class, truncate, "--truncate") == Truncate.LEFT;
        try (ModelFolder.Loaded loaded = ModelFolder.load(folder, DType.F32)) {
            if (prompts != null) {
                generateAll(loaded, texts, sampling, truncateLeft);
                return;
            }
            int[] ids = fitted(loaded.tokenizer().encode(prompt), loaded.model().config().maxPositions(),
                    truncateLeft, "the prompt");
            out.print(prompt);
            out.flush();
            long start = System.nanoTime();
            Generator.Result result = Generator.generate(loaded.model(), loaded.tokenizer(), ids, sampling, 0, (piece, tokens) -> {
                out.print(piece);
                out.flush();
                return true;
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println();
            spec.commandLine().getErr().printf(Locale.ROOT, "%d tokens in %.2f s (%.1f tokens/s), finished by %s%n",
                    result.tokens().length, seconds, result.tokens().length / seconds,
                    result.finish().name().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Every prompt of --prompts, {@code --batch-size} at a time; each line is what --prompt alone with the same
     * settings (and --seed) gives. Every prompt is checked before the first is generated.
     */
    private void generateAll(ModelFolder.Loaded loaded, List<String> texts, Sampling sampling, boolean truncateLeft) {
        List<Generator.Request> requests = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = fitted(loaded.tokenizer().encode(texts.get(i)), loaded.model().config().maxPositions(),
                    truncateLeft, prompts + " prompt " + (i + 1));
            requests.add(new Generator.Request(ids, sampling, (piece, tokens) -> true));
        }
        long start = System.nanoTime();
        List<Generator.Result> results = Generator.generateBatch(loaded.model(), loaded.tokenizer(), requests, 0,
                batchSize);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<PromptsFile.Completion> completions = new ArrayList<>();
        int generated = 0;
        for (int i = 0; i < results.size(); i++) {
            Generator.Result r = results.get(i);
            completions.add(new PromptsFile.Completion(i, texts.get(i), r.text(),
                    r.finish().name().toLowerCase(Locale.ROOT), r.promptTokens(), r.tokens().length));
            generated += r.tokens().length;
        }
        String jsonl = PromptsFile.jsonl(completions);
        if (outFile != null) {
            AtomicFiles.writeString(outFile, jsonl);
        } else {
            spec.commandLine().getOut().print(jsonl);
            spec.commandLine().getOut().flush();
        }
        spec.commandLine().getErr().printf(Locale.ROOT, "%d prompts, %d tokens in %.2f s (%.1f tokens/s, batch "
                + "size %d)%n", texts.size(), generated, seconds, generated / seconds, batchSize);
    }

    /**
     * The prompt's ids if they and the new tokens fit the model's positions; otherwise, before anything is printed,
     * a refusal that offers --truncate left, or with it the prompt's last tokens (and a note saying how many).
     */
    private int[] fitted(int[] ids, int positions, boolean truncateLeft, String name) {
        int room = positions - maxNewTokens;
        if (ids.length <= room) {
            return ids;
        }
        if (room < 1) {
            throw new UserError("--max-new-tokens " + maxNewTokens + " leaves no room for a prompt in the model's "
                    + positions + " positions; ask for at most " + (positions - 1) + " new tokens");
        }
        if (!truncateLeft) {
            throw new UserError(name + " (" + ids.length + " tokens) plus " + maxNewTokens + " new tokens exceed the "
                    + "model's " + positions + " positions; shorten it, lower --max-new-tokens, or pass --truncate "
                    + "left to keep its last " + room + " tokens");
        }
        spec.commandLine().getErr().printf("note: %s was cut to its last %d of %d tokens to fit the model's "
                + "%d positions%n", name, room, ids.length, positions);
        return Arrays.copyOfRange(ids, ids.length - room, ids.length);
    }
}
