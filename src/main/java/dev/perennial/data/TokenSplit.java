package dev.perennial.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/** One split of a corpus as one long token stream over memory-mapped shards, with its document index. */
public final class TokenSplit {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final List<MemorySegment> shards;
    /** starts[i] is the stream position of shards[i]'s first token; starts[n] the total. */
    private final long[] starts;
    private final int width;
    private final MemorySegment index;

    TokenSplit(List<MemorySegment> shards, int width, MemorySegment index) {
        this.shards = List.copyOf(shards);
        this.width = width;
        this.index = index;
        this.starts = new long[shards.size() + 1];
        for (int i = 0; i < shards.size(); i++) {
            starts[i + 1] = starts[i] + shards.get(i).byteSize() / width;
        }
    }

    public long tokens() {
        return starts[starts.length - 1];
    }

    public long documents() {
        return index.byteSize() / 8 - 1;
    }

    /** Stream position of document {@code d}'s first token; {@code documentStart(documents())} is the end. */
    public long documentStart(long d) {
        return index.get(I64, d * 8);
    }

    /** Copies tokens {@code [from, from + length)} of the stream into {@code out[offset...]}. */
    public void read(long from, int[] out, int offset, int length) {
        if (from < 0 || from + length > tokens()) {
            throw new IndexOutOfBoundsException("tokens [" + from + ", " + (from + length) + ") of " + tokens());
        }
        int shard = shardOf(from);
        long position = from;
        int copied = 0;
        while (copied < length) {
            MemorySegment segment = shards.get(shard);
            long local = position - starts[shard];
            int n = (int) Math.min(length - copied, starts[shard + 1] - position);
            if (width == 2) {
                for (int i = 0; i < n; i++) {
                    out[offset + copied + i] = segment.get(U16, (local + i) * 2) & 0xffff;
                }
            } else {
                for (int i = 0; i < n; i++) {
                    out[offset + copied + i] = segment.get(U32, (local + i) * 4);
                }
            }
            copied += n;
            position += n;
            shard++;
        }
    }

    private int shardOf(long position) {
        int i = Arrays.binarySearch(starts, position);
        int shard = i >= 0 ? i : -i - 2;
        while (shard < shards.size() - 1 && starts[shard + 1] <= position) {
            shard++; // skip empty shards
        }
        return shard;
    }
}
