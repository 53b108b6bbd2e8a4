package dev.perennial.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

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

    /**
     * git's blob id of the content, SHA-1 of "blob SIZE\0" and the bytes, which the Hub's preupload gives for a
     * regular file already there (_local_oid, _commit_api.py; utils/sha.py git_hash).
     */
    String gitOid() {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
            sha1.update(Files.readAllBytes(source));
            return HexFormat.of().formatHex(sha1.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
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
