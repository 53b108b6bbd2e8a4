package dev.perennial.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gradio's reference to a file in an input ({@code gradio/data_classes.py} FileData, recognised by the clients by
 * {@code meta._type = "gradio.FileData"}): of what a client sends only the server path that the upload answered is
 * used, and only to look the file up in the {@link FileStore}; an output names a file of the store with all of
 * FileData's fields, its {@code url} being {@code ROOT/gradio_api/file=PATH} as Gradio's
 * {@code processing_utils.add_root_url} makes it.
 */
record FileData(String path) {

    static final String TYPE = "gradio.FileData";

    /** The reference that input {@code value} holds, or an error naming {@code field}. */
    static FileData read(JsonNode value, String field) {
        JsonNode path = value == null ? null : value.get("path");
        if (path == null || !path.isTextual() || path.asText().isBlank()) {
            throw new GradioError(field + ": expected a file (FileData with the \"path\" that POST "
                    + "/gradio_api/upload answered); upload the file first");
        }
        return new FileData(path.asText());
    }

    /** The FileData value of a file this server stored, as outputs and examples carry it. */
    static ObjectNode json(String path, String originalName, long size, String mimeType) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("path", path);
        out.putNull("url");
        out.put("size", size);
        out.put("orig_name", originalName);
        out.put("mime_type", mimeType);
        out.put("is_stream", false);
        out.putObject("meta").put("_type", TYPE);
        return out;
    }

    /** Whether {@code value} is a FileData (its {@code meta._type}). */
    static boolean is(JsonNode value) {
        return value != null && value.path("meta").path("_type").asText().equals(TYPE);
    }

    /** The same FileData with the URL that a client at {@code root} fetches it from (GET file=PATH). */
    static ObjectNode withUrl(JsonNode value, String root) {
        ObjectNode out = value.deepCopy();
        out.put("url", root + GradioRoutes.API_PREFIX + "/file=" + value.path("path").asText());
        return out;
    }

    /** The FileData of an output: stored file {@code file}, downloadable from the app at {@code appRoot}. */
    static ObjectNode output(Path file, String appRoot) {
        try {
            return withUrl(json(file.toString(), file.getFileName().toString(), Files.size(file),
                    FileStore.mimeType(file)), appRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
