package dev.perennial.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.cli.CliTest;
import dev.perennial.io.Hashing;
import dev.perennial.tokenizer.BpeTrainer;
import dev.perennial.tokenizer.ByteTokenizer;
import dev.perennial.tokenizer.HfTokenizer;
import dev.perennial.tokenizer.Tokenizer;
import dev.perennial.tokenizer.TokenizerFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrepareTest {

    @TempDir
    Path dir;

    static final List<String> DOCS = IntStream.range(0, 40)
            .mapToObj(i -> "Document " + i + " says: grüße, " + "words ".repeat(i % 7 + 1).strip() + ".")
            .toList();

    PrepareOptions options(List<String> inputs, String out) {
        return TestCorpora.options(inputs, dir.resolve(out), 0.2);
    }

    CorpusMetadata prepare(Tokenizer tokenizer, PrepareOptions options) {
        return new Prepare(options, tokenizer, false).run();
    }

    /** The documents of a split, decoded between end-of-text tokens. */
    static List<String> documents(Corpus corpus, TokenSplit split, Tokenizer tokenizer) {
        List<String> docs = new ArrayList<>();
        for (long d = 0; d < split.documents(); d++) {
            long from = split.documentStart(d);
            int length = (int) (split.documentStart(d + 1) - from);
            int[] ids = new int[length];
            split.read(from, ids, 0, length);
            assertThat(ids[length - 1]).isEqualTo(corpus.metadata().tokenizer().eosId());
            docs.add(tokenizer.decode(Arrays.copyOf(ids, length - 1)));
        }
        return docs;
    }

    @Test
    void textRoundTripsThroughTokensAndTheSplitFollowsTheDocumentHash() throws Exception {
        Path txt = dir.resolve("a.txt");
        Files.writeString(txt, String.join("\n\n", DOCS));
        ByteTokenizer bytes = new ByteTokenizer();
        CorpusMetadata meta = prepare(bytes, options(List.of(txt.toString()), "corpus"));
        try (Corpus corpus = Corpus.open(dir.resolve("corpus"))) {
            List<String> train = documents(corpus, corpus.train(), bytes);
            List<String> val = documents(corpus, corpus.val(), bytes);
            assertThat(train).doesNotContainAnyElementsOf(val);
            List<String> all = new ArrayList<>(train);
            all.addAll(val);
            assertThat(all).containsExactlyInAnyOrderElementsOf(DOCS);
            for (String doc : DOCS) {
                assertThat(val.contains(doc)).isEqualTo(Prepare.isValidation(doc, 0.2));
            }
            assertThat(val).isNotEmpty();
            assertThat(train).containsSubsequence(DOCS.stream().filter(train::contains).toList()); // order kept
        }
        assertThat(meta.sources()).singleElement().satisfies(s -> {
            assertThat(s.sha256()).isEqualTo(Hashing.sha256(txt));
            assertThat(s.bytes()).isEqualTo(Files.size(txt));
            assertThat(s.documents()).isEqualTo(40);
        });
        assertThat(meta.tokenizer().hash()).isEqualTo(bytes.hash());
        assertThat(meta.dtype()).isEqualTo("uint16");
        assertThat(meta.train().documents() + meta.val().documents()).isEqualTo(40);
        long textBytes = DOCS.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length).sum();
        assertThat(meta.train().tokens() + meta.val().tokens()).isEqualTo(textBytes + 40); // + one EOS each
    }

    @Test
    void readsJsonLinesPlainGzipZstdAndParquetAlike() throws Exception {
        String jsonl = String.join("\n", DOCS.stream().map(d -> "{\"text\": \"" + d + "\", \"id\": 1}").toList()) + "\n";
        Files.writeString(dir.resolve("a.jsonl"), jsonl);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("b.jsonl.gz")))) {
            out.write(jsonl.getBytes(StandardCharsets.UTF_8));
        }
        try (OutputStream out = new com.github.luben.zstd.ZstdOutputStream(Files.newOutputStream(dir.resolve("c.jsonl.zst")))) {
            out.write(jsonl.getBytes(StandardCharsets.UTF_8));
        }
        writeParquet(dir.resolve("d.parquet"), "text", DOCS);
        ByteTokenizer bytes = new ByteTokenizer();
        for (String file : List.of("a.jsonl", "b.jsonl.gz", "c.jsonl.zst", "d.parquet")) {
            prepare(bytes, options(List.of(dir.resolve(file).toString()), "out-" + file));
            try (Corpus corpus = Corpus.open(dir.resolve("out-" + file))) {
                List<String> all = new ArrayList<>(documents(corpus, corpus.train(), bytes));
                all.addAll(documents(corpus, corpus.val(), bytes));
                assertThat(all).as(file).containsExactlyInAnyOrderElementsOf(DOCS);
                assertThat(corpus.hash()).as(file).isEqualTo(Corpus.open(dir.resolve("out-a.jsonl")).hash());
            }
        }
    }

    @Test
    void aFolderOrGlobReadsEveryFileInSortedOrder() throws Exception {
        Files.createDirectories(dir.resolve("in/sub"));
        Files.writeString(dir.resolve("in/b.txt"), "second");
        Files.writeString(dir.resolve("in/sub/a.txt"), "third");
        Files.writeString(dir.resolve("in/a.txt"), "first");
        Files.writeString(dir.resolve("in/notes.md"), "ignored");
        assertThat(InputFiles.expand(List.of(dir.resolve("in").toString())))
                .containsExactly(dir.resolve("in/a.txt"), dir.resolve("in/b.txt"), dir.resolve("in/sub/a.txt"));
        assertThat(InputFiles.expand(List.of(dir.resolve("in") + "/*.txt")))
                .containsExactly(dir.resolve("in/a.txt"), dir.resolve("in/b.txt"));
    }

    @Test
    void aTrainedBpeTokenizerPreparesAndRecordsItsHash() throws Exception {
        Path tokDir = dir.resolve("tok");
        BpeTrainer.Model model = BpeTrainer.train(DOCS.iterator(), 400);
        TokenizerFiles.write(model, tokDir);
        Path txt = dir.resolve("a.txt");
        Files.writeString(txt, String.join("\n\n", DOCS));
        try (HfTokenizer bpe = HfTokenizer.load(tokDir)) {
            CorpusMetadata meta = prepare(bpe, options(List.of(txt.toString()), "bpe"));
            assertThat(meta.tokenizer().hash()).isEqualTo(Hashing.sha256(tokDir.resolve("tokenizer.json")));
            assertThat(meta.tokenizer().eosId()).isEqualTo(model.tokens().size()); // right after the learned tokens
            try (Corpus corpus = Corpus.open(dir.resolve("bpe"))) {
                assertThat(documents(corpus, corpus.train(), bpe)).allMatch(DOCS::contains);
            }
        }
    }

    @Test
    void refusesBadRecordsNamingFileAndLineUnlessSkipping() throws Exception {
        Path jsonl = dir.resolve("bad.jsonl");
        Files.writeString(jsonl, "{\"text\": \"fine\"}\n{\"body\": \"no text field\"}\nnot json\n{\"text\": 5}\n");
        ByteTokenizer bytes = new ByteTokenizer();
        assertThatThrownBy(() -> prepare(bytes, options(List.of(jsonl.toString()), "x")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(jsonl + " line 2: no \"text\" field; choose the field with --text-field")
                .hasMessageContaining("--skip-bad");
        Path notJson = dir.resolve("notjson.jsonl");
        Files.writeString(notJson, "{\"text\": \"fine\"}\nnot json\n");
        assertThatThrownBy(() -> prepare(bytes, options(List.of(notJson.toString()), "y")))
                .hasMessageContaining(notJson + " line 2: not a JSON object");
        assertThat(dir.resolve("x")).doesNotExist();
        assertThat(dir.resolve(".x.partial")).doesNotExist();

        PrepareOptions skipping = new PrepareOptions(List.of(jsonl.toString()), dir.resolve("x"), "text",
                TextUnit.PARAGRAPH, 0, true, false, PrepareOptions.DEFAULT_SHARD_TOKENS, 1);
        CorpusMetadata meta = prepare(bytes, skipping);
        assertThat(meta.badRecordsSkipped()).isEqualTo(3);
        assertThat(meta.train().documents()).isEqualTo(1);
    }

    @Test
    void refusesInvalidUtf8EmptyInputsAndMissingColumns() throws Exception {
        ByteTokenizer bytes = new ByteTokenizer();
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "good line\n\ncaf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> prepare(bytes, options(List.of(latin1.toString()), "a")))
                .hasMessageContaining(latin1 + " line 3: invalid UTF-8");
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n\n");
        assertThatThrownBy(() -> prepare(bytes, options(List.of(empty.toString()), "b")))
                .hasMessageContaining(empty + ": holds no text");
        Path parquet = dir.resolve("p.parquet");
        writeParquet(parquet, "content", List.of("x"));
        assertThatThrownBy(() -> prepare(bytes, options(List.of(parquet.toString()), "c")))
                .hasMessageContaining(parquet + ": no column \"text\" (it has content, n)");
        assertThatThrownBy(() -> prepare(bytes, options(List.of(dir.resolve("none.txt").toString()), "d")))
                .hasMessageContaining("no such file or folder");
        Path pdf = dir.resolve("x.pdf");
        Files.writeString(pdf, "x");
        assertThatThrownBy(() -> prepare(bytes, options(List.of(pdf.toString()), "e")))
                .hasMessageContaining("unsupported input");
    }

    @Test
    void anExistingCorpusIsKeptUnlessOverwritingAndStalePartialsAreCleared() throws Exception {
        Path txt = dir.resolve("a.txt");
        Files.writeString(txt, String.join("\n\n", DOCS));
        ByteTokenizer bytes = new ByteTokenizer();
        prepare(bytes, options(List.of(txt.toString()), "c"));
        assertThatThrownBy(() -> prepare(bytes, options(List.of(txt.toString()), "c")))
                .hasMessageContaining("already exists");
        Files.createDirectories(dir.resolve(".d.partial"));
        Files.writeString(dir.resolve(".d.partial/train-00000.bin"), "left by a killed run");
        prepare(bytes, options(List.of(txt.toString()), "d"));
        assertThat(dir.resolve(".d.partial")).doesNotExist();
        assertThat(Corpus.open(dir.resolve("d")).hash()).isEqualTo(Corpus.open(dir.resolve("c")).hash());
    }

    @Test
    void theOutputDoesNotDependOnThreadsAndShards() throws Exception {
        Path txt = dir.resolve("a.txt");
        Files.writeString(txt, String.join("\n\n", DOCS));
        ByteTokenizer bytes = new ByteTokenizer();
        CorpusMetadata one = prepare(bytes, new PrepareOptions(List.of(txt.toString()), dir.resolve("one"), "text",
                TextUnit.PARAGRAPH, 0.2, false, false, PrepareOptions.DEFAULT_SHARD_TOKENS, 1));
        CorpusMetadata many = prepare(bytes, new PrepareOptions(List.of(txt.toString()), dir.resolve("many"), "text",
                TextUnit.PARAGRAPH, 0.2, false, false, 100, 4));
        assertThat(many.train().shards().size()).isGreaterThan(3);
        assertThat(many.contentHash()).isEqualTo(one.contentHash());
        try (Corpus a = Corpus.open(dir.resolve("one")); Corpus b = Corpus.open(dir.resolve("many"))) {
            int n = (int) a.train().tokens();
            int[] x = new int[n];
            int[] y = new int[n];
            a.train().read(0, x, 0, n);
            b.train().read(0, y, 0, n);
            assertThat(y).isEqualTo(x);
        }
    }

    @Test
    void aTruncatedCorpusIsRefusedOnOpen() throws Exception {
        Path txt = dir.resolve("a.txt");
        Files.writeString(txt, String.join("\n\n", DOCS));
        prepare(new ByteTokenizer(), options(List.of(txt.toString()), "c"));
        Path shard = dir.resolve("c/train-00000.bin");
        byte[] bytes = Files.readAllBytes(shard);
        Files.write(shard, Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> Corpus.open(dir.resolve("c")))
                .isInstanceOf(UserError.class).hasMessageContaining("train-00000.bin").hasMessageContaining("truncated");
        assertThatThrownBy(() -> Corpus.open(dir)).hasMessageContaining("not a prepared corpus");
    }

    /** A flipped byte keeps the file's size, so only its checksum finds it: on open and with prepare --verify. */
    @Test
    void aFlippedByteIsFoundOnOpenAndByVerify() throws Exception {
        Path txt = dir.resolve("f.txt");
        Files.writeString(txt, String.join("\n\n", DOCS));
        CorpusMetadata metadata = prepare(new ByteTokenizer(), options(List.of(txt.toString()), "f"));
        assertThat(metadata.fileSha256()).containsOnlyKeys(metadata.files());
        Path corpus = dir.resolve("f");
        CliTest.Result good = CliTest.run("prepare", "--verify", corpus.toString());
        assertThat(good.code()).isZero();
        assertThat(good.out()).contains("all 4 files match their SHA-256");

        Path shard = corpus.resolve("val-00000.bin");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length / 2] ^= 1;
        Files.write(shard, bytes);
        assertThatThrownBy(() -> Corpus.open(corpus)).isInstanceOf(UserError.class)
                .hasMessageContaining("val-00000.bin: its content does not match the SHA-256 in metadata.json");
        CliTest.Result bad = CliTest.run("prepare", "--verify", corpus.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("val-00000.bin: its content does not match");
        assertThat(CliTest.run("prepare", "--tokenizer", "byte").err()).contains("Missing required options: '--input=PATH', "
                + "'--out=DIR'");
    }

    /** Corpora prepared before checksums were recorded still open (by size), and --verify says what it cannot do. */
    @Test
    void aCorpusWithoutChecksumsOpensAndVerifySaysWhy() throws Exception {
        Path txt = dir.resolve("o.txt");
        Files.writeString(txt, String.join("\n\n", DOCS));
        prepare(new ByteTokenizer(), options(List.of(txt.toString()), "o"));
        Path file = dir.resolve("o/metadata.json");
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(file.toFile());
        json.remove("file_sha256");
        Files.writeString(file, json.toString());
        try (Corpus corpus = Corpus.open(dir.resolve("o"))) {
            assertThat(corpus.metadata().fileSha256()).isNull();
        }
        assertThat(CliTest.run("prepare", "--verify", dir.resolve("o").toString()).err())
                .contains("prepared before file checksums were recorded");
    }

    static void writeParquet(Path file, String column, List<String> values) throws Exception {
        try (var db = DriverManager.getConnection("jdbc:duckdb:"); var st = db.createStatement()) {
            st.execute("CREATE TABLE t (\"" + column + "\" VARCHAR, n INTEGER)");
            try (var insert = db.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
                for (int i = 0; i < values.size(); i++) {
                    insert.setString(1, values.get(i));
                    insert.setInt(2, i);
                    insert.executeUpdate();
                }
            }
            st.execute("COPY (SELECT * FROM t ORDER BY n) TO '" + file + "' (FORMAT parquet)");
        }
    }
}
