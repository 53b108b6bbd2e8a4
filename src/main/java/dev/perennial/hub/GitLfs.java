package dev.perennial.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.progress.Progress;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Large files into the Hub's LFS storage as huggingface_hub's lfs.py sends them: the Git LFS batch API
 * (https://github.com/git-lfs/git-lfs/blob/main/docs/api/batch.md) tells, per object, whether the Hub has it already
 * (no actions) or where to PUT it: in one request ("basic"), or in parts when the upload action's header carries
 * chunk_size (the Hub's "multipart": one URL per part, then a completion POST with each part's ETag); then the
 * verify action, if any. The token goes to the Hub's own host only: never to the storage URLs (lfs.py sends
 * none to them).
 */
final class GitLfs {

    /** lfs.py's LFS_HEADERS. */
    static final Map<String, String> HEADERS = Map.of("Accept", "application/vnd.git-lfs+json",
            "Content-Type", "application/vnd.git-lfs+json");

    /** How many objects one batch request lists (UPLOAD_BATCH_MAX_NUM_FILES, _commit_api.py). */
    static final int BATCH = 256;

    private static final String HF_ENDPOINT = "https://huggingface.co";

    /** A file to store by its SHA-256. */
    record LfsObject(UploadFile file, String oid) {
    }

    private final HubClient client;
    private final boolean showProgress;

    GitLfs(HubClient client, boolean showProgress) {
        this.client = client;
        this.showProgress = showProgress;
    }

    /** Stores the objects the Hub lacks and returns how many were sent. */
    int upload(String repo, String revision, List<LfsObject> objects) {
        int sent = 0;
        for (int from = 0; from < objects.size(); from += BATCH) {
            List<LfsObject> chunk = objects.subList(from, Math.min(objects.size(), from + BATCH));
            Map<String, LfsObject> byOid = new LinkedHashMap<>();
            chunk.forEach(o -> byOid.putIfAbsent(o.oid(), o));
            for (JsonNode answer : batch(repo, revision, byOid.values())) {
                LfsObject object = byOid.get(answer.path("oid").asText());
                if (object == null) {
                    throw new UserError(repo + ": the LFS batch answer names an object not asked for ("
                            + answer.path("oid").asText() + ")");
                }
                JsonNode upload = answer.path("actions").path("upload");
                if (!upload.isMissingNode()) {
                    transfer(object, upload);
                    verify(repo, object, answer.path("actions").path("verify"));
                    sent++;
                }
            }
        }
        return sent;
    }

