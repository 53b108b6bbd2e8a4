package dev.perennial;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /** A gzipped raw array of little-endian float32, as numpy's {@code astype("<f4").tobytes()} writes it. */
    public static float[] floats(Path file) {
        ByteBuffer b = ByteBuffer.wrap(gunzip(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / Float.BYTES];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** A gzipped raw array of little-endian float64. */
    public static double[] doubles(Path file) {
        ByteBuffer b = ByteBuffer.wrap(gunzip(file)).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[b.remaining() / Double.BYTES];
        b.asDoubleBuffer().get(out);
        return out;
    }
}
