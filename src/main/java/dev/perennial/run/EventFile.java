package dev.perennial.run;

import dev.perennial.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * TensorBoard's event file in a run folder, written only here and fed the records of metrics.jsonl (which stays the
 * record): each {@link MetricsRecord} becomes one {@code Event} of scalar summaries at its step (see
 * {@link #scalars}). The format is TFRecord framing around {@code Event} protocol buffers (tensorflow/core/util/
 * event.proto, summary.proto; tensorflow/core/lib/io/record_writer.cc), encoded by hand so that no TensorFlow is
 * needed. A run opens it with the records metrics.jsonl already holds: the folder's event files are replaced by one
 * new file holding them, so a resumed run (whose metrics.jsonl was cut back to its checkpoint) shows every step once.
 */
public final class EventFile {

    /** The version TensorBoard expects in a file's first event. */
    static final String FILE_VERSION = "brain.Event:2";
    private static final int MASK_DELTA = 0xa282ead8;

    private EventFile() {
    }

    /**
     * Replaces {@code run}'s event files with a new one holding {@code history} (the records metrics.jsonl holds
     * now, stamped with the current time: metrics.jsonl keeps no wall clock), and opens it to append to.
     */
    public static Writer rewrite(RunFolder run, List<MetricsRecord> history) {
        Path file = run.newEventFile(System.currentTimeMillis() / 1000, hostname());
        double now = wallTime();
        AtomicFiles.write(file, out -> {
            out.write(framed(versionEvent(now)));
            for (MetricsRecord record : history) {
                out.write(framed(scalarEvent(now, record.step(), scalars(record))));
            }
        });
        run.eventFiles().stream().filter(f -> !f.equals(file)).forEach(AtomicFiles::deleteTree);
        return new Writer(file);
    }

    /**
     * The scalars TensorBoard shows for a record, by tag: a step's {@code train/loss}, {@code train/lr},
     * {@code train/grad_norm}, {@code train/tokens}, {@code train/tokens_per_s}, {@code train/skipped} (1 for a
     * non-finite step), {@code tokens/<corpus>} and {@code replay_tokens/<corpus>} (read so far in the stage) and
     * {@code replay/share} (replayed of all tokens read so far in the stage); an evaluation's {@code val/<corpus>},
     * {@code val_delta/<corpus>} (change since the stage began) and {@code tasks/<task>/<metric>}.
     */
    public static Map<String, Double> scalars(MetricsRecord record) {
        Map<String, Double> scalars = new LinkedHashMap<>();
        switch (record) {
            case MetricsRecord.Step s -> {
                scalars.put("train/loss", s.loss());
                scalars.put("train/lr", s.lr());
                scalars.put("train/grad_norm", s.gradNorm());
                scalars.put("train/tokens", (double) s.tokens());
                scalars.put("train/tokens_per_s", s.tokensPerS());
                scalars.put("train/skipped", s.skipped() ? 1.0 : 0.0);
                s.consumedTokens().forEach((corpus, tokens) -> scalars.put("tokens/" + corpus, (double) tokens));
                s.replayedTokens().forEach((corpus, tokens) -> scalars.put("replay_tokens/" + corpus, (double) tokens));
                long replayed = sum(s.replayedTokens());
                long read = replayed + sum(s.consumedTokens());
                scalars.put("replay/share", read == 0 ? 0.0 : replayed / (double) read);
            }
            case MetricsRecord.Eval e -> {
                e.valLoss().forEach((corpus, loss) -> scalars.put("val/" + corpus, loss));
                e.deltaSinceStageStart().forEach((corpus, delta) -> scalars.put("val_delta/" + corpus, delta));
                if (e.tasks() != null) {
                    e.tasks().forEach((task, metrics) -> metrics.forEach((metric, value) ->
                            scalars.put("tasks/" + task + "/" + metric, value)));
                }
            }
        }
        return scalars;
    }

    private static long sum(Map<String, Long> tokens) {
        return tokens.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Event { double wall_time = 1; string file_version = 3; } */
    static byte[] versionEvent(double wallTime) {
        return new ProtobufWriter().fixed64(1, wallTime).string(3, FILE_VERSION).toByteArray();
    }

    /**
     * Event { double wall_time = 1; int64 step = 2; Summary summary = 5; }, Summary { repeated Value value = 1; },
     * Value { string tag = 1; float simple_value = 2; }
     */
    static byte[] scalarEvent(double wallTime, long step, Map<String, Double> scalars) {
        ProtobufWriter summary = new ProtobufWriter();
        scalars.forEach((tag, value) -> summary.message(1,
                new ProtobufWriter().string(1, tag).fixed32(2, value.floatValue())));
        return new ProtobufWriter().fixed64(1, wallTime).varint(2, step).message(5, summary).toByteArray();
    }

    /** A TFRecord: uint64 length, uint32 masked CRC-32C of the length, the data, uint32 masked CRC-32C of the data. */
    static byte[] framed(byte[] data) {
        ByteBuffer record = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        record.putLong(data.length);
        record.putInt(maskedCrc(record.array(), 0, 8));
        record.put(data);
        record.putInt(maskedCrc(data, 0, data.length));
        return record.array();
    }

    /** CRC-32C, rotated right by 15 bits plus a constant (tensorflow/core/lib/hash/crc32c.h, Mask). */
    static int maskedCrc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }

    private static double wallTime() {
        return System.currentTimeMillis() / 1000.0;
    }

    /** This machine's name as TensorBoard's file names carry it, reduced to characters safe in a file name. */
    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The appending end of an event file: each record written as it comes (rebuilt from metrics.jsonl on resume). */
    public static final class Writer implements AutoCloseable {

        private final RecordAppend out;

        private Writer(Path file) {
            try {
                out = RecordAppend.rebuildable(file, Files.size(file));
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + e.getMessage(), e);
            }
        }

        public void write(MetricsRecord record) {
            out.write(framed(scalarEvent(wallTime(), record.step(), scalars(record))));
        }

        @Override
        public void close() {
            out.close();
        }
    }
}
