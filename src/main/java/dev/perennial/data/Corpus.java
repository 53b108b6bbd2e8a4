package dev.perennial.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A prepared corpus folder, opened read-only: its metadata, and its train and validation token streams mapped
 * into memory. Opening checks that every file the metadata names is there with the right size, so a truncated or
 * half-copied corpus is refused before training reads a token.
 */
public final class Corpus implements AutoCloseable {

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
            return new Corpus(dir, metadata, arena, train, val);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
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
