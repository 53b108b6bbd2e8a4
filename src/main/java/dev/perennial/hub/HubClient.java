package dev.perennial.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hugging Face Hub's HTTP API as huggingface_hub uses it. Redirects are followed by hand so that the
 * Authorization header is dropped when a redirect leaves the Hub's host (LFS files live on a CDN); errors are
 * turned into messages that say what to do (401: a token; 403 gated: accept the conditions; 404: the name).
 */
public final class HubClient {

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
    private static final int MAX_REDIRECTS = 10;

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout()).build();
    }

    public HubSettings settings() {
        return settings;
    }

    /** GET /api/models with the search filters; follows Link pagination until {@code limit} models. */
    public List<JsonNode> search(Map<String, String> filters, int limit) {
        StringBuilder url = new StringBuilder(settings.endpoint() + "/api/models?");
        filters.forEach((k, v) -> url.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                .append('&'));
        url.append("limit=").append(Math.min(limit, 100));
        for (String field : List.of("downloads", "likes", "pipeline_tag", "tags", "library_name", "safetensors",
                "cardData", "config")) {
            url.append("&expand[]=").append(field);
        }
        List<JsonNode> models = new ArrayList<>();
        String next = url.toString().replace("[", "%5B").replace("]", "%5D");
        while (next != null && models.size() < limit) {
            HttpResponse<InputStream> response = send(next, "GET", Map.of(), "the model search");
            try (InputStream body = response.body()) {
                Json.MAPPER.readTree(body).forEach(models::add);
            } catch (IOException e) {
                throw new UserError("the Hub's search answer is not JSON (" + e.getMessage() + ")", e);
            }
            next = response.headers().firstValue("Link").map(NEXT::matcher).filter(Matcher::find)
                    .map(m -> m.group(1)).orElse(null);
        }
        return models.subList(0, Math.min(limit, models.size()));
    }

    /** GET /api/models/REPO/revision/REV?blobs=true: card data, files with sizes and LFS hashes, the commit. */
    public JsonNode info(String repo, String revision) {
        String url = settings.endpoint() + "/api/models/" + repo + "/revision/"
                + URLEncoder.encode(revision, StandardCharsets.UTF_8) + "?blobs=true";
        HttpResponse<InputStream> response = send(url, "GET", Map.of(), repo);
        try (InputStream body = response.body()) {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UserError(repo + ": the Hub's answer is not JSON (" + e.getMessage() + ")", e);
        }
    }

    /** The metadata of a file from a HEAD request that does not follow the redirect, as huggingface_hub does. */
    public record FileMetadata(String commit, String etag, long size, Optional<String> location, boolean lfs) {
    }

    public Optional<FileMetadata> metadata(String repo, String revision, String file) {
        String url = resolveUrl(repo, revision, file);
        HttpResponse<InputStream> response = request(url, "HEAD", Map.of("Accept-Encoding", "identity"), true);
        closeQuietly(response);
        int code = response.statusCode();
        if (code == 404 && "EntryNotFound".equals(response.headers().firstValue("X-Error-Code").orElse(""))) {
            return Optional.empty();
        }
        check(response, repo + "/" + file);
        var h = response.headers();
        String commit = h.firstValue("X-Repo-Commit").orElseThrow(() -> new UserError(repo + "/" + file + ": the Hub "
                + "did not say which commit it serves (no X-Repo-Commit); is HF_ENDPOINT a Hub?"));
        Optional<String> linked = h.firstValue("X-Linked-Etag");
        String etag = normalise(linked.orElseGet(() -> h.firstValue("ETag").orElseThrow(() ->
                new UserError(repo + "/" + file + ": the Hub sent no ETag"))));
        long size = Long.parseLong(h.firstValue("X-Linked-Size").orElseGet(() ->
                h.firstValue("Content-Length").orElse("-1")));
        return Optional.of(new FileMetadata(commit, etag, size, h.firstValue("Location"), linked.isPresent()));
    }

    /** Streams a file, from byte {@code from} on (a Range request), following redirects. */
    public HttpResponse<InputStream> download(String repo, String revision, String file, long from) {
        Map<String, String> headers = from > 0 ? Map.of("Range", "bytes=" + from + "-") : Map.of();
        return send(resolveUrl(repo, revision, file), "GET", headers, repo + "/" + file);
    }

    private String resolveUrl(String repo, String revision, String file) {
        return settings.endpoint() + "/" + repo + "/resolve/" + URLEncoder.encode(revision, StandardCharsets.UTF_8)
                + "/" + file;
    }

    private HttpResponse<InputStream> send(String url, String method, Map<String, String> headers, String what) {
        HttpResponse<InputStream> response = request(url, method, headers, false);
        check(response, what);
        return response;
    }

    /** One request; unless {@code stopAtRedirect}, redirects are followed, without the token on another host. */
    private HttpResponse<InputStream> request(String url, String method, Map<String, String> headers,
                                              boolean stopAtRedirect) {
        if (settings.offline()) {
            throw new UserError("HF_HUB_OFFLINE is set, so the Hub cannot be asked for " + url + "; unset it, or use "
                    + "what is in the cache");
        }
        URI uri = URI.create(url);
        String host = uri.getHost();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(settings.timeout())
                    .method(method, HttpRequest.BodyPublishers.noBody()).header("User-Agent", "perennial");
            headers.forEach(builder::header);
            if (settings.token().isPresent() && host.equals(uri.getHost())) {
                builder.header("Authorization", "Bearer " + settings.token().get());
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new HubUnreachable("could not reach " + uri.getHost() + " (" + e + "); check the network or HF_ENDPOINT,"
                        + " or set HF_HUB_OFFLINE=1 to use the cache", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted while talking to the Hub", e);
            }
            int code = response.statusCode();
            if (code < 300 || code >= 400 || stopAtRedirect) {
                return response;
            }
            closeQuietly(response);
            uri = uri.resolve(response.headers().firstValue("Location").orElseThrow(() ->
                    new UserError(url + ": a redirect without a Location")));
        }
        throw new UserError(url + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private static void check(HttpResponse<InputStream> response, String what) {
        int code = response.statusCode();
        if (code < 400) {
            return;
        }
        closeQuietly(response);
        String error = response.headers().firstValue("X-Error-Code").orElse("");
        String message = response.headers().firstValue("X-Error-Message").orElse("");
        throw new UserError(switch (code) {
            case 401 -> what + ": not found, or private: it needs a token with access (set HF_TOKEN, or put one in "
                    + "HF_HOME/token)";
            case 403 -> error.equals("GatedRepo") ? what + ": access is gated; accept the conditions on the model's "
                    + "page with your account, then use a token of that account (HF_TOKEN)"
                    : what + ": access denied (" + message + ")";
            case 404 -> switch (error) {
                case "RevisionNotFound" -> what + ": no such revision";
                case "EntryNotFound" -> what + ": no such file in the repository";
                default -> what + ": no such model on the Hub; check the name (ORG/NAME)";
            };
            case 429 -> what + ": the Hub is rate-limiting; wait a minute and try again";
            default -> what + ": the Hub answered HTTP " + code + (message.isEmpty() ? "" : " (" + message + ")");
        });
    }

    static String normalise(String etag) {
        return etag.replaceFirst("^W/", "").replace("\"", "");
    }

    private static void closeQuietly(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // nothing was left to read
        }
    }
}
