package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.FilePayload;
import dev.perennial.image.ImageFiles;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.PipelineOptions;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import static dev.perennial.serve.ServeApiTest.JSON;
import static dev.perennial.serve.ServeApiTest.get;
import static dev.perennial.serve.ServeApiTest.json;
import static dev.perennial.serve.ServeApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Gradio apps' pages in the system's headless Chromium (see {@link WebAppBrowserTest}), against a server with
 * the four apps of {@link GradioApiTest} on the tiny models: what the pages draw is compared with the pipelines run
 * in-process and with the OpenAI-compatible chat; screenshots go to target/screenshots.
 */
class GradioPagesBrowserTest {

    @TempDir
    static Path models;
    @TempDir
    static Path work;

    static WebServer server;
    static Playwright playwright;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        GradioApiTest.prepareModels(models);
        server = WebServer.start(GradioApiTest.options(models, null));
        playwright = WebAppBrowserTest.playwright();
        browser = WebAppBrowserTest.chromium(playwright);
    }

    @AfterAll
    static void stop() throws Exception {
        WebAppBrowserTest.close(browser, playwright, server);
    }

    /** A new page on the app, once it has drawn itself from its config. */
    static Page open(String app) {
        Page page = browser.newPage();
        page.navigate(server.url() + "apps/" + app + "/");
        page.waitForSelector("#gradio-app[data-ready=true]");
        return page;
    }

    static String field(String label) {
        return "[data-label='" + label + "'] textarea";
    }

    /** The label output's bars: each row's label, confidence and the bar's width as a share of its track. */
    record Bar(String label, double confidence, double drawn) {
    }

    static List<Bar> bars(Page page) {
        List<Bar> out = new ArrayList<>();
        for (var row : page.locator(".gr-confidence").all()) {
            double drawn = ((Number) row.evaluate("r => r.querySelector('.gr-bar').getBoundingClientRect().width / "
                    + "r.querySelector('.gr-bar-track').getBoundingClientRect().width")).doubleValue();
            out.add(new Bar(row.locator(".gr-confidence-label").textContent(),
                    Double.parseDouble(row.getAttribute("data-confidence")), drawn));
        }
        return out;
    }

    /** The bars are the scores, best first, each drawn as long as its (non-negative) score, under the top label. */
    static void assertBars(Page page, List<Outputs.LabelScore> expected) {
        List<Outputs.LabelScore> best = expected.stream()
                .sorted(Comparator.comparingDouble(Outputs.LabelScore::score).reversed()).toList();
        List<Bar> bars = bars(page);
        assertThat(bars).hasSize(best.size());
        for (int i = 0; i < best.size(); i++) {
            assertThat(bars.get(i).label()).isEqualTo(best.get(i).label());
            assertThat(bars.get(i).confidence()).isCloseTo(best.get(i).score(), within(1e-5));
            assertThat(bars.get(i).drawn()).as(bars.get(i).label()).isCloseTo(Math.max(0, best.get(i).score()),
                    within(0.01));
        }
        assertThat(page.textContent(".gr-top-label")).isEqualTo(best.getFirst().label());
    }

    /** The image's width, height and the RGB of the pixels at (x, y) pairs, read back from a canvas it is drawn on. */
    static List<Integer> pixels(Page page, String image, int... points) {
        Object out = page.evalOnSelector(image, """
                (img, points) => {
                  const canvas = document.createElement("canvas");
                  canvas.width = img.naturalWidth;
                  canvas.height = img.naturalHeight;
                  const g = canvas.getContext("2d");
                  g.drawImage(img, 0, 0);
                  const out = [img.naturalWidth, img.naturalHeight];
                  for (let i = 0; i < points.length; i += 2) {
                    const [r, gr, b] = g.getImageData(points[i], points[i + 1], 1, 1).data;
                    out.push(r, gr, b);
                  }
                  return out;
                }""", java.util.Arrays.stream(points).boxed().toList());
        return ((List<?>) out).stream().map(v -> ((Number) v).intValue()).toList();
    }

    static void waitForPreview(Page page) {
        page.waitForFunction("(() => { const i = document.querySelector('.gr-image-preview'); "
                + "return i && i.getAttribute('src') && i.complete && i.naturalWidth > 0; })()");
    }

    @Test
    void theAppsPageListsEveryAppAndLinksToItsPage() throws Exception {
        try (Page page = browser.newPage()) {
            page.navigate(server.url() + "models.html");
            page.click("header nav a:text-is('Apps')");
            page.waitForURL("**/apps");
            page.waitForSelector("#apps-table");
            assertThat(page.locator("#apps-table tr[data-app]").all().stream().map(r -> r.getAttribute("data-app")))
                    .containsExactly("sentence-similarity", "feature-extraction", "zero-shot-image-classification",
                            "chat");
            assertThat(page.textContent("#apps-table tr[data-app='chat']")).contains("llm", "/chat");
            assertThat(page.getAttribute("header nav a.active", "href")).isEqualTo("/apps");
            WebAppBrowserTest.screenshot(page, "apps");
            page.click("#apps-table a:text-is('sentence-similarity')");
            page.waitForURL("**/apps/sentence-similarity/");
            page.waitForSelector("#gradio-app[data-ready=true]");
            assertThat(page.textContent("#gradio-app h1")).isEqualTo("sentence-similarity with minilm");
        }
        // programs still get JSON from GET /apps; browsers get the page unless they ask for JSON
        assertThat(json(get(server, "/apps")).path("apps")).hasSize(4);
        assertThat(get(server, "/apps", "Accept", "text/html").body()).contains("<h1>Apps</h1>");
        assertThat(json(get(server, "/apps?format=json", "Accept", "text/html")).path("apps")).hasSize(4);
        assertThat(get(server, "/apps/nothing/").statusCode()).isEqualTo(404);
    }

    @Test
    void theSimilarityAppDrawsThePipelinesScoresAsLabelBars() throws Exception {
        Outputs.Similarities scores;
        try (var pipeline = Pipeline.forTask(Task.SENTENCE_SIMILARITY, models.resolve("minilm").toString())) {
            scores = pipeline.run(new Inputs.Sentences(GradioApiTest.SENTENCES.getFirst(), GradioApiTest.SENTENCES));
        }
        List<Outputs.LabelScore> expected = new ArrayList<>();
        for (int i = 0; i < GradioApiTest.SENTENCES.size(); i++) {
            expected.add(new Outputs.LabelScore(GradioApiTest.SENTENCES.get(i), scores.scores().get(i)));
        }
        try (Page page = open("sentence-similarity")) {
            page.fill(field("Source sentence"), GradioApiTest.SENTENCES.getFirst());
            page.fill(field("Sentences"), String.join("\n", GradioApiTest.SENTENCES));
            page.click("#submit");
            page.waitForSelector(".gr-status[data-state=complete]");
            assertBars(page, expected);
            WebAppBrowserTest.screenshot(page, "app-sentence-similarity");
            page.click("#clear");
            assertThat(page.locator(".gr-confidence").count()).isZero();
            assertThat(page.inputValue(field("Sentences"))).isEmpty();
        }
    }

    @Test
    void theImageAppPreviewsTheUploadAndDrawsTheLabelsOfThePipeline() throws Exception {
        byte[] image = PipelineApiTest.png(Color.RED); // 40×30, red with a white circle in the middle
        Path file = Files.write(work.resolve("red.png"), image);
        Outputs.Labels expected;
        try (var pipeline = Pipeline.forTask(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, models.resolve("clip").toString())) {
            expected = pipeline.run(new Inputs.LabelledImage(ImageFiles.read(image, "test"), List.of("red", "green",
                    "blue"), null));
        }
        try (Page page = open("zero-shot-image-classification")) {
            page.setInputFiles("[data-label='Image'] input[type=file]", file);
            waitForPreview(page);
            assertThat(pixels(page, ".gr-image-preview", 1, 1, 20, 15)).containsExactly(40, 30, 255, 0, 0, 255, 255,
                    255);
            // the preview is the server's copy of the upload, as Gradio shows it
            String stored = page.getAttribute(".gr-image-preview", "data-path");
            assertThat(GradioApiTest.getBytesFrom(server, "/apps/zero-shot-image-classification/gradio_api/file="
                    + stored).body()).isEqualTo(image);
            page.fill(field("Candidate labels"), "red, green, blue");
            page.click("#submit");
            page.waitForSelector(".gr-status[data-state=complete]");
            assertBars(page, expected.labels());
            WebAppBrowserTest.screenshot(page, "app-zero-shot-image-classification");
        }
    }

    @Test
    void anImageDroppedOnTheDropZoneIsUploadedAndPreviewed() throws Exception {
        byte[] image = PipelineApiTest.png(Color.BLUE);
        try (Page page = open("zero-shot-image-classification")) {
            page.evaluate("""
                    base64 => {
                      const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
                      const files = new DataTransfer();
                      files.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
                      document.querySelector(".gr-drop").dispatchEvent(new DragEvent("drop", { dataTransfer: files,
                        bubbles: true, cancelable: true }));
                    }""", java.util.Base64.getEncoder().encodeToString(image));
            waitForPreview(page);
            assertThat(pixels(page, ".gr-image-preview", 1, 1, 20, 15)).containsExactly(40, 30, 0, 0, 255, 255, 255,
                    255);
            assertThat(page.getAttribute(".gr-image-preview", "data-path")).endsWith("/dropped.png");
            page.click(".gr-remove");
            assertThat(page.getAttribute(".gr-image-preview", "src")).isNull();
        }
    }

    @Test
    void clickingAnExampleFillsTheInputs() throws Exception {
        JsonNode config = json(get(server, "/apps/zero-shot-image-classification/config"));
        JsonNode dataset = null;
        for (JsonNode c : config.path("components")) {
            dataset = c.path("type").asText().equals("dataset") ? c : dataset;
        }
        assertThat(dataset).isNotNull();
        JsonNode sample = dataset.path("props").path("samples").get(0);
        try (Page page = open("zero-shot-image-classification")) {
            page.click(".gr-sample[data-index='0']");
            waitForPreview(page);
            // the red circle on white that the server drew
            assertThat(pixels(page, ".gr-image-preview", 1, 1, ExampleImages.WIDTH / 2, ExampleImages.HEIGHT / 2))
                    .containsExactly(ExampleImages.WIDTH, ExampleImages.HEIGHT, 255, 255, 255, 255, 0, 0);
            assertThat(page.getAttribute(".gr-image-preview", "data-path")).isEqualTo(sample.get(0).path("path")
                    .asText());
            assertThat(page.inputValue(field("Candidate labels"))).isEqualTo(sample.get(1).asText()).isNotBlank();
            page.click("#submit");
            page.waitForSelector(".gr-status[data-state=complete]");
            assertThat(page.locator(".gr-confidence").count()).isEqualTo(sample.get(1).asText().split(",").length);
            WebAppBrowserTest.screenshot(page, "app-example");
        }
        try (Page page = open("sentence-similarity")) {
            page.click(".gr-sample[data-index='1']");
            assertThat(page.inputValue(field("Source sentence"))).isEqualTo("How do I reset my password?");
            assertThat(page.inputValue(field("Sentences")).lines()).hasSize(3);
        }
    }

    @Test
    void theChatAppStreamsTheReplyAsTheApiGivesIt() throws Exception {
        String expected = GradioApiTest.chatCompletion(server, "Hello there", 24);
        try (Page page = open("chat")) {
            page.click("details.gr-additional summary");
            page.fill("[data-label='Max new tokens'] input", "24");
            // every reply bubble the page puts in while the reply grows (the nodes added, so that none is missed when
            // several messages arrive between two frames)
            page.evaluate("""
                    () => {
                      window.seen = [];
                      new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(n => {
                        if (n.dataset && n.dataset.role === "assistant" && window.seen[window.seen.length - 1] !== n.textContent)
                          window.seen.push(n.textContent);
                      }))).observe(document.querySelector(".gr-chatbot"), { childList: true });
                    }""");
            page.fill(field("Message"), "Hello there");
            page.click("#submit");
            page.waitForSelector(".gr-status[data-state=complete]");
            assertThat(page.textContent(".gr-message.user")).isEqualTo("Hello there");
            String reply = page.textContent(".gr-message.assistant");
            assertThat(reply).isEqualTo(expected).isNotEmpty();
            @SuppressWarnings("unchecked")
            List<String> seen = (List<String>) page.evaluate("() => window.seen");
            assertThat(seen.size()).as("the reply grew in steps: " + seen).isGreaterThan(2);
            assertThat(seen).allSatisfy(text -> assertThat(expected).startsWith(text));
            assertThat(page.inputValue(field("Message"))).isEmpty();
            WebAppBrowserTest.screenshot(page, "app-chat");
        }
    }

    @Test
    void aCorruptImageShowsTheServersErrorInThePage() {
        try (Page page = open("zero-shot-image-classification")) {
            page.setInputFiles("[data-label='Image'] input[type=file]", new FilePayload("broken.png", "image/png",
                    "not an image at all".getBytes(StandardCharsets.UTF_8)));
            page.waitForFunction("!!document.querySelector('.gr-image-preview').dataset.path");
            page.fill(field("Candidate labels"), "red, green");
            page.click("#submit");
            page.waitForSelector(".gr-error .error");
            assertThat(page.textContent(".gr-error")).contains("broken.png", "not a supported image");
            assertThat(page.getAttribute(".gr-status", "data-state")).isEqualTo("error");
            assertThat(page.locator(".gr-error .error").evaluate("e => getComputedStyle(e).color")).isEqualTo(
                    "rgb(180, 35, 24)");
            WebAppBrowserTest.screenshot(page, "app-error");
        }
    }

    private static int indexOf(List<String> texts, String prefix) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * With every slot of the server taken, calls wait: the page says its place in the queue, then that it is
     * processing, and shows the answer once the slots are free.
     */
    @Test
    void theQueuePositionAndProcessingAreShownWhileACallWaits() throws Exception {
        int slots = ServeOptions.Limits.defaults().maxConcurrent();
        List<GenerationGate.Permit> held = new ArrayList<>();
        try (Page page = open("sentence-similarity")) {
            for (int i = 0; i < slots; i++) {
                held.add(server.gate().enter());
            }
            // as many calls as the queue has workers: each starts and waits for a slot of the gate
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < slots; i++) {
                HttpResponse<String> joined = post(server, "/apps/sentence-similarity/gradio_api/call/predict",
                        "{\"data\": [\"a\", \"b\"]}");
                ids.add(json(joined).path("event_id").asText());
            }
            // every status the page shows (the text nodes it puts in, so that none is missed between two frames)
            page.evaluate("""
                    () => {
                      window.statuses = [];
                      new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(n =>
                        window.statuses.push(n.textContent)))).observe(document.querySelector(".gr-status"), { childList: true });
                    }""");
            page.fill(field("Source sentence"), "A cat.");
            page.fill(field("Sentences"), "A kitten.");
            page.click("#submit");
            page.waitForSelector(".gr-status[data-state=queued]");
            assertThat(page.textContent(".gr-status")).isEqualTo("queue: 1/1");
            WebAppBrowserTest.screenshot(page, "app-queued");
            held.forEach(GenerationGate.Permit::close);
            held.clear();
            page.waitForSelector(".gr-status[data-state=complete]");
            assertThat(bars(page)).hasSize(1);
            @SuppressWarnings("unchecked")
            List<String> statuses = (List<String>) page.evaluate("() => window.statuses");
            assertThat(statuses).as(statuses.toString()).anyMatch(s -> s.startsWith("processing | "));
            assertThat(statuses.indexOf("queue: 1/1")).isLessThan(indexOf(statuses, "processing | "));
            for (String id : ids) {
                assertThat(get(server, "/apps/sentence-similarity/gradio_api/call/predict/" + id).body())
                        .contains("event: complete");
            }
        } finally {
            held.forEach(GenerationGate.Permit::close);
        }
    }

    /** The image-search app draws its gallery: the ranked images, best first, each the served file, captioned. */
    @Test
    void theImageSearchAppDrawsItsGalleryOfTheRankedImages(@TempDir Path searchModels, @TempDir Path images)
            throws Exception {
        ServeOptions options = GradioGalleryTest.imageSearch(searchModels, images);
        Files.write(images.resolve("red.png"), PipelineApiTest.png(Color.RED));
        Files.write(images.resolve("blue.png"), PipelineApiTest.png(Color.BLUE));
        Files.write(images.resolve("green.png"), PipelineApiTest.png(Color.GREEN));
        Outputs.SearchHits expected;
        try (var pipeline = Pipeline.forTask(Task.IMAGE_SEARCH, searchModels.resolve("clip").toString(),
                PipelineOptions.defaults().withImages(images))) {
            expected = pipeline.run(new Inputs.Query("a blue square", 2));
        }
        try (WebServer search = WebServer.start(options); Page page = browser.newPage()) {
            page.navigate(search.url() + "apps/image-search/");
            page.waitForSelector("#gradio-app[data-ready=true]");
            page.fill(field("Query"), "a blue square");
            page.fill("[data-label='Top'] input", "2");
            page.click("#submit");
            page.waitForSelector(".gr-status[data-state=complete]");
            // the gallery draws after the status turns complete (it fetches each image first): wait for both
            page.waitForFunction("(() => { const images = [...document.querySelectorAll('.gr-gallery-image')]; "
                    + "return images.length === 2 && images.every(i => i.complete && i.naturalWidth > 0); })()");
            List<String> captions = page.locator(".gr-gallery-item figcaption").allTextContents();
            assertThat(captions).hasSize(2);
            for (int i = 0; i < 2; i++) {
                Outputs.SearchHit hit = expected.hits().get(i);
                assertThat(captions.get(i)).isEqualTo(String.format(Locale.ROOT, "%s (%.3f)", hit.file(),
                        hit.score()));
                Color colour = switch (hit.file()) {
                    case "red.png" -> Color.RED;
                    case "blue.png" -> Color.BLUE;
                    default -> Color.GREEN;
                };
                // the corner keeps the picture's colour (PipelineApiTest.png: a white circle in the middle)
                assertThat(pixels(page, ".gr-gallery-item:nth-child(" + (i + 1) + ") img", 1, 1))
                        .containsExactly(40, 30, colour.getRed(), colour.getGreen(), colour.getBlue());
            }
            WebAppBrowserTest.screenshot(page, "app-image-search");
        }
    }
}
