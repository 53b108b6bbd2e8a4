package dev.perennial.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Hashing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The files the Gradio API accepted (uploads) and wrote (outputs) and will hand out by reference: each in a folder
 * of its own under one private root (an upload's with a random name, an output's named by its content's hash, so
 * the same output is stored once), deleted when the server stops. A path from a request is honoured only when it
 * resolves, symbolic links followed, to a file under that root; nothing else on the machine can be named.
 */
public final class FileStore implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;

    public FileStore() {
        try {
            this.root = Files.createTempDirectory("perennial-gradio").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("could not make a folder for uploaded files: " + e.getMessage(), e);
        }
    }

    /** Stores an upload under its (cleaned) original name; its server path, which clients send back as FileData. */
    String save(String originalName, InputStream content) {
        Path dir = root.resolve(randomId());
        Path file = dir.resolve(cleanName(originalName));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.write(file, content::transferTo);
        return file.toString();
    }

    /**
     * Stores a file the server itself provides (an app's example image) under {@code name}; its FileData, which
     * the app's config then offers and GET file=PATH serves like any upload.
     */
    public JsonNode provide(String name, byte[] content) {
        String path = save(name, new ByteArrayInputStream(content));
        return FileData.json(path, name, content.length, mimeType(Path.of(path)));
    }

    /** Copies a file an app returns (an output) into this store; its server path, which outputs name as FileData. */
    String publish(Path source) {
        return publish(Hashing.sha256(source), source.getFileName().toString(), out -> Files.copy(source, out));
    }

    /** Stores bytes an app made (a synthesized recording) as output file {@code name}; its server path. */
    String publish(String name, byte[] content) {
        return publish(Hashing.sha256(content), name, out -> out.write(content));
    }

    /** An output stored once per content, in a folder named by its hash. */
    private String publish(String sha256, String name, AtomicFiles.Writer content) {
        Path file = root.resolve("out-" + sha256.substring(0, 32)).resolve(cleanName(name));
        if (!Files.isRegularFile(file)) {
            try {
                Files.createDirectories(file.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            AtomicFiles.write(file, content);
        }
        return file.toString();
    }

    /** The stored file that {@code path} names, or a refusal (403 outside this store, 404 when gone). */
    Path resolve(String path) {
        Path real;
        try {
            Path given = Path.of(path);
            if (!given.isAbsolute()) {
                throw new HttpRefusal(403, "File not allowed: " + path);
            }
            real = given.normalize().toRealPath();
        } catch (java.nio.file.InvalidPathException e) {
            throw new HttpRefusal(403, "File not allowed: " + path);
        } catch (IOException e) {
            if (Path.of(path).normalize().startsWith(root)) {
                throw new HttpRefusal(404, "File not found: " + path);
            }
            throw new HttpRefusal(403, "File not allowed: " + path);
        }
        if (!real.startsWith(root) || !Files.isRegularFile(real)) {
            throw new HttpRefusal(403, "File not allowed: " + path);
        }
        return real;
    }

    static String mimeType(Path file) {
        String guessed = URLConnection.guessContentTypeFromName(file.getFileName().toString());
        return guessed == null ? "application/octet-stream" : guessed;
    }

    /** 32 random hex digits: the name of an upload's folder, an event's id. */
    static String randomId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The last part of a client's file name, without characters that could leave the folder or hide the file. */
    private static String cleanName(String name) {
        String base = name == null ? "" : name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        base = base.replaceAll("[^A-Za-z0-9._ -]", "_").replaceAll("^\\.+", "");
        return base.isBlank() ? "upload" : base.length() > 100 ? base.substring(base.length() - 100) : base;
    }

    @Override
    public void close() {
        AtomicFiles.deleteTree(root);
    }
}
