package dev.perennial.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The appending end of a run folder's record files (metrics.jsonl, the event file): each record is on disk before
 * {@link #write} returns, so a reader, or the run after a crash, sees whole records.
 */
final class DurableAppend implements AutoCloseable {

    private final FileChannel channel;

    private DurableAppend(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens {@code file} (created when missing) to append after its first {@code keep} bytes, dropping the rest. */
    static DurableAppend after(Path file, long keep) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.truncate(keep);
            channel.position(keep);
            return new DurableAppend(channel);
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
            channel.force(false);
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
