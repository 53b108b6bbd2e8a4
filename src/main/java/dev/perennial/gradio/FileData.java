package dev.perennial.gradio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Gradio's reference to a file in an input ({@code gradio/data_classes.py} FileData, recognised by the clients by
 * {@code meta._type = "gradio.FileData"}): of what a client sends only the server path that the upload answered is
 * used, and only to look the file up in the {@link FileStore}.
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
}
