package dev.perennial.tensor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Json;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The safetensors format (huggingface/safetensors, "Format"): an 8-byte little-endian header length, a JSON
 * header mapping names to {dtype, shape, data_offsets} (plus optional {@code __metadata__}), then the bytes.
 * Reading maps the file and validates the header before any tensor is made; writing pads the header to 8 bytes
 * and records {@code format: pt} as the Hugging Face writer does.
 */
public final class Safetensors {

    /** One tensor's header entry; offsets are relative to the start of the data region. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {

        public long numel() {
            return Arrays.stream(shape).reduce(1, Math::multiplyExact);
        }
    }

    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {
    }

    /** The validated header of {@code file}, in file order. */
    public static Map<String, Entry> header(Path file) {
        try (FileChannel channel = FileChannel.open(file)) {
            return header(file, channel);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file", e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static Map<String, Entry> header(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw corrupt(file, "is " + size + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(length, 0);
        long headerLength = length.flip().getLong();
        // the length is unsigned: a negative long is a length above 2^63, not "-1 bytes"
        if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
            throw corrupt(file, "declares a header of " + Long.toUnsignedString(headerLength) + " bytes in a file of "
                    + size + " (at most " + Math.min(MAX_HEADER, size - 8) + " possible)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        channel.read(headerBytes, 8);
        JsonNode json = headerJson(file, headerBytes.array());
        long dataLength = size - 8 - headerLength;
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("__metadata__")) {
                entries.add(entry(file, field.getKey(), field.getValue(), dataLength));
            }
        }
        checkLayout(file, entries, dataLength);
        Map<String, Entry> byName = new LinkedHashMap<>();
        entries.forEach(e -> byName.put(e.name(), e));
        return byName;
    }

