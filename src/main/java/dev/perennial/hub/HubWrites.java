package dev.perennial.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Hub's write endpoints for a model repository, called as huggingface_hub's HfApi calls them (hf_api.py:
 * create_repo, create_branch, preupload_lfs_files, create_commit), and the errors of writing said for people: a
 * token that is missing or may not write, a repository that does not exist yet.
 */
final class HubWrites {

    /** How many files one preupload request asks about (_fetch_upload_modes, _commit_api.py). */
    static final int PREUPLOAD_CHUNK = 256;

    /**
     * What the Hub said about one file before the upload: LFS or regular, ignored by its .gitignore, and the oid of
     * the file of that path on the branch ("" when there is none): SHA-256 for LFS files, git's blob SHA-1 otherwise.
     */
    record UploadMode(boolean lfs, boolean ignored, String remoteOid) {
    }

    /** The commit the Hub made. */
    record Commit(String url, String oid) {
    }

    private final HubClient client;

    HubWrites(HubClient client) {
        this.client = client;
    }

    private String api(String repo) {
        return client.settings().endpoint() + "/api/models/" + repo;
    }

    /**
     * POST /api/repos/create with {name, organization, type, visibility} as create_repo sends it (huggingface_hub
     * sends "visibility" since its commit e41dce254, "private" before); 409 means it exists (exist_ok=True).
     * Returns whether it was created now.
     */
    boolean createRepo(String repo, boolean isPrivate) {
        String[] parts = repo.split("/", 2);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", parts[1]);
        body.put("organization", parts[0]);
        body.put("type", "model");
        body.put("visibility", isPrivate ? "private" : "public");
        HttpResponse<InputStream> response = post(client.settings().endpoint() + "/api/repos/create",
                "application/json", json(body));
        if (response.statusCode() == 409) {
            HubClient.closeQuietly(response);
            return false;
        }
        check(response, repo);
        HubClient.closeQuietly(response);
        return true;
    }

    /**
     * The commit {@code revision} points at (GET /api/models/REPO/revision/REV), empty when the Hub says
     * RevisionNotFound.
     */
    Optional<String> head(String repo, String revision) {
        HttpResponse<InputStream> response = client.exchange("GET", api(repo) + "/revision/"
                + HubClient.quote(revision), Map.of(), HttpRequest.BodyPublishers.noBody(), true,
                client.settings().timeout());
        if (response.statusCode() == 404 && "RevisionNotFound".equals(errorCode(response))) {
            HubClient.closeQuietly(response);
            return Optional.empty();
        }
        check(response, repo + "@" + revision);
        return Optional.of(HubClient.json(response, repo).path("sha").asText());
    }

    /** POST /api/models/REPO/branch/BRANCH from main, as create_branch(exist_ok=True) (409: it exists). */
    void createBranch(String repo, String branch) {
        HttpResponse<InputStream> response = post(api(repo) + "/branch/" + HubClient.quote(branch),
                "application/json", json(Map.of()));
        if (response.statusCode() != 409) {
            check(response, repo + "@" + branch);
        }
        HubClient.closeQuietly(response);
    }

