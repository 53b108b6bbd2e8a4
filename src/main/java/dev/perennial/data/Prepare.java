package dev.perennial.data;

import dev.perennial.UserError;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Hashing;
import dev.perennial.io.Json;
import dev.perennial.progress.Progress;
import dev.perennial.tokenizer.Tokenizer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code perennial prepare}: text files to a tokenized corpus folder. Documents are read in order by one thread,
 * encoded in chunks by a pool of workers, and written in the original order, so the output does not depend on
 * the number of threads. Memory is bounded by the chunks in flight. Everything is written into a hidden
 * {@code .NAME.partial} folder that is renamed to {@code NAME} only when complete.
 */
public final class Prepare {

    /** Characters of text per encoding task: large enough to amortise hand-offs, small enough to bound memory. */
    private static final int CHUNK_CHARS = 1 << 20;

    private record Encoded(int[] ids, boolean validation) {
    }

    private final PrepareOptions options;
    private final Tokenizer tokenizer;
    private final boolean showProgress;
    private Progress progress = Progress.silent();

    public Prepare(PrepareOptions options, Tokenizer tokenizer, boolean showProgress) {
        this.options = options;
        this.tokenizer = tokenizer;
        this.showProgress = showProgress;
    }

    public CorpusMetadata run() {
        if (tokenizer.eosId() < 0) {
            throw new UserError("tokenizer " + tokenizer.name() + " has no end-of-text token to put between "
                    + "documents; use a tokenizer whose tokenizer_config.json names an eos_token");
        }
        if (!(options.valFraction() >= 0 && options.valFraction() < 1)) {
            throw new UserError("--val-fraction " + options.valFraction() + " is not in [0, 1)");
        }
        List<Path> files = InputFiles.expand(options.inputs());
        Path out = options.out().toAbsolutePath().normalize();
        if (Files.exists(out) && !options.overwrite()) {
            throw new UserError(out + " already exists; choose another --out, remove it, or pass --overwrite");
        }
        Path partial = out.resolveSibling("." + out.getFileName() + ".partial");
        AtomicFiles.deleteTree(partial); // what an interrupted run left
        try {
            Files.createDirectories(partial);
            CorpusMetadata written = write(files, partial);
            CorpusMetadata metadata = written.withFileSha256(Corpus.checksums(partial, written));
            AtomicFiles.write(partial.resolve("metadata.json"), o -> Json.FILE.writeValue(o, metadata));
            AtomicFiles.deleteTree(out);
            Files.move(partial, out);
            return metadata;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            AtomicFiles.deleteTree(partial);
        }
    }

