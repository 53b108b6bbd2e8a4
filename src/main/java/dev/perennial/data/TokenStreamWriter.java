package dev.perennial.data;

import dev.perennial.io.Hashing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one split of a corpus: little-endian uint16 or uint32 tokens in shards of at most {@code shardTokens},
 * an end-of-text token after every document, and the document index (int64 start offsets, plus the end).
 */
final class TokenStreamWriter implements AutoCloseable {

    private final Path dir;
    private final String split;
    private final int width;
    private final long shardTokens;
    private final int eosId;
    private final MessageDigest digest;
    private final List<CorpusMetadata.Shard> shards = new ArrayList<>();
    private final OutputStream index;
    private final ByteBuffer buffer;
    private OutputStream shard;
    private long shardCount;
    private long tokens;
    private long documents;

    TokenStreamWriter(Path dir, String split, int width, long shardTokens, int eosId) throws IOException {
        this.dir = dir;
        this.split = split;
        this.width = width;
        this.shardTokens = shardTokens;
        this.eosId = eosId;
        this.digest = Hashing.sha256();
        this.buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        this.index = new BufferedOutputStream(Files.newOutputStream(dir.resolve(indexFile())), 1 << 16);
        writeLong(index, 0);
    }

    String indexFile() {
        return split + ".idx";
    }

    void document(int[] ids) throws IOException {
        for (int id : ids) {
            token(id);
        }
        token(eosId);
        documents++;
        writeLong(index, tokens);
    }

    private void token(int id) throws IOException {
        if (shard == null || shardCount == shardTokens) {
            startShard();
        }
        if (buffer.remaining() < width) {
            drain();
        }
        if (width == 2) {
            buffer.putShort((short) id);
        } else {
            buffer.putInt(id);
        }
        shardCount++;
        tokens++;
    }

    private void startShard() throws IOException {
        if (shard != null) {
            finishShard();
        }
        String name = String.format("%s-%05d.bin", split, shards.size());
        shard = new BufferedOutputStream(Files.newOutputStream(dir.resolve(name)), 1 << 20);
        shards.add(new CorpusMetadata.Shard(name, 0));
        shardCount = 0;
    }

    private void finishShard() throws IOException {
        drain();
        shard.close();
        CorpusMetadata.Shard last = shards.removeLast();
        shards.add(new CorpusMetadata.Shard(last.file(), shardCount));
    }

    private void drain() throws IOException {
        buffer.flip();
        digest.update(buffer.array(), 0, buffer.limit());
        shard.write(buffer.array(), 0, buffer.limit());
        buffer.clear();
    }

    /** SHA-256 of the split's token bytes; call after {@link #close()}. */
    byte[] contentDigest() {
        return digest.digest();
    }

    CorpusMetadata.Split split() {
        return new CorpusMetadata.Split(documents, tokens, List.copyOf(shards), indexFile());
    }

    @Override
    public void close() throws IOException {
        if (shard != null) {
            finishShard();
            shard = null;
        }
        index.close();
    }

    private static void writeLong(OutputStream out, long value) throws IOException {
        byte[] bytes = new byte[8];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        out.write(bytes);
    }
}
