package dev.perennial.hub;

import dev.perennial.UserError;
import dev.perennial.progress.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Brings one file's bytes into its {@code .incomplete} file, as huggingface_hub's {@code http_get} does: each try
 * asks for the bytes not yet there with a Range request, and a transfer that breaks off (the connection drops, the
 * host cannot be reached) is tried again after a growing wait, up to the configured number of retries.
 */
final class ResumingTransfer {

    private final HubClient client;
    private final DownloadRetries retries;

    ResumingTransfer(HubClient client) {
        this.client = client;
        this.retries = client.settings().retries();
    }

    /** The network broke off a try; the bytes received so far are in the {@code .incomplete} file. */
    private static final class BrokenOff extends Exception {
        BrokenOff(Throwable cause) {
            super(cause);
        }
    }

    /**
     * Fills {@code incomplete} with the file's bytes ({@code size} of them, or -1 when unknown), or fails with a
     * one-line error once the retries are spent.
     */
    void into(Path incomplete, String repo, String revision, String file, long size, Progress progress)
            throws IOException {
        for (int retry = 0; ; retry++) {
            try {
                tryOnce(incomplete, repo, revision, file, size, progress);
                return;
            } catch (BrokenOff broken) {
                if (retry >= retries.retries()) {
                    throw givenUp(incomplete, repo, file, broken);
                }
                pause(retries.waitBefore(retry + 1));
            }
        }
    }

    private void tryOnce(Path incomplete, String repo, String revision, String file, long size, Progress progress)
            throws IOException, BrokenOff {
        long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
        if (have > 0 && have == size) {
            return; // all there already; a Range request past the end would get 416, so huggingface_hub skips it too
        }
        HttpResponse<InputStream> response;
        try {
            response = client.download(repo, revision, file, have);
        } catch (HubUnreachable e) {
            throw new BrokenOff(e.getCause());
        }
        // A server that ignores Range answers 200 with the whole file: write it from the start, never append it.
        boolean resumed = have > 0 && response.statusCode() == 206;
        long done = resumed ? have : 0;
        try (InputStream in = response.body();
             OutputStream out = Files.newOutputStream(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = read(in, buffer)) > 0; ) {
                out.write(buffer, 0, n);
                done += n;
                progress.advanceTo(done);
            }
        }
    }

    /** A read from the network; its failure is a broken transfer, unlike a failure to write the cache. */
    private static int read(InputStream in, byte[] buffer) throws BrokenOff {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw new BrokenOff(e);
        }
    }

    private UserError givenUp(Path incomplete, String repo, String file, BrokenOff broken) throws IOException {
        long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
        String cause = String.valueOf(broken.getCause()).replaceAll("\\s+", " ");
        return new UserError(repo + "/" + file + ": the transfer broke off at " + have + " bytes, " + retries.retries()
                + " retries spent (" + cause + "); check the network and run the download again to resume it, or "
                + "raise PERENNIAL_HUB_DOWNLOAD_RETRIES", broken.getCause());
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while waiting to retry a download", e);
        }
    }
}
