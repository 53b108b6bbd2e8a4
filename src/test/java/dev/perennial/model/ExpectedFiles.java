package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;
import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What the references' expected.safetensors files hold besides tensors, and their integer tensors as Java arrays. */
public final class ExpectedFiles {

    private ExpectedFiles() {
    }

    /** A JSON list of strings stored under {@code key} in the file's __metadata__. */
    public static List<String> metadataList(Path file, String key) throws Exception {
        return Arrays.asList(Json.MAPPER.treeToValue(metadata(file, key), String[].class));
    }

    /** The JSON text stored under {@code key} in the file's __metadata__, parsed. */
    public static JsonNode metadata(Path file, String key) throws Exception {
        return Json.MAPPER.readTree(metadataText(file, key));
    }

    /** The string stored under {@code key} in the file's __metadata__, as it is. */
    public static String metadataText(Path file, String key) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        long length = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = Json.MAPPER.readTree(new String(bytes, 8, (int) length, StandardCharsets.UTF_8));
        return header.path("__metadata__").path(key).asText();
    }

    /** An integer-valued tensor's values, row-major. */
    public static long[] longs(Tensor t) {
        float[] values = Tensors.toFloats(t.to(torch.ScalarType.Float).contiguous());
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (long) values[i];
        }
        return out;
    }
}