    /**
     * The header's JSON object: one object, each name once, followed by nothing but the padding spaces (as the
     * reference reader asks; trailing bytes would otherwise hide a damaged or tampered header).
     */
    private static JsonNode headerJson(Path file, byte[] bytes) {
        try (JsonParser parser = Json.MAPPER.createParser(bytes)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonNode json = parser.readValueAsTree();
            if (json == null || !json.isObject()) {
                throw corrupt(file, "has a header that is not a JSON object");
            }
            long end = parser.currentLocation().getByteOffset();
            for (long i = end; i < bytes.length; i++) {
                if (!Character.isWhitespace(bytes[(int) i])) {
                    throw corrupt(file, "has " + (bytes.length - end) + " bytes after the header's JSON object, "
                            + "inside the declared header length (only padding spaces may follow it)");
                }
            }
            return json;
        } catch (StreamReadException e) {
            String problem = e.getOriginalMessage().lines().findFirst().orElse("");
            throw corrupt(file, problem.startsWith("Duplicate") ? "has a header that names a tensor twice ("
                    + problem + ")" : "has a header that is not JSON (" + problem + ")");
        } catch (IOException e) {
            throw corrupt(file, "has a header that is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataLength) {
        String dtypeName = node.path("dtype").asText("");
        DType dtype = DType.byName(dtypeName).orElseThrow(() -> corrupt(file, "tensor " + name + " has dtype '"
                + dtypeName + "', not one of " + Arrays.toString(DType.values())));
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2 || !isLong(offsets.get(0))
                || !isLong(offsets.get(1))) {
            throw corrupt(file, "tensor " + name + " lacks a shape list or a [begin, end] data_offsets pair");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (!isLong(shapeNode.get(i)) || shape[i] < 0) {
                throw corrupt(file, "tensor " + name + " has a bad shape " + shapeNode
                        + " (each size must be a whole number of at least 0)");
            }
        }
        Entry e = new Entry(name, dtype, shape, offsets.get(0).asLong(), offsets.get(1).asLong());
        if (e.begin() < 0 || e.end() < e.begin() || e.end() > dataLength) {
            throw corrupt(file, "tensor " + name + " lies at bytes [" + e.begin() + ", " + e.end() + ") outside the "
                    + dataLength + " data bytes (truncated file?)");
        }
        long needed = byteSize(file, e);
        if (e.end() - e.begin() != needed) {
            throw corrupt(file, "tensor " + name + " of shape " + Arrays.toString(shape) + " and dtype " + dtype
                    + " needs " + needed + " bytes but has " + (e.end() - e.begin()));
        }
        return e;
    }

    /** A whole number that fits a long: 2.5 and 1e30 are not sizes or offsets. */
    private static boolean isLong(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong();
    }

    private static long byteSize(Path file, Entry e) {
        try {
            return Math.multiplyExact(e.numel(), e.dtype().bytes());
        } catch (ArithmeticException overflow) {
            throw corrupt(file, "tensor " + e.name() + " has shape " + Arrays.toString(e.shape())
                    + ", more bytes than a file can hold");
        }
    }

    /** Byte ranges must not overlap, and together cover the data region exactly (as the reference reader asks). */
    private static void checkLayout(Path file, List<Entry> entries, long dataLength) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw corrupt(file, "tensor " + e.name() + " overlaps another tensor's bytes");
            }
            if (e.begin() > covered) {
                throw corrupt(file, "bytes [" + covered + ", " + e.begin() + ") belong to no tensor");
            }
            covered = e.end();
        }
        if (covered != dataLength) {
            throw corrupt(file, "has " + (dataLength - covered) + " bytes after the last tensor");
        }
    }

    private static UserError corrupt(Path file, String problem) {
        return new UserError(file + ": not a valid safetensors file: " + problem);
    }

    /**
     * Reads every tensor of {@code file} into libtorch tensors of their own memory (converted to {@code as} when
     * given): the bytes go from the mapped file straight into libtorch, with no Java copy.
     */
    public static Map<String, Tensor> read(Path file, torch.ScalarType as) {
        try (Arena arena = Arena.ofConfined()) {
            return tensors(file, as, arena, FileChannel.MapMode.READ_ONLY, false);
        }
    }

    /**
     * The tensors of {@code file}, made from a mapping in {@code arena}: copies of their own, or (with
     * {@code views}) tensors over a private copy-on-write mapping wherever the dtype is already {@code as}, so that
     * nothing is copied until a page is written, and the file never is.
     */
    private static Map<String, Tensor> tensors(Path file, torch.ScalarType as, Arena arena, FileChannel.MapMode mode,
                                               boolean views) {
        return tensors(file, as, arena, mode, views, bytes -> { });
    }

    /** As above, telling {@code made} each tensor's bytes once it is made. */
    private static Map<String, Tensor> tensors(Path file, torch.ScalarType as, Arena arena, FileChannel.MapMode mode,
                                               boolean views, LongConsumer made) {
        Map<String, Entry> entries = header(file);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (FileChannel channel = open(file, mode)) {
            if (channel == null) { // a read-only file cannot be mapped privately: copy instead
                return tensors(file, as, arena, FileChannel.MapMode.READ_ONLY, false, made);
            }
            MemorySegment mapped = channel.map(mode, 0, channel.size(), arena);
            long dataStart = 8 + mapped.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            for (Entry e : entries.values()) {
                MemorySegment bytes = mapped.asSlice(dataStart + e.begin(), e.end() - e.begin());
                Tensor view = torch.from_blob(pointerAt(bytes.address()), e.shape(),
                        new TensorOptions(e.dtype().scalarType()));
                boolean sameType = as == null || as.value == e.dtype().scalarType().value;
                boolean aligned = bytes.address() % e.dtype().bytes() == 0;
                if (views && sameType && aligned) {
                    tensors.put(e.name(), view);
                } else {
                    tensors.put(e.name(), sameType ? view.clone() : view.to(as));
                    view.close();
                }
                made.accept(e.end() - e.begin());
            }
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        return tensors;
    }

    /** Java maps privately only channels open for writing too (nothing is ever written); null if not allowed. */
    private static FileChannel open(Path file, FileChannel.MapMode mode) throws IOException {
        if (mode != FileChannel.MapMode.PRIVATE) {
            return FileChannel.open(file);
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            return null;
        }
    }

    /** Tensors over private mappings of a model folder's files; closing it unmaps them (close the tensors first). */
    public record Mapped(Map<String, Tensor> tensors, Arena arena) implements AutoCloseable {
        @Override
        public void close() {
            arena.close();
        }
    }

    /** A JavaCPP pointer to native memory that something else owns (here: the mapped file). */
    private static Pointer pointerAt(long at) {
        return new Pointer() {
            {
                address = at;
            }
        };
    }

    /**
     * Writes {@code tensors} to {@code file} atomically, with {@code format: pt} metadata; tensors on a GPU are copied
     * to the host first, so a model trained there saves the same file.
     */
    public static void write(Path file, Map<String, Tensor> tensors) {
        Map<String, Tensor> contiguous = new LinkedHashMap<>();
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            Tensor dense = t.getValue().detach().cpu().contiguous();
            contiguous.put(t.getKey(), dense);
            ObjectNode node = header.putObject(t.getKey());
            node.put("dtype", DType.of(dense.scalar_type()).name());
            var shape = node.putArray("shape");
            for (long d : dense.sizes().vec().get()) {
                shape.add(d);
            }
            long bytes = dense.nbytes();
            node.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        AtomicFiles.write(file, out -> {
            WritableByteChannel channel = Channels.newChannel(out);
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).flip());
            channel.write(ByteBuffer.wrap(headerBytes));
            for (Tensor dense : contiguous.values()) {
                if (dense.nbytes() > 0) {
                    channel.write(MemorySegment.ofAddress(dense.data_ptr().address()).reinterpret(dense.nbytes())
                            .asByteBuffer());
                }
            }
        });
    }

    /** The file names Hugging Face uses for a sharded checkpoint of {@code shards} files. */
    static String shardName(int index, int shards) {
        return shards == 1 ? "model.safetensors" : String.format("model-%05d-of-%05d.safetensors", index + 1, shards);
    }

    public static final String INDEX = "model.safetensors.index.json";

    /**
     * Writes a model's tensors into {@code dir}: one {@code model.safetensors}, or shards of at most
     * {@code maxShardBytes} (a tensor larger than that gets a shard of its own) with {@code model.safetensors.index.json}.
     */
    public static void writeSharded(Path dir, Map<String, Tensor> tensors, long maxShardBytes) {
        List<Map<String, Tensor>> shards = new ArrayList<>();
        Map<String, Tensor> current = new LinkedHashMap<>();
        long currentBytes = 0;
        long total = 0;
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            long bytes = t.getValue().nbytes();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(t.getKey(), t.getValue());
            currentBytes += bytes;
            total += bytes;
        }
        shards.add(current);
        ObjectNode index = Json.MAPPER.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String name = shardName(i, shards.size());
            write(dir.resolve(name), shards.get(i));
            shards.get(i).keySet().forEach(k -> weightMap.put(k, name));
        }
        try {
            if (shards.size() > 1) {
                byte[] json = Json.FILE.writeValueAsBytes(index);
                AtomicFiles.write(dir.resolve(INDEX), out -> out.write(json));
            } else {
                Files.deleteIfExists(dir.resolve(INDEX));
            }
        } catch (IOException e) {
            throw new UserError("could not write " + dir.resolve(INDEX) + ": " + e.getMessage(), e);
        }
    }

    /** Reads a model folder's tensors into memory of their own: {@code model.safetensors}, or its shards. */
    public static Map<String, Tensor> readFolder(Path dir, torch.ScalarType as) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<Path, List<String>> shard : shards(dir).entrySet()) {
            tensors.putAll(checked(dir, shard, read(shard.getKey(), as)));
        }
        return tensors;
    }

    /**
     * A model folder's tensors without copying: where a tensor's dtype is already {@code as}, it is a view of a
     * private (copy-on-write) mapping of its file; training may change it in place without touching the file.
     */
    public static Mapped mapFolder(Path dir, torch.ScalarType as) {
        return mapFolder(dir, as, bytes -> { });
    }

    /** {@link #mapFolder(Path, torch.ScalarType)}, telling {@code bytesDone} the tensor bytes made so far. */
    public static Mapped mapFolder(Path dir, torch.ScalarType as, LongConsumer bytesDone) {
        Arena arena = Arena.ofShared();
        try {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            long[] done = {0};
            LongConsumer adding = bytes -> bytesDone.accept(done[0] += bytes);
            for (Map.Entry<Path, List<String>> shard : shards(dir).entrySet()) {
                tensors.putAll(checked(dir, shard, tensors(shard.getKey(), as, arena, FileChannel.MapMode.PRIVATE,
                        true, adding)));
            }
            return new Mapped(tensors, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The bytes of a model folder's safetensors files together, read from their sizes without opening them. */
    public static long folderBytes(Path dir) {
        long total = 0;
        for (Path file : shards(dir).keySet()) {
            try {
                total += Files.size(file);
            } catch (NoSuchFileException e) {
                throw new UserError(file + ": no such file, though " + dir.resolve(INDEX) + " names it", e);
            } catch (IOException e) {
                throw new UserError(file + ": cannot be read (" + e.getMessage() + ")", e);
            }
        }
        return total;
    }

    /** The folder's safetensors files, each with the tensors its index places there (empty: whatever it holds). */
    private static Map<Path, List<String>> shards(Path dir) {
        Path index = dir.resolve(INDEX);
        if (!Files.isRegularFile(index)) {
            Path single = dir.resolve("model.safetensors");
            if (!Files.isRegularFile(single)) {
                throw new UserError(dir + ": no model.safetensors or " + INDEX + "; is this a Hugging Face model folder?");
            }
            return Map.of(single, List.of());
        }
        JsonNode weightMap;
        try {
            weightMap = Json.MAPPER.readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new UserError(index + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new UserError(index + ": no weight_map; the index is damaged");
        }
        Map<Path, List<String>> byFile = new LinkedHashMap<>();
        weightMap.fields().forEachRemaining(f -> byFile.computeIfAbsent(dir.resolve(f.getValue().asText()),
                k -> new ArrayList<>()).add(f.getKey()));
        return byFile;
    }

    private static Map<String, Tensor> checked(Path dir, Map.Entry<Path, List<String>> shard, Map<String, Tensor> read) {
        for (String name : shard.getValue()) {
            if (!read.containsKey(name)) {
                read.values().forEach(Tensor::close);
                throw new UserError(shard.getKey() + ": lacks tensor " + name + " that " + dir.resolve(INDEX)
                        + " places there");
            }
        }
        return read;
    }
}
