package dev.perennial.hub;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of a commit to the Hub: newline-delimited JSON, a header line with the message, then one line per file,
 * a regular file with its content in base64, an LFS file by its SHA-256 and size (_prepare_commit_payload,
 * _commit_api.py).
 */
final class CommitPayload {

    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();

    CommitPayload(String summary) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("summary", summary);
        header.put("description", "");
        line("header", header);
    }

    CommitPayload regular(UploadFile file) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("content", file.base64());
        value.put("path", file.path());
        value.put("encoding", "base64");
        return line("file", value);
    }

    CommitPayload lfs(UploadFile file, String sha256) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("path", file.path());
        value.put("algo", "sha256");
        value.put("oid", sha256);
        value.put("size", file.size());
        return line("lfsFile", value);
    }

    byte[] bytes() {
        return lines.toByteArray();
    }

    private CommitPayload line(String key, Map<String, Object> value) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("key", key);
        item.put("value", value);
        lines.writeBytes(HubWrites.json(item));
        lines.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
        return this;
    }
}
