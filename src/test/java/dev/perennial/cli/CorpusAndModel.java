package dev.perennial.cli;

import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A small English text, its corpus prepared by the CLI with the byte tokenizer, and a tiny byte-level Llama folder. */
record CorpusAndModel(Path text, Path corpus, Path model) {

    static CorpusAndModel in(Path dir) throws IOException {
        Path text = dir.resolve("en.txt");
        StringBuilder paragraphs = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            paragraphs.append("the cat sat on the mat number ").append(i).append(" and then it slept.\n\n");
        }
        Files.writeString(text, paragraphs);
        Path corpus = dir.resolve("en");
        CliTest.Result prepared = CliTest.run("prepare", "--tokenizer", "byte", "--input", text.toString(), "--out",
                corpus.toString(), "--val-fraction", "0.2");
        assertThat(prepared.code()).as(prepared.err()).isZero();
        Path model = dir.resolve("model");
        try (Model m = ModelFixtures.byteLlama(1)) {
            ModelFolder.save(m, "byte", model, ModelFolder.DEFAULT_SHARD_BYTES, "");
        }
        return new CorpusAndModel(text, corpus, model);
    }
}
