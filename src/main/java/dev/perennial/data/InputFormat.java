package dev.perennial.data;

import com.github.luben.zstd.ZstdInputStream;
import dev.perennial.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The input formats {@code prepare} reads, by file extension; .txt and .jsonl may be compressed. */
public enum InputFormat {
    TEXT, JSON_LINES, PARQUET;

    public static List<String> extensions() {
        return List.of(".txt", ".jsonl", ".txt.gz", ".jsonl.gz", ".txt.zst", ".jsonl.zst", ".parquet");
    }

    public static boolean isSupported(Path file) {
        String name = file.getFileName().toString();
        return extensions().stream().anyMatch(name::endsWith);
    }

    public static InputFormat of(Path file) {
        String name = uncompressedName(file);
        if (name.endsWith(".txt")) {
            return TEXT;
        }
        if (name.endsWith(".jsonl")) {
            return JSON_LINES;
        }
        if (name.endsWith(".parquet")) {
            return PARQUET;
        }
        throw new UserError(file + ": unsupported input; Perennial reads " + String.join(", ", extensions()));
    }

    /** The bytes of {@code raw} as the file's compression (by extension) decodes them. */
    public static InputStream decompress(Path file, InputStream raw) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".gz")) {
            return new GZIPInputStream(raw, 1 << 16);
        }
        if (name.endsWith(".zst")) {
            return new ZstdInputStream(raw);
        }
        return raw;
    }

    private static String uncompressedName(Path file) {
        return file.getFileName().toString().replaceFirst("\\.(gz|zst)$", "");
    }
}
