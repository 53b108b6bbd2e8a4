package dev.perennial.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The appending end of a run folder's record files. Each record is written whole before {@link #write} returns, so a
 * reader sees whole records; a durable file's (metrics.jsonl, the record a resumed run starts from) is also forced
 * to disk, so the run after a crash sees them too. A rebuildable file (the event file, written again from
 * metrics.jsonl when a run resumes) is not forced: a second sync per training step would buy nothing.
 */
final class RecordAppend implements AutoCloseable {

    private final FileChannel channel;
    private final boolean durable;

    private RecordAppend(FileChannel channel, boolean durable) {
        this.channel = channel;
        this.durable = durable;
    }

    /** Opens {@code file} (created when missing) to append after its first {@code keep} bytes, dropping the rest. */
    static RecordAppend durable(Path file, long keep) {
        return open(file, keep, true);
    }

    /** As {@link #durable}, for a file rebuilt from a durable one after a crash: records are not forced to disk. */
    static RecordAppend rebuildable(Path file, long keep) {
        return open(file, keep, false);
    }

    private static RecordAppend open(Path file, long keep, boolean durable) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.truncate(keep);
            channel.position(keep);
            return new RecordAppend(channel, durable);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    void write(byte[] record) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(record);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (durable) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes the file holds. */
    long position() {
        try {
            return channel.position();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
