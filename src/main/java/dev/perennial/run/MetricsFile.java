package dev.perennial.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * metrics.jsonl, written and read only here: one {@link MetricsRecord} per line, written and flushed line by
 * line so that a reader (the web app, the experiment report, a script) always sees whole lines. A resumed run
 * first cuts the file back to what its checkpoint had seen; a reader follows the file by byte offset, so a live
 * run is tailed without re-reading it.
 */
public final class MetricsFile {

    private static final ObjectWriter LINE = Json.LINE.forType(MetricsRecord.class);
    private static final ObjectReader READER = Json.MAPPER.readerFor(MetricsRecord.class);

    /**
     * Records read from {@code from} to the last whole line, the offset to continue from, whether the file had been
     * cut back since (then the records are read from its start), and the byte offsets of lines that are not
     * metrics records (damaged by hand or by a disk): those are skipped, so one bad line costs only itself.
     */
    public record Chunk(List<MetricsRecord> records, long next, boolean reset, List<Long> unreadableAt) {
    }

    private MetricsFile() {
    }

    /**
     * Opens {@code file} for appending after its first {@code keepBytes} bytes (what the checkpoint to resume from
     * had seen), dropping the rest; a missing file starts empty, and one shorter than that is refused.
     */
    public static Writer append(Path file, long keepBytes) {
        return new Writer(file, keepBytes);
    }

    /** Every record of {@code file}, and where its unreadable lines are. */
    public static Chunk readAll(Path file) {
        return read(file, 0);
    }

    /** Whole lines from byte {@code from}; when the file is now shorter (a resumed run cut it back), from 0. */
    public static Chunk read(Path file, long from) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            boolean reset = length < from;
            long start = reset ? 0 : from;
            byte[] bytes = new byte[Math.toIntExact(length - start)];
            in.seek(start);
            in.readFully(bytes);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--; // a line still being written waits for the next read
            }
            List<MetricsRecord> records = new ArrayList<>();
            List<Long> unreadable = new ArrayList<>();
            int lineStart = 0;
            for (int i = 0; i < end; i++) {
                if (bytes[i] == '\n') {
                    String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
                    if (!line.isBlank()) {
                        Optional<MetricsRecord> record = parse(line);
                        if (record.isPresent()) {
                            records.add(record.get());
                        } else {
                            unreadable.add(start + lineStart);
                        }
                    }
                    lineStart = i + 1;
                }
            }
            return new Chunk(records, start + end, reset, unreadable);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<MetricsRecord> parse(String line) {
        try {
            return Optional.of(READER.readValue(line));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A record as the JSON tree of its line, for answers that pass records on (the web API). */
    public static JsonNode tree(MetricsRecord record) {
        try {
            return Json.MAPPER.readTree(LINE.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The appending end of metrics.jsonl; {@link #bytes()} is what a checkpoint records to cut back to. */
    public static final class Writer implements AutoCloseable {

        private final RecordAppend out;

        private Writer(Path file, long keepBytes) {
            try {
                // a file moved aside starts again from nothing; one cut short cannot be continued without a hole
                long keep = Files.exists(file) ? keepBytes : 0;
                if (Files.exists(file) && Files.size(file) < keepBytes) {
                    throw new UserError(file + " holds " + Files.size(file) + " bytes, but the checkpoint to resume "
                            + "from was written after " + keepBytes + ": it was cut short or replaced since. Restore "
                            + "it, or move it aside to resume with a new metrics file");
                }
                out = RecordAppend.durable(file, keep);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void write(MetricsRecord record) {
            try {
                out.write((LINE.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a metrics record did not serialise", e);
            }
        }

        public long bytes() {
            return out.position();
        }

        @Override
        public void close() {
            out.close();
        }
    }
}