    private CorpusMetadata write(List<Path> files, Path dir) throws IOException {
        int width = tokenizer.vocabSize() <= 65536 ? 2 : 4;
        long totalBytes = files.stream().mapToLong(Prepare::size).sum();
        if (showProgress) {
            progress = Progress.console("prepare", "B", totalBytes);
        }
        List<CorpusMetadata.Source> sources = new ArrayList<>();
        long bad = 0;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.threads()));
        try (TokenStreamWriter train = new TokenStreamWriter(dir, "train", width, options.shardTokens(),
                tokenizer.eosId());
             TokenStreamWriter val = new TokenStreamWriter(dir, "val", width, options.shardTokens(),
                     tokenizer.eosId())) {
            Pipeline pipeline = new Pipeline(pool, train, val);
            long bytesBefore = 0;
            for (Path file : files) {
                FileResult result = readFile(file, pipeline, bytesBefore);
                bytesBefore += size(file);
                if (result.documents == 0 && result.bad == 0) {
                    if (!options.skipBad()) {
                        throw new UserError(file + ": holds no text; remove it from --input (or pass --skip-bad)");
                    }
                    result.bad = 1;
                }
                sources.add(new CorpusMetadata.Source(file.toString(), size(file), result.sha256, result.documents,
                        result.bad));
                bad += result.bad;
            }
            pipeline.finish();
            train.close();
            val.close();
            if (train.split().documents() + val.split().documents() == 0) {
                throw new UserError("the inputs hold no documents; check --input and --text-field");
            }
            progress.finish(String.format("%,d documents, %,d tokens (%,d held out for validation) from %d files",
                    train.split().documents() + val.split().documents(), train.split().tokens() + val.split().tokens(),
                    val.split().tokens(), files.size()));
            return new CorpusMetadata(CorpusMetadata.FORMAT,
                    new CorpusMetadata.TokenizerInfo(tokenizer.name(), tokenizer.hash(), tokenizer.vocabSize(),
                            tokenizer.eosId()),
                    width == 2 ? "uint16" : "uint32", CorpusMetadata.EOS_POLICY, options.textField(),
                    options.textUnit().id(), options.valFraction(), CorpusMetadata.VAL_RULE, sources, train.split(),
                    val.split(), bad, contentHash(train, val), null);
        } finally {
            pool.shutdownNow();
        }
    }

    /** SHA-256 over the two splits' digests: the same tokens give the same hash, however they were sharded. */
    private static String contentHash(TokenStreamWriter train, TokenStreamWriter val) {
        MessageDigest both = Hashing.sha256();
        both.update(train.contentDigest());
        both.update(val.contentDigest());
        return Hashing.hex(both);
    }

    private static final class FileResult {
        long documents;
        long bad;
        String sha256;
    }

    private FileResult readFile(Path file, Pipeline pipeline, long bytesBefore) throws IOException {
        FileResult result = new FileResult();
        MessageDigest digest = Hashing.sha256();
        DocumentReader reader = new DocumentReader(options.textField(), options.textUnit());
        DocumentReader.Sink sink = new DocumentReader.Sink() {
            @Override
            public void document(Document document) throws IOException {
                result.documents++;
                pipeline.add(document.text());
            }

            @Override
            public void bad(BadRecord record) {
                if (!options.skipBad()) {
                    throw new UserError(record.getMessage() + " (fix it, or pass --skip-bad to skip and count such "
                            + "records)");
                }
                result.bad++;
            }
        };
        if (InputFormat.of(file) == InputFormat.PARQUET) {
            reader.read(file, InputStream.nullInputStream(), sink);
            result.sha256 = Hashing.sha256(file);
            progress.advanceTo(bytesBefore + size(file));
        } else {
            try (InputStream raw = new CountingStream(Files.newInputStream(file), bytesBefore);
                 DigestInputStream hashed = new DigestInputStream(raw, digest)) {
                reader.read(file, hashed, sink);
                hashed.transferTo(OutputStream.nullOutputStream()); // hash what the reader did not need to read
            }
            result.sha256 = Hashing.hex(digest);
        }
        return result;
    }

    /** Chunks of documents go to the pool; results are written in order, with at most 2× threads in flight. */
    private final class Pipeline {
        private final ExecutorService pool;
        private final TokenStreamWriter train;
        private final TokenStreamWriter val;
        private final ArrayDeque<Future<List<Encoded>>> inFlight = new ArrayDeque<>();
        private List<String> chunk = new ArrayList<>();
        private long chunkChars;

        Pipeline(ExecutorService pool, TokenStreamWriter train, TokenStreamWriter val) {
            this.pool = pool;
            this.train = train;
            this.val = val;
        }

        void add(String text) throws IOException {
            chunk.add(text);
            chunkChars += text.length();
            if (chunkChars >= CHUNK_CHARS) {
                flushChunk();
            }
        }

        void flushChunk() throws IOException {
            if (chunk.isEmpty()) {
                return;
            }
            List<String> texts = chunk;
            chunk = new ArrayList<>();
            chunkChars = 0;
            inFlight.add(pool.submit(() -> texts.stream().map(Prepare.this::encode).toList()));
            writeWhileMoreThan(2 * Math.max(1, options.threads()));
        }

        void finish() throws IOException {
            flushChunk();
            writeWhileMoreThan(0);
        }

        private void writeWhileMoreThan(int inFlightLimit) throws IOException {
            while (inFlight.size() > inFlightLimit) {
                for (Encoded doc : await(inFlight.poll())) {
                    (doc.validation() ? val : train).document(doc.ids());
                }
            }
        }
    }

    private Encoded encode(String text) {
        return new Encoded(tokenizer.encode(text), isValidation(text, options.valFraction()));
    }

    /** The held-out rule of {@link CorpusMetadata#VAL_RULE}. */
    static boolean isValidation(String text, double fraction) {
        byte[] hash = Hashing.sha256().digest(text.getBytes(StandardCharsets.UTF_8));
        long head = 0;
        for (int i = 0; i < 8; i++) {
            head = (head << 8) | (hash[i] & 0xff);
        }
        // unsigned head / 2^64 < fraction
        double unit = (head >>> 11) * 0x1.0p-53;
        return unit < fraction;
    }

    private static <T> T await(Future<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reports raw bytes read to the progress bar. */
    private final class CountingStream extends FilterInputStream {
        private long position;

        CountingStream(InputStream in, long start) {
            super(in);
            this.position = start;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                position += n;
                progress.advanceTo(position);
            }
            return n;
        }
    }

}
