package dev.perennial.serve;

import dev.perennial.cli.Main;
import dev.perennial.data.Prepare;
import dev.perennial.data.PrepareOptions;
import dev.perennial.data.TextUnit;
import dev.perennial.tokenizer.ByteTokenizer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A real tiny run, made once per test JVM with the real CLI: two byte-level corpora prepared, a 2-stage llama
 * run trained (metrics.jsonl, checkpoints, final/ with lineage.json), a 2-stage run continued from its final model
 * at small learning rates (runs/continued), a tiny experiment (its runs, results.json and report) made by the
 * experiment command, and a copy of the final model with a ChatML chat template in its tokenizer_config.json.
 */
final class ServeFixture {

    static final String CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
            + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static Path root;

    private ServeFixture() {
    }

    /** The folder holding runs/demo (the run) and models/chat (the final model with a chat template). */
    static synchronized Path root() {
        if (root == null) {
            try {
                root = make();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static Path runs() {
        return root().resolve("runs");
    }

    static Path models() {
        return root().resolve("models");
    }

    private static Path make() throws IOException {
        Path dir = Files.createTempDirectory("perennial-serve-test");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dev.perennial.io.AtomicFiles.deleteTree(dir)));
        for (String name : List.of("en", "de")) {
            SplittableRandom random = new SplittableRandom(name.hashCode());
            String[] words = name.equals("en") ? "the of and to in a is that for it as was with be by on".split(" ")
                    : "der die und in den von zu das mit sich des auf für ist im dem".split(" ");
            StringBuilder text = new StringBuilder();
            for (int d = 0; d < 200; d++) {
                for (int w = 0; w < 20 + random.nextInt(40); w++) {
                    text.append(words[random.nextInt(words.length)]).append(' ');
                }
                text.append(".\n\n");
            }
            Path file = dir.resolve(name + ".txt");
            Files.writeString(file, text);
            new Prepare(new PrepareOptions(List.of(file.toString()), dir.resolve("corpora").resolve(name), "text",
                    TextUnit.PARAGRAPH, 0.05, false, false, PrepareOptions.DEFAULT_SHARD_TOKENS, 2),
                    new ByteTokenizer(), false).run();
        }
        Path config = runConfig(dir, dir.resolve("runs/demo"), 20, 20);
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"train", config.toString()}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        if (code != 0) {
            throw new IllegalStateException("the fixture run failed: " + err);
        }
        code = Main.run(new String[] {"train", continuedConfig(dir).toString()}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        if (code != 0) {
            throw new IllegalStateException("the fixture's continued run failed: " + err);
        }
        Path spec = dir.resolve("experiment.yaml");
        Files.writeString(spec, """
                name: tiny
                corpora: {d0: corpora/en, d1: corpora/de}
                tokenizer: byte
                model: {model_type: gpt_neox, vocab_size: 257, hidden_size: 32, num_hidden_layers: 1,
                        num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 32}
                seq_len: 16
                global_batch: 4
                tokens_per_stage: 960
                lr: {max: 3.0e-3, warmup: 0.1}
                replay: [0.0, 0.25]
                eval: {interval: 5, sequences: 4}
                out: runs/tiny-experiment
                """);
        code = Main.run(new String[] {"experiment", spec.toString()}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        if (code != 0) {
            throw new IllegalStateException("the fixture experiment failed: " + err);
        }
        Path chat = dir.resolve("models/chat");
        Files.createDirectories(chat);
        try (var files = Files.list(dir.resolve("runs/demo/final"))) {
            for (Path file : files.toList()) {
                Files.copy(file, chat.resolve(file.getFileName()));
            }
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var tokenizerConfig = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
                chat.resolve("tokenizer_config.json").toFile());
        tokenizerConfig.put("chat_template", CHATML);
        json.writeValue(chat.resolve("tokenizer_config.json").toFile(), tokenizerConfig);
        return dir;
    }

    /** A 2-stage tiny llama run config over the fixture's corpora (en, then de with 25% replay). */
    static Path runConfig(Path dir, Path out, int steps0, int steps1) throws IOException {
        Path config = Files.createTempFile(dir, "run", ".yaml");
        Files.writeString(config, header(dir, 5) + """
                model:
                  config: {model_type: llama, vocab_size: 257, hidden_size: 32, num_hidden_layers: 2,
                           num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 64,
                           max_position_embeddings: 256}
                eval: {interval: 5, sequences: 8}
                checkpoint: {interval: 20, keep: 2}
                out: %s
                stages:
                  - {name: en, steps: %d, data: [{corpus: en}], schedule: {family: cosine, max_lr: 3e-3, warmup: 0.1}}
                  - {name: de, steps: %d, data: [{corpus: de}], replay: 0.25,
                     schedule: {family: cosine, max_lr: 3e-3, warmup: 0.1}}
                """.formatted(out, steps0, steps1));
        return config;
    }

    /** The lines every run config of the fixture begins with: the seed, the shapes and the two corpora. */
    private static String header(Path dir, int seed) {
        return """
                seed: %d
                seq_len: 32
                global_batch: 8
                tokenizer: byte
                corpora: {en: %s, de: %s}
                """.formatted(seed, dir.resolve("corpora/en"), dir.resolve("corpora/de"));
    }

    /**
     * runs/continued: demo's final model continued on de, then en, at learning rates between 1e-5 and 2e-4 (ticks
     * of such an axis are where a label with too few digits reads like its neighbour).
     */
    private static Path continuedConfig(Path dir) throws IOException {
        Path config = Files.createTempFile(dir, "continued", ".yaml");
        Files.writeString(config, header(dir, 6) + """
                model: {init: %s}
                eval: {interval: 5, sequences: 8}
                checkpoint: {interval: 10, keep: 1}
                out: %s
                stages:
                  - {name: de2, steps: 10, data: [{corpus: de}], replay: 0.1,
                     schedule: {family: cosine, max_lr: 1.5e-4, min_lr: 1e-5, warmup: 0.1}}
                  - {name: en2, steps: 10, data: [{corpus: en}], replay: 0.1,
                     schedule: {family: cosine, max_lr: 2e-4, min_lr: 1e-4, warmup: 0.2}}
                """.formatted(dir.resolve("runs/demo/final"), dir.resolve("runs/continued")));
        return config;
    }

    static ServeOptions options(String apiKey, ServeOptions.Limits limits) {
        return new ServeOptions(List.of(runs()), List.of(models()), "127.0.0.1", 0, apiKey, limits);
    }
}
