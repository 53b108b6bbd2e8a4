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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hugging Face Hub's HTTP API as huggingface_hub uses it. Redirects are followed by hand, and the token goes
 * only to the Hub's own host and port: never to the CDN a download is redirected to, nor to the storage an upload is
 * sent to; errors of reading are turned into messages that say what to do (401: a token; 403 gated: accept the
 * conditions; 404: the name), and {@link HubWrites} does the same for writing.
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
            json(response, "the model search").forEach(models::add);
            next = response.headers().firstValue("Link").map(NEXT::matcher).filter(Matcher::find)
                    .map(m -> m.group(1)).orElse(null);
        }
        return models.subList(0, Math.min(limit, models.size()));
    }

    /** GET /api/models/REPO/revision/REV?blobs=true: card data, files with sizes and LFS hashes, the commit. */
    public JsonNode info(String repo, String revision) {
        String url = settings.endpoint() + "/api/models/" + repo + "/revision/" + quote(revision) + "?blobs=true";
        return json(send(url, "GET", Map.of(), repo), repo);
    }

    /** A response body as JSON, or an error naming {@code what} was asked. */
    static JsonNode json(HttpResponse<InputStream> response, String what) {
        try (InputStream body = response.body()) {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UserError(what + ": the Hub's answer is not JSON (" + e.getMessage() + ")", e);
        }
    }

    /**
     * A revision or branch as one URL path segment, as huggingface_hub's {@code quote(revision, safe="")}
     * (hf_api.py, create_commit): '/' becomes %2F and a space %20 (URLEncoder would write '+').
     */
    static String quote(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A")
                .replace("%7E", "~");
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
        return settings.endpoint() + "/" + repo + "/resolve/" + quote(revision) + "/" + file;
    }

    private HttpResponse<InputStream> send(String url, String method, Map<String, String> headers, String what) {
        HttpResponse<InputStream> response = request(url, method, headers, false);
        check(response, what);
        return response;
    }

    /** One request without a body; unless {@code stopAtRedirect}, redirects are followed. */
    private HttpResponse<InputStream> request(String url, String method, Map<String, String> headers,
                                              boolean stopAtRedirect) {
        return exchange(method, url, headers, HttpRequest.BodyPublishers.noBody(), true, settings.timeout(),
                stopAtRedirect);
    }

    /**
     * One request with a body, redirects followed. The token goes along only when {@code authorize} and the URL is
     * on the Hub's own host and port: never to the storage hosts that LFS transfers and redirects point to.
     * {@code timeout} bounds the wait for the answer's headers (null: no bound, for uploads of any size).
     */
    HttpResponse<InputStream> exchange(String method, String url, Map<String, String> headers,
                                       HttpRequest.BodyPublisher body, boolean authorize, Duration timeout) {
        return exchange(method, url, headers, body, authorize, timeout, false);
    }

    private HttpResponse<InputStream> exchange(String method, String url, Map<String, String> headers,
                                               HttpRequest.BodyPublisher body, boolean authorize, Duration timeout,
                                               boolean stopAtRedirect) {
        if (settings.offline()) {
            throw new UserError("HF_HUB_OFFLINE is set, so the Hub cannot be asked for " + url + "; unset it, or use "
                    + "what is in the cache");
        }
        URI uri = URI.create(url);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).method(method, body)
                    .header("User-Agent", "perennial");
            if (timeout != null) {
                builder.timeout(timeout);
            }
            headers.forEach(builder::header);
            if (authorize && settings.token().isPresent() && isHub(uri)) {
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

    /** Whether {@code uri} is on the host and port of HF_ENDPOINT. */
    private boolean isHub(URI uri) {
        URI hub = URI.create(settings.endpoint());
        return hub.getHost().equalsIgnoreCase(uri.getHost()) && port(hub) == port(uri);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
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

    /** The start of an answer's body as text (an error's explanation), at most 300 characters; closes it. */
    static String text(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            String text = new String(body.readNBytes(300), StandardCharsets.UTF_8);
            return text.replaceAll("\\s+", " ").strip();
        } catch (IOException e) {
            return "";
        }
    }

    static void closeQuietly(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // nothing was left to read
        }
    }
}