    /**
     * POST /api/models/REPO/preupload/REV with each file's path, size and base64 sample, 256 at a time; the Hub
     * answers each file's uploadMode ("lfs" or "regular") and shouldIgnore (its .gitignore). An empty file goes
     * regular whatever the answer: LFS storage refuses empty objects (_fetch_upload_modes, _commit_api.py).
     */
    Map<String, UploadMode> preupload(String repo, String revision, List<UploadFile> files) {
        Map<String, UploadMode> modes = new LinkedHashMap<>();
        for (int from = 0; from < files.size(); from += PREUPLOAD_CHUNK) {
            List<Map<String, Object>> asked = files.subList(from, Math.min(files.size(), from + PREUPLOAD_CHUNK))
                    .stream().map(f -> Map.<String, Object>of("path", f.path(), "size", f.size(), "sample",
                            Base64.getEncoder().encodeToString(f.sample()))).toList();
            JsonNode answer = postJson(api(repo) + "/preupload/" + HubClient.quote(revision),
                    Map.of("files", asked), repo);
            for (JsonNode file : answer.path("files")) {
                String mode = file.path("uploadMode").asText();
                if (!mode.equals("lfs") && !mode.equals("regular")) {
                    throw new UserError(repo + ": the Hub's preupload answer for " + file.path("path").asText()
                            + " has uploadMode '" + mode + "', not lfs or regular; is HF_ENDPOINT a Hub?");
                }
                modes.put(file.path("path").asText(), new UploadMode(mode.equals("lfs"),
                        file.path("shouldIgnore").asBoolean(false), file.path("oid").asText("")));
            }
        }
        for (UploadFile f : files) {
            UploadMode mode = modes.get(f.path());
            if (mode == null) {
                throw new UserError(repo + ": the Hub's preupload answer leaves out " + f.path()
                        + "; is HF_ENDPOINT a Hub?");
            }
            if (f.size() == 0 && mode.lfs()) {
                modes.put(f.path(), new UploadMode(false, mode.ignored(), mode.remoteOid()));
            }
        }
        return modes;
    }

    /** POST /api/models/REPO/commit/REV with the NDJSON payload (_send_commit, _commit_api.py). */
    Commit commit(String repo, String revision, byte[] ndjson) {
        HttpResponse<InputStream> response = post(api(repo) + "/commit/" + HubClient.quote(revision),
                "application/x-ndjson", ndjson);
        check(response, repo + "@" + revision);
        JsonNode answer = HubClient.json(response, repo);
        return new Commit(answer.path("commitUrl").asText(), answer.path("commitOid").asText());
    }

    JsonNode postJson(String url, Object body, String repo) {
        HttpResponse<InputStream> response = post(url, "application/json", json(body));
        check(response, repo);
        return HubClient.json(response, repo);
    }

    /** A POST to the Hub's API: with the token, and no bound on the wait for a commit of any size. */
    HttpResponse<InputStream> post(String url, String contentType, byte[] body) {
        return client.exchange("POST", url, Map.of("Content-Type", contentType),
                HttpRequest.BodyPublishers.ofByteArray(body), true, null);
    }

    static byte[] json(Object body) {
        try {
            return Json.LINE.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps and lists always serialise", e);
        }
    }

    private static String errorCode(HttpResponse<?> response) {
        return response.headers().firstValue("X-Error-Code").orElse("");
    }

    /**
     * An error answer of a write as a message that says what to do. The Hub answers 401 both for a missing or bad
     * token and, to those without access, for a repository that does not exist (hf_raise_for_status, utils/_http.py).
     */
    static void check(HttpResponse<InputStream> response, String what) {
        int code = response.statusCode();
        if (code < 400) {
            return;
        }
        String body = HubClient.text(response);
        String message = response.headers().firstValue("X-Error-Message").orElse(body);
        String detail = message.isBlank() ? "" : " (" + message.strip() + ")";
        throw new UserError(switch (code) {
            case 401 -> what + ": the Hub refused the token (HTTP 401" + detail + "): set HF_TOKEN, or put a token in "
                    + "HF_HOME/token, that is valid and has write access to the repository "
                    + "(https://huggingface.co/settings/tokens); if the repository does not exist yet, add --create";
            case 403 -> what + ": the token may not write here (HTTP 403" + detail + "); use a token with write "
                    + "access to this repository (a fine-grained token needs 'write' on it or its organization)";
            case 404 -> switch (errorCode(response)) {
                case "RevisionNotFound" -> what + ": no such branch (HTTP 404" + detail + "); name an existing one "
                        + "with --revision, or a new one to have it created from main";
                default -> what + ": no such repository on the Hub (HTTP 404" + detail + "); add --create to create "
                        + "it, or check the name (ORG/NAME)";
            };
            case 429 -> what + ": the Hub is rate-limiting; wait a minute and try again";
            default -> what + ": the Hub answered HTTP " + code + detail;
        });
    }
}
