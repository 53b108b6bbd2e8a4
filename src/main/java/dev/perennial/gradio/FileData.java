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

    /** The reference that input {@code value} holds, or an error naming {@code field}. */
    static FileData read(JsonNode value, String field) {
        JsonNode path = value == null ? null : value.get("path");
        if (path == null || !path.isTextual() || path.asText().isBlank()) {
            throw new GradioError(field + ": expected a file (FileData with the \"path\" that POST "
                    + "/gradio_api/upload answered); upload the file first");
        }
        return new FileData(path.asText());
    }

    /** The FileData of an output: stored file {@code file}, downloadable from the app at {@code appRoot}. */
    static ObjectNode output(Path file, String appRoot) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("path", file.toString());
        out.put("url", appRoot + GradioRoutes.API_PREFIX + "/file=" + file);
        try {
            out.put("size", Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.put("orig_name", file.getFileName().toString());
        out.put("mime_type", FileStore.mimeType(file));
        out.put("is_stream", false);
        out.putObject("meta").put("_type", "gradio.FileData");
        return out;
    }
}
