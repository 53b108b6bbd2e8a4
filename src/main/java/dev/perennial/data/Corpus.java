package dev.perennial.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.perennial.UserError;
import dev.perennial.io.Hashing;
import dev.perennial.io.Json;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A prepared corpus folder, opened read-only: its metadata, and its train and validation token streams mapped
 * into memory. Opening checks that every file the metadata names is there with the right size, and its content
 * against the SHA-256 that metadata.json recorded (every file of a corpus up to {@link #FULL_CHECK_BYTES}; of a
 * larger one the index files and a sample of shards, with {@link #verify} for all), so a truncated, half-copied or
 * bit-flipped corpus is refused before training reads a token.
 */
public final class Corpus implements AutoCloseable {

    /** Corpora up to this size are checked in full on every open: SHA-256 reads about 1 GB/s on one core. */
    static final long FULL_CHECK_BYTES = 256L << 20;

    private final Path dir;
    private final CorpusMetadata metadata;
    private final Arena arena;
    private final TokenSplit train;
    private final TokenSplit val;

    private Corpus(Path dir, CorpusMetadata metadata, Arena arena, TokenSplit train, TokenSplit val) {
        this.dir = dir;
        this.metadata = metadata;
        this.arena = arena;
        this.train = train;
        this.val = val;
    }

    public static Corpus open(Path dir) {
        return open(dir, false);
    }

    /** Opens the corpus, checking the content of every file ({@code allFiles}) or of a large corpus's sample. */
    private static Corpus open(Path dir, boolean allFiles) {
        Path file = dir.resolve("metadata.json");
        if (!Files.isRegularFile(file)) {
            throw new UserError(dir + ": not a prepared corpus (no metadata.json); make one with 'perennial prepare'");
        }
        CorpusMetadata metadata;
        try {
            metadata = Json.MAPPER.readerFor(CorpusMetadata.class)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(file.toFile());
        } catch (IOException e) {
            throw new UserError(file + ": unreadable corpus metadata (" + e.getMessage().lines().findFirst().orElse("")
                    + "); prepare the corpus again", e);
        }
        if (!CorpusMetadata.FORMAT.equals(metadata.format())) {
            throw new UserError(file + ": format '" + metadata.format() + "' is not " + CorpusMetadata.FORMAT
                    + "; prepare the corpus again with this version");
        }
        Arena arena = Arena.ofShared();
        try {
            TokenSplit train = map(dir, metadata, metadata.train(), arena);
            TokenSplit val = map(dir, metadata, metadata.val(), arena);
            checkContent(dir, metadata, allFiles); // after the size checks, which name a missing file better
            return new Corpus(dir, metadata, arena, train, val);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Checks every file of the corpus in {@code dir} against its recorded SHA-256 (perennial prepare --verify). */
    public static CorpusMetadata verify(Path dir) {
        try (Corpus corpus = open(dir, true)) {
            if (corpus.metadata().fileSha256() == null) {
                throw new UserError(dir + ": prepared before file checksums were recorded, so only sizes can be "
                        + "checked; prepare it again to have its content verified");
            }
            return corpus.metadata();
        }
    }

    /** SHA-256 of each of the corpus's token and index files, as metadata.json records them. */
    static Map<String, String> checksums(Path dir, CorpusMetadata metadata) {
        Map<String, String> sums = new LinkedHashMap<>();
        metadata.files().forEach(file -> sums.put(file, Hashing.sha256(dir.resolve(file))));
        return sums;
    }

    /** The files' content against metadata.json's checksums: all of them, or a sample of a large corpus. */
    private static void checkContent(Path dir, CorpusMetadata metadata, boolean all) {
        if (metadata.fileSha256() == null) {
            return; // prepared before checksums were recorded: the size checks are all there is
        }
        List<String> files = metadata.files();
        long bytes = (metadata.train().tokens() + metadata.val().tokens()) * metadata.bytesPerToken();
        for (String file : all || bytes <= FULL_CHECK_BYTES ? files : sample(metadata)) {
            Path path = dir.resolve(file);
            String recorded = metadata.fileSha256().get(file);
            if (recorded == null || !recorded.equals(Hashing.sha256(path))) {
                throw new UserError(path + ": its content does not match the SHA-256 in metadata.json (damaged or "
                        + "changed since it was prepared); prepare the corpus again");
            }
        }
    }

    /** The index files, each split's first shard and one shard picked at random: repeated opens cover them all. */
    private static List<String> sample(CorpusMetadata metadata) {
        List<String> sample = new ArrayList<>();
        for (CorpusMetadata.Split split : List.of(metadata.train(), metadata.val())) {
            sample.add(split.index());
            if (!split.shards().isEmpty()) {
                sample.add(split.shards().getFirst().file());
                sample.add(split.shards().get(ThreadLocalRandom.current().nextInt(split.shards().size())).file());
            }
        }
        return sample.stream().distinct().toList();
    }

    private static TokenSplit map(Path dir, CorpusMetadata metadata, CorpusMetadata.Split split, Arena arena) {
        int width = metadata.bytesPerToken();
        List<MemorySegment> shards = new ArrayList<>();
        for (CorpusMetadata.Shard shard : split.shards()) {
            shards.add(mapChecked(dir.resolve(shard.file()), shard.tokens() * width, arena));
        }
        MemorySegment index = mapChecked(dir.resolve(split.index()), (split.documents() + 1) * 8, arena);
        TokenSplit tokens = new TokenSplit(shards, width, index);
        if (tokens.tokens() != split.tokens() || tokens.documentStart(split.documents()) != split.tokens()) {
            throw new UserError(dir.resolve(split.index()) + ": the document index does not match the token count; "
                    + "prepare the corpus again");
        }
        return tokens;
    }

    private static MemorySegment mapChecked(Path file, long expectedBytes, Arena arena) {
        try {
            long size = Files.size(file);
            if (size != expectedBytes) {
                throw new UserError(file + ": " + size + " bytes where metadata.json promises " + expectedBytes
                        + " (truncated or damaged); prepare the corpus again");
            }
            if (size == 0) {
                return MemorySegment.NULL;
            }
            try (FileChannel channel = FileChannel.open(file)) {
                return channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": missing from the corpus; prepare the corpus again", e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    public Path dir() {
        return dir;
    }

    public CorpusMetadata metadata() {
        return metadata;
    }

    /** A stable identity for the corpus's content: the SHA-256 of all its token bytes. */
    public String hash() {
        return metadata.contentHash();
    }

    public TokenSplit train() {
        return train;
    }

    public TokenSplit val() {
        return val;
    }

    @Override
    public void close() {
        arena.close();
    }
}
