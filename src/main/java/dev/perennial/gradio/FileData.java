package dev.perennial.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;

/**
 * Gradio's reference to a file ({@code gradio/data_classes.py} FileData): the server's path, the URL it is served
 * at, its size, original name and MIME type, and {@code meta._type = "gradio.FileData"}, which is how both clients
 * recognise a file in inputs and outputs.
 */
public record FileData(String path, String url, Long size, String origName, String mimeType) {

    static final String TYPE = "gradio.FileData";

    /** The reference in an input: its {@code path} (the rest is the client's and not trusted). */
    static FileData read(JsonNode value, String field) {
        JsonNode path = value == null ? null : value.get("path");
        if (path == null || !path.isTextual() || path.asText().isBlank()) {
            throw new GradioError(field + ": expected a file (FileData with the \"path\" that POST "
                    + "/gradio_api/upload answered); upload the file first");
        }
        return new FileData(path.asText(), null, null, textOrNull(value.get("orig_name")), null);
    }

    ObjectNode json() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("path", path);
        out.put("url", url);
        out.put("size", size);
        out.put("orig_name", origName);
        out.put("mime_type", mimeType);
        out.put("is_stream", false);
        out.putObject("meta").put("_type", TYPE);
        return out;
    }

    private static String textOrNull(JsonNode node) {
        return node == null || !node.isTextual() ? null : node.asText();
    }
}
