package dev.perennial.serve;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web app's pages: one shell (head, assets, navigation) around each page's own content and script, kept in
 * the jar under {@code pages/} and put together once at start. Assets (app.js, style.css, uPlot) are static files.
 * The Gradio apps' pages are the list of apps (also at GET /apps for browsers) and one page for every app, at
 * /apps/NAME/, that draws the app from its config.
 */
final class WebPages {

    static final List<String> NAMES = List.of("index", "run", "experiment", "models", "playground", "apps");
    /** Served at /apps/NAME/ only. */
    private static final String APP = "app";
    private static final Pattern APP_PATH = Pattern.compile("/apps(/[^/]+)?/?");
    private static final String ROOT = "/dev/perennial/serve/";
    private static final Pattern TITLE = Pattern.compile("\\A<!-- title: (.*?) -->\\n");

    private final Map<String, String> pages = new LinkedHashMap<>();
    private final byte[] favicon;

    WebPages() {
        favicon = bytes("web/favicon.svg");
        String shell = resource("shell.html");
        List<String> all = new ArrayList<>(NAMES);
        all.add(APP);
        for (String name : all) {
            String page = resource("pages/" + name + ".html");
            Matcher title = TITLE.matcher(page);
            if (!title.find()) {
                throw new IllegalStateException("pages/" + name + ".html does not start with its title comment");
            }
            pages.put(name, shell.replace("{{title}}", title.group(1))
                    .replace("{{content}}", page.substring(title.end()).strip()));
        }
    }

    /** GET / and GET /NAME.html; the app page at GET /apps/NAME/. */
    void serve(Context ctx, String name) {
        String page = pages.get(name);
        if (page == null || name.equals(APP) && !ctx.path().startsWith("/apps/")) {
            throw ApiError.notFound("no page " + name + ".html; the pages are " + NAMES);
        }
        ctx.contentType("text/html; charset=utf-8").result(page);
    }

    /**
     * Whether a request under /apps is for a page: GET /apps/NAME/, or GET /apps from a browser (it asks for HTML,
     * without ?format=json); the rest of /apps is the Gradio API, and GET /apps answers JSON to programs.
     */
    static boolean isAppPage(Context ctx) {
        Matcher path = APP_PATH.matcher(ctx.path());
        if (!ctx.method().name().equals("GET") || !path.matches()) {
            return false;
        }
        if (path.group(1) != null) {
            return true;
        }
        String accept = ctx.header("Accept");
        return !"json".equals(ctx.queryParam("format")) && accept != null && accept.contains("text/html");
    }

    /** GET /favicon.ico: the icon the pages link to (favicon.svg), for clients that ask at the usual place. */
    void favicon(Context ctx) {
        ctx.contentType("image/svg+xml").result(favicon);
    }

    private static String resource(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String path) {
        try (InputStream in = WebPages.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + ROOT + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
