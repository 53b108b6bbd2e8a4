package dev.perennial.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock on one blob while it is downloaded, on the file {@code .locks/models--ORG--NAME/ETAG.lock} as
 * huggingface_hub's cache has it, so that two downloads of one file, by Perennial or by huggingface_hub, take turns.
 * It is a {@link FileChannel} lock, which the operating system releases when a process dies. Such locks belong to
 * the whole JVM (a second {@code lock()} in the same JVM fails instead of waiting), so threads of this process first
 * queue on an in-process lock per file.
 */
final class BlobLock implements AutoCloseable {

    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock inProcess;
    private final FileChannel channel;

    private BlobLock(ReentrantLock inProcess, FileChannel channel) {
        this.inProcess = inProcess;
        this.channel = channel;
    }

    /** Waits until no other thread or process holds the lock on {@code file}, then holds it. */
    static BlobLock acquire(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        inProcess.lock();
        try {
            Files.createDirectories(key.getParent());
            FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                channel.lock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            return new BlobLock(inProcess, channel);
        } catch (IOException | RuntimeException e) {
            inProcess.unlock();
            throw e;
        }
    }

    /** Releases the file lock (by closing its channel) and then the in-process one. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            inProcess.unlock();
        }
    }
}
