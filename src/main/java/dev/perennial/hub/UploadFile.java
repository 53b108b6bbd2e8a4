package dev.perennial.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** A file of a folder to upload: its path in the repository ('/'-separated), where it is here, and its size. */
public record UploadFile(String path, Path source, long size) {

    /** The first 512 bytes, from which the Hub tells text from binary (lfs.py, UploadInfo.from_path). */
    byte[] sample() {
        try (InputStream in = Files.newInputStream(source)) {
            return in.readNBytes(512);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole content in base64, as a regular file travels inside the commit (b64content, _commit_api.py). */
    String base64() {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(source));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
