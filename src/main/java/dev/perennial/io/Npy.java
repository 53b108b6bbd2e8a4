package dev.perennial.io;

import dev.perennial.UserError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's .npy format (numpy.lib.format, versions 1-3) for float arrays: read little-endian float32 or float64 in C
 * order, written as version 1.0 little-endian float32, as np.save writes them.
 */
public final class Npy {

    /** An array: its shape and its values in C order. */
    public record Array(long[] shape, float[] values) {
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static Array read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read it (" + e.getMessage() + ")");
        }
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new UserError(file + ": not a .npy file (np.save writes one)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(in.getShort(8)) : in.getInt(8);
        int start = major == 1 ? 10 : 12;
        String header = new String(bytes, start, headerLength, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, file);
        if (!group(ORDER, header, file).equals("False")) {
            throw new UserError(file + ": the array is in Fortran order; save it in C order (np.ascontiguousarray)");
        }
        List<Long> dims = new ArrayList<>();
        for (String d : group(SHAPE, header, file).split(",")) {
            if (!d.isBlank()) {
                dims.add(Long.parseLong(d.strip()));
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        int count = Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b));
        int at = start + headerLength;
        float[] values = new float[count];
        switch (descr) {
            case "<f4" -> {
                check(file, bytes.length - at, 4L * count);
                for (int i = 0; i < count; i++) {
                    values[i] = in.getFloat(at + 4 * i);
                }
            }
            case "<f8" -> {
                check(file, bytes.length - at, 8L * count);
                for (int i = 0; i < count; i++) {
                    values[i] = (float) in.getDouble(at + 8 * i);
                }
            }
            default -> throw new UserError(file + ": the array's dtype is '" + descr + "'; save float32 or float64 "
                    + "(little-endian)");
        }
        return new Array(shape, values);
    }

    /** {@code values} (C order) of {@code shape} as a version 1.0 .npy of little-endian float32, written atomically. */
    public static void write(Path file, float[] values, long... shape) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String text = "{'descr': '<f4', 'fortran_order': False, 'shape': ("
                + (shape.length == 1 ? dims.toString().strip() : dims.substring(0, Math.max(0, dims.length() - 2)))
                + "), }";
        int padded = (text.length() + 11 + 63) / 64 * 64;
        String header = text + " ".repeat(padded - 10 - text.length() - 1) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (float v : values) {
            out.putFloat(v);
        }
        AtomicFiles.write(file, stream -> stream.write(out.array()));
    }

    private static String group(Pattern p, String header, Path file) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new UserError(file + ": the .npy header lacks " + p.pattern().split("'")[1]);
        }
        return m.group(1);
    }

    private static void check(Path file, long have, long need) {
        if (have < need) {
            throw new UserError(file + ": the .npy file is cut short (" + have + " bytes of data, " + need + " needed)");
        }
    }
}