    /**
     * POST {endpoint}/REPO.git/info/lfs/objects/batch (post_lfs_batch_info, lfs.py). The ref is the revision's
     * plain name, as lfs.py sends it ({"name": unquote(revision)}).
     */
    private List<JsonNode> batch(String repo, String revision, Iterable<LfsObject> objects) {
        List<Map<String, Object>> asked = new ArrayList<>();
        objects.forEach(o -> asked.add(Map.of("oid", o.oid(), "size", o.file().size())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("operation", "upload");
        body.put("transfers", List.of("basic", "multipart"));
        body.put("objects", asked);
        body.put("hash_algo", "sha256");
        body.put("ref", Map.of("name", revision));
        HttpResponse<InputStream> response = client.exchange("POST", client.settings().endpoint() + "/" + repo
                + ".git/info/lfs/objects/batch", HEADERS, HttpRequest.BodyPublishers.ofByteArray(HubWrites.json(body)),
                true, client.settings().timeout());
        HubWrites.check(response, repo);
        JsonNode answer = HubClient.json(response, repo);
        List<String> errors = new ArrayList<>();
        List<JsonNode> actions = new ArrayList<>();
        for (JsonNode object : answer.path("objects")) {
            if (object.has("error")) {
                errors.add(object.path("oid").asText() + ": " + object.path("error").path("message").asText()
                        + " (" + object.path("error").path("code").asText() + ")");
            } else {
                actions.add(object);
            }
        }
        if (!errors.isEmpty()) {
            throw new UserError(errors.stream().map(e -> repo + ": the LFS batch API refused object " + e).toList(),
                    null);
        }
        return actions;
    }

    private void transfer(LfsObject object, JsonNode upload) {
        Map<String, String> header = strings(upload.path("header"));
        String href = href(upload);
        Progress progress = showProgress ? Progress.console(object.file().path(), "B", object.file().size())
                : Progress.silent();
        if (header.containsKey("chunk_size")) {
            multipart(object, header, href, progress);
        } else {
            // The basic transfer's headers, as the Git LFS batch API says; lfs.py's _upload_single_part sends none,
            // and the Hub gives none for it.
            put(object, href, header, 0, object.file().size(), progress);
        }
        progress.finish(String.format("%s: %,d bytes uploaded", object.file().path(), object.file().size()));
    }

    /** _upload_multi_part, lfs.py: the parts in order of their numbers, then the completion POST. */
    private void multipart(LfsObject object, Map<String, String> header, String completion, Progress progress) {
        long chunk;
        try {
            chunk = Long.parseLong(header.get("chunk_size"));
        } catch (NumberFormatException e) {
            throw new UserError(object.file().path() + ": the LFS batch answer's chunk_size '"
                    + header.get("chunk_size") + "' is not a number");
        }
        TreeMap<Integer, String> parts = new TreeMap<>();
        header.forEach((k, v) -> {
            if (k.matches("\\d+")) {
                parts.put(Integer.parseInt(k), fixEndpoint(v));
            }
        });
        long size = object.file().size();
        if (chunk <= 0 || parts.size() != (size + chunk - 1) / chunk) {
            throw new UserError(object.file().path() + ": the LFS batch answer gives " + parts.size() + " part URLs "
                    + "for " + size + " bytes in parts of " + chunk + "; the Hub's answer is malformed");
        }
        List<Map<String, Object>> etags = new ArrayList<>();
        int index = 0;
        for (String url : parts.values()) {
            long offset = index * chunk;
            HttpResponse<InputStream> response = put(object, url, Map.of(), offset, Math.min(chunk, size - offset),
                    progress);
            String etag = response.headers().firstValue("ETag").orElse("");
            if (etag.isEmpty()) {
                throw new UserError(object.file().path() + ": the storage sent no ETag for part " + (index + 1));
            }
            etags.add(Map.of("partNumber", index + 1, "etag", etag));
            index++;
        }
        HttpResponse<InputStream> done = client.exchange("POST", completion, HEADERS,
                HttpRequest.BodyPublishers.ofByteArray(HubWrites.json(Map.of("oid", object.oid(), "parts", etags))),
                false, null);
        storageCheck(done, object, completion);
        HubClient.closeQuietly(done);
    }

    /** A PUT to a storage URL, without the token. */
    private HttpResponse<InputStream> put(LfsObject object, String url, Map<String, String> headers, long offset,
                                          long length, Progress progress) {
        HttpResponse<InputStream> response = client.exchange("PUT", url, headers,
                FileSlice.body(object.file().source(), offset, length, progress), false, null);
        storageCheck(response, object, url);
        HubClient.closeQuietly(response);
        return response;
    }

    /** The verify action (lfs.py): POST {oid, size} with the token, which goes only to the Hub's host. */
    private void verify(String repo, LfsObject object, JsonNode verify) {
        if (verify.isMissingNode()) {
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>(strings(verify.path("header")));
        headers.put("Content-Type", "application/json");
        HttpResponse<InputStream> response = client.exchange("POST", href(verify), headers,
                HttpRequest.BodyPublishers.ofByteArray(HubWrites.json(Map.of("oid", object.oid(), "size",
                        object.file().size()))), true, client.settings().timeout());
        HubWrites.check(response, repo + "/" + object.file().path());
        HubClient.closeQuietly(response);
    }

    private String href(JsonNode action) {
        if (!action.path("href").isTextual()) {
            throw new UserError("the LFS batch answer has an action without an href; is HF_ENDPOINT a Hub?");
        }
        return fixEndpoint(action.path("href").asText());
    }

    /** fix_hf_endpoint_in_url (utils/_http.py): URLs on huggingface.co go to HF_ENDPOINT when that is a mirror. */
    private String fixEndpoint(String url) {
        String endpoint = client.settings().endpoint();
        return endpoint.equals(HF_ENDPOINT) ? url : url.replace(HF_ENDPOINT, endpoint);
    }

    private static void storageCheck(HttpResponse<InputStream> response, LfsObject object, String url) {
        if (response.statusCode() >= 300) {
            throw new UserError(object.file().path() + ": the LFS storage at " + URI.create(url).getHost()
                    + " answered HTTP " + response.statusCode() + " (" + HubClient.text(response) + "); run the "
                    + "upload again: objects already stored are not sent twice");
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
