package dev.perennial;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reading the fixtures that tools/reference/*.py write: an index.json and gzipped raw arrays beside it. */
public final class ReferenceFiles {

    private ReferenceFiles() {
    }

    /** {@code dir}/index.json. */
    public static JsonNode index(Path dir) {
        try {
            return Json.MAPPER.readTree(dir.resolve("index.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of a gzipped file. */
    public static byte[] gunzip(Path file) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
