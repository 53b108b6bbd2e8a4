package dev.perennial.hub;

import dev.perennial.progress.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A request body of {@code length} bytes of a file from {@code offset} (the whole file, or one part of a multipart
 * LFS upload), streamed from disk with its Content-Length (storage such as S3 refuses chunked uploads), each byte
 * sent counted on a progress bar.
 */
final class FileSlice extends InputStream {

    private final InputStream in;
    private final Progress progress;
    /** Where in the file the next byte is read, and how many of the slice are left. */
    private long position;
    private long left;

    private FileSlice(InputStream in, long position, long length, Progress progress) {
        this.in = in;
        this.position = position;
        this.left = length;
        this.progress = progress;
    }

    static HttpRequest.BodyPublisher body(Path file, long offset, long length, Progress progress) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
                return new FileSlice(Channels.newInputStream(channel), offset, length, progress);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), length);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int from, int count) throws IOException {
        if (left <= 0) {
            return -1;
        }
        int n = in.read(buffer, from, (int) Math.min(count, left));
        if (n > 0) {
            left -= n;
            position += n;
            progress.advanceTo(position);
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
