package dev.perennial.data;

import dev.perennial.tokenizer.ByteTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/** Small corpora made on the spot with the byte tokenizer, for data tests. */
final class TestCorpora {

    private TestCorpora() {
    }

    /** Writes {@code documents} distinct paragraphs to a .txt file and prepares them into {@code dir/name}. */
    static Corpus make(Path dir, String name, int documents) {
        try {
            Path text = dir.resolve(name + ".txt");
            // Every word names its corpus, document and position, so no two windows of a corpus look alike.
            List<String> docs = IntStream.range(0, documents)
                    .mapToObj(i -> String.join(" ", IntStream.range(0, 4 + i % 9)
                            .mapToObj(k -> name + ":" + i + "." + k).toList()))
                    .toList();
            Files.writeString(text, String.join("\n\n", docs) + "\n");
            Path out = dir.resolve(name);
            new Prepare(options(List.of(text.toString()), out, 0.1), new ByteTokenizer(), false).run();
            return Corpus.open(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PrepareOptions options(List<String> inputs, Path out, double valFraction) {
        return new PrepareOptions(inputs, out, "text", TextUnit.PARAGRAPH, valFraction, false, false,
                PrepareOptions.DEFAULT_SHARD_TOKENS, 2);
    }
}
