package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web app in the system's headless Chromium, driven by Playwright for Java (its own browser download is
 * skipped; ./mvnw test installs Debian's chromium: bin/system-packages.sh). The pages run against a real server
 * over a real tiny run.
 */
class WebAppBrowserTest {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("PERENNIAL_CHROMIUM", "/usr/bin/chromium"));

    static WebServer server;
    static Playwright playwright;
    static Browser browser;
    static final List<String> console = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        server = WebServer.start(ServeFixture.options(null, ServeOptions.Limits.defaults()), console::add);
        playwright = playwright();
        browser = chromium(playwright);
    }

    static Playwright playwright() {
        return Playwright.create(new Playwright.CreateOptions()
                // no preloaded BLAS (see bin/speed-env.sh) in Node and Chromium: it breaks their threads
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1", "LD_PRELOAD", "")));
    }

    /** The system's Chromium, headless, with {@code moreArgs} on its command line (e.g. a fake microphone). */
    static Browser chromium(Playwright playwright, String... moreArgs) {
        assertThat(Files.isExecutable(CHROMIUM)).as("the browser tests need Chromium at " + CHROMIUM
                + " (apt-get install chromium, or set PERENNIAL_CHROMIUM)").isTrue();
        List<String> args = new java.util.ArrayList<>(List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"));
        args.addAll(List.of(moreArgs));
        return playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                .setHeadless(true).setArgs(args));
    }

    @AfterAll
    static void stop() throws Exception {
        close(browser, playwright, server);
    }

    /** Closes each that was opened, in order. */
    static void close(AutoCloseable... all) throws Exception {
        for (AutoCloseable one : all) {
            if (one != null) {
                one.close();
            }
        }
    }

    /** Keeps a picture of the page under target/screenshots for people to look at. */
    static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                .setPath(Path.of("target/screenshots/" + name + ".png")));
    }

    @Test
    void theRunsPageListsTheRunAndItsPageDrawsCurvesFromTheEventStream() throws Exception {
        try (Page page = browser.newPage()) {
            page.navigate(server.url());
            page.waitForSelector("#runs-table a");
            assertThat(page.textContent("#runs-table")).contains("demo", "finished", "en → de");
            page.click("#runs-table a:text-is('demo')");
            page.waitForURL("**/run.html?name=demo");
            page.waitForFunction("document.getElementById('status')?.dataset.state === 'finished'");
            JsonNode records = ServeApiTest.json(ServeApiTest.get(server, "/api/metrics/demo")).path("records");
            long steps = 0;
            for (JsonNode r : records) {
                steps += r.path("type").asText().equals("step") ? 1 : 0;
            }
            // one point per step on the loss chart, drawn as a canvas by uPlot; the chart may be drawn a moment after
            // the status shows "finished" (seen on a loaded machine), so this waits for it (30 s at most)
            page.waitForFunction("n => document.querySelector(\".chart[data-title='Training loss']\")"
                    + "?.dataset.points === n", String.valueOf(steps));
            assertThat(page.locator(".chart[data-title='Training loss'] canvas").count()).isEqualTo(1);
            assertThat(page.textContent(".chart[data-title='Validation loss per corpus']")).contains("en", "de");
            assertThat(page.textContent("#config")).contains("stages:");
            screenshot(page, "run");
        }
    }

    @Test
    void thePlaygroundStreamsTheSameTextAsTheApiAndComparesTwoModels() throws Exception {
        JsonNode expected = ServeApiTest.json(ServeApiTest.post(server, "/v1/completions",
                "{\"model\": \"demo/final\", \"prompt\": \"the of\", \"max_tokens\": 24, \"temperature\": 1, "
                        + "\"seed\": 3}"));
        String text = expected.path("choices").get(0).path("text").asText();
        assertThat(text).isNotBlank();
        try (Page page = browser.newPage()) {
            page.navigate(server.url() + "playground.html?model=demo/final&compare=demo/checkpoints/step-00000020");
            page.waitForFunction("document.querySelectorAll('#model-a option').length > 0");
            page.fill("#prompt", "the of");
            page.fill("#max-tokens", "24");
            page.fill("#temperature", "1");
            page.fill("#seed", "3");
            page.click("#generate");
            page.waitForFunction("document.getElementById('out-a').dataset.finish && "
                    + "document.getElementById('out-b').dataset.finish");
            assertThat(page.textContent("#out-a .completion")).isEqualTo(text);
            assertThat(page.textContent("#out-b .completion")).isNotEmpty();
            assertThat(page.textContent("#gen-status")).contains("A: ", "B: ", "tokens/s");

            page.fill("#score-text", "der die und");
            page.click("#score");
            page.waitForSelector("#scores .tokens[data-model^='B − A']");
            assertThat(page.locator("#scores .tokens").count()).isEqualTo(3);
            assertThat(page.locator("#scores .tokens").first().locator("span").count()).isEqualTo(11);
            // every figure (the two outputs, the three rows of log-probabilities) says whether it shows A or B
            List<String> captions = page.locator("figure").all().stream()
                    .map(f -> f.locator(":scope > figcaption").textContent()).toList();
            assertThat(captions).hasSize(5).allMatch(c -> c.startsWith("A: ") || c.startsWith("B: ")
                    || c.startsWith("B − A"));
            assertThat(captions).contains("A: demo/final", "B: demo/checkpoints/step-00000020")
                    .anyMatch(c -> c.startsWith("A: demo/final (sum "))
                    .anyMatch(c -> c.startsWith("B: demo/checkpoints/step-00000020 (sum "));
            screenshot(page, "playground");
        }
        // the server said on its console that it loaded the model, how big it is and how long it took
        long byHand = 257 * 32 * 2 + 32 + 2 * (32 * 32 + 2 * 32 * 16 + 32 * 32 + 3 * 32 * 64 + 2 * 32);
        assertThat(console).anySatisfy(line -> {
            var m = java.util.regex.Pattern.compile("serve: loaded demo/final \\(llama, ([\\d,]+) parameters\\) "
                    + "in \\d+\\.\\d\\d s").matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            assertThat(Long.parseLong(m.group(1).replace(",", ""))).isIn(byHand, byHand - 257 * 32);
        });
    }

    @Test
    void theExperimentPageShowsTheResultsTableThePlotsAndTheLabelledTradeOff() throws Exception {
        try (Page page = browser.newPage()) {
            page.navigate(server.url());
            page.waitForSelector("#experiments-table a");
            page.click("#experiments-table a:text-is('tiny-experiment')");
            page.waitForURL("**/experiment.html?name=tiny-experiment");
            page.waitForSelector("#results-table");
            assertThat(page.textContent("#verdict")).contains("union re-training");
            assertThat(page.textContent("#results-table")).contains("union", "continual");
            page.waitForFunction("[...document.querySelectorAll('img.plot')].length >= 3 && "
                    + "[...document.querySelectorAll('img.plot')].every(i => i.complete && i.naturalWidth > 0)");
            assertThat(page.locator("#runs li").count()).isGreaterThanOrEqualTo(3);

            // the trade-off plot labels every run of results.json, and marks the baselines apart from the updates
            Map<String, JsonNode> rows = new LinkedHashMap<>();
            ServeApiTest.JSON.readTree(ServeFixture.runs().resolve("tiny-experiment/results.json").toFile())
                    .path("summary").path("rows").forEach(r -> rows.put(r.path("run").asText(), r));
            Map<String, String> shapes = new TreeMap<>();
            for (var point : page.locator("#tradeoff svg .point").all()) {
                String label = point.getAttribute("data-label");
                assertThat(point.locator(".point-label").textContent()).isEqualTo(label);
                String fill = point.locator(".marker").getAttribute("fill");
                shapes.put(label, point.locator(".marker").getAttribute("data-marker") + (fill.equals("#fff")
                        ? " hollow" : ""));
            }
            assertThat(shapes.keySet()).isEqualTo(new TreeSet<>(rows.keySet()));
            rows.forEach((run, row) -> {
                String kind = row.path("kind").asText();
                String expected = switch (kind) {
                    case "union" -> "square";
                    case "baseline" -> "triangle";
                    default -> row.path("replay").asDouble() > 0 ? "circle" : "circle hollow";
                };
                assertThat(shapes.get(run)).as(run + " (" + kind + ")").isEqualTo(expected);
            });
            assertThat(page.locator("#tradeoff .legend-entry").allTextContents()).contains(
                    "re-training from scratch (D0 ∪ D1)", "one corpus only, from scratch", "continual, no replay",
                    "continual with replay");
            // labels stay inside the figure and do not cover one another
            List<double[]> boxes = new ArrayList<>();
            for (var label : page.locator("#tradeoff .point-label").all()) {
                var box = label.boundingBox();
                boxes.add(new double[] {box.x, box.y, box.x + box.width, box.y + box.height});
            }
            var figure = page.locator("#tradeoff svg").boundingBox();
            for (var entry : page.locator("#tradeoff .legend-entry").all()) {
                var box = entry.boundingBox();
                assertThat(box.x + box.width).as(entry.textContent()).isLessThanOrEqualTo(figure.x + figure.width);
            }
            for (int i = 0; i < boxes.size(); i++) {
                double[] a = boxes.get(i);
                assertThat(a[0] >= figure.x && a[2] <= figure.x + figure.width).isTrue();
                for (int j = 0; j < i; j++) {
                    double[] b = boxes.get(j);
                    boolean overlap = a[0] < b[2] - 1 && b[0] < a[2] - 1 && a[1] < b[3] - 1 && b[1] < a[3] - 1;
                    assertThat(overlap).as("labels " + i + " and " + j + " overlap").isFalse();
                }
            }
            screenshot(page, "experiment");
        }
    }

    @Test
    void theModelsPageShowsArchitectureLineageAndMemoryAndFits1400Pixels() {
        try (Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1400, 1000))) {
            page.navigate(server.url() + "models.html");
            page.waitForSelector("#models-table");
            String table = page.textContent("#models-table");
            assertThat(table).contains("demo/final", "final model", "checkpoint", "llama", "chat template",
                    "from scratch: en (5,120 tokens) → de (5,120 tokens, 25% replay)", "en: 5,120 new / 1,280 replayed");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(1400);
            // a continued model names its parent, linked to the parent's row
            page.click("[id='model-continued/final'] a.parent");
            page.waitForURL("**/models.html#model-demo/final");
            assertThat(page.locator("tr:target td").first().textContent()).isEqualTo("demo/final");
            screenshot(page, "models");
        }
    }

    /** The records of a run's metrics.jsonl, read here line by line. */
    static List<JsonNode> records(String run) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(ServeFixture.runs().resolve(run).resolve("metrics.jsonl"))) {
            out.add(ServeApiTest.JSON.readTree(line));
        }
        return out;
    }

    @Test
    void theRunsListShowsTheLatestValidationLossOfEveryCorpus() throws Exception {
        try (Page page = browser.newPage()) {
            page.navigate(server.url());
            page.waitForSelector("#runs-table");
            List<String> runs = page.locator("#runs-table tr[data-run]").all().stream()
                    .map(r -> r.getAttribute("data-run")).toList();
            assertThat(runs).contains("demo", "continued");
            for (String run : runs) {
                Map<String, Double> latest = new TreeMap<>();
                for (JsonNode r : records(run)) {
                    if (r.path("type").asText().equals("eval")) {
                        r.path("val_loss").properties().forEach(e -> latest.put(e.getKey(), e.getValue().asDouble()));
                    }
                }
                assertThat(latest).as(run).isNotEmpty();
                var cells = page.locator("#runs-table tr[data-run='" + run + "'] span[data-corpus]");
                Map<String, String> shown = new TreeMap<>();
                for (var cell : cells.all()) {
                    shown.put(cell.getAttribute("data-corpus"), cell.textContent());
                }
                Map<String, String> expected = new TreeMap<>();
                latest.forEach((corpus, v) -> expected.put(corpus, corpus + " " + String.format(java.util.Locale.ROOT,
                        "%.4f", v)));
                assertThat(shown).as(run).isEqualTo(expected);
            }
            assertThat(page.textContent("#runs-table tr[data-run='continued']")).contains("demo", "de2 → en2");
            screenshot(page, "runs");
        }
    }

    /** Where each stage begins (step − stage_step of its records), counted from {@code offset}. */
    static Map<String, Long> stageStarts(String run, long offset) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        for (JsonNode r : records(run)) {
            out.putIfAbsent(r.path("stage").asText(), r.path("step").asLong() - r.path("stage_step").asLong() + offset);
        }
        return out;
    }

    static final List<String> CHARTS = List.of("Training loss", "Learning rate", "Validation loss per corpus",
            "Change since the stage began (forgetting > 0, adaptation < 0)", "Throughput",
            "Achieved replay share in the stage");

    @Test
    void aContinuedRunLinksToItsParentDrawsAfterItAndMarksEveryStage() throws Exception {
        long parentSteps = records("demo").stream().filter(r -> r.path("type").asText().equals("step"))
                .mapToLong(r -> r.path("step").asLong()).max().orElseThrow();
        Map<String, Long> stages = new LinkedHashMap<>(stageStarts("demo", 0));
        stages.putAll(stageStarts("continued", parentSteps));
        assertThat(stages.keySet()).containsExactly("en", "de", "de2", "en2");
        try (Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1400, 1000))) {
            page.navigate(server.url() + "run.html?name=continued");
            page.waitForFunction("document.getElementById('status')?.dataset.state === 'finished'");
            assertThat(page.textContent("#lineage")).contains("Continued from demo/final", "run demo");

            // every chart marks where each stage begins, the parent's stages included, at the right step
            for (String title : CHARTS) {
                var chart = page.locator(".chart[data-title='" + title + "']");
                Map<String, Long> marked = new LinkedHashMap<>();
                for (var marker : chart.locator(".stage-boundary").all()) {
                    marked.put(marker.getAttribute("data-stage"), Long.parseLong(marker.getAttribute("data-x")));
                    assertThat(marker.textContent()).isEqualTo(marker.getAttribute("data-stage"));
                    var box = marker.boundingBox();
                    var over = chart.locator(".u-over").boundingBox();
                    assertThat(box.x).as(title).isBetween(over.x - 1, over.x + over.width + 1);
                }
                assertThat(marked).as(title).isEqualTo(stages);
            }

            // the run's own curve starts after the parent's last step; the parent's curve is drawn before it
            @SuppressWarnings("unchecked")
            Map<String, List<Number>> loss = (Map<String, List<Number>>) page.evaluate("""
                    () => { const u = document.querySelector(".chart[data-title='Training loss']").chart.plot;
                      const out = {};
                      u.series.slice(1).forEach((s, i) => out[s.label] = u.data[0].filter((x, j) => u.data[i + 1][j] !== null));
                      return out; }""");
            assertThat(loss.keySet()).containsExactlyInAnyOrder("loss (demo)", "loss");
            assertThat(loss.get("loss (demo)").stream().mapToLong(Number::longValue).max().orElseThrow())
                    .isEqualTo(parentSteps);
            assertThat(loss.get("loss").stream().mapToLong(Number::longValue).min().orElseThrow())
                    .isEqualTo(parentSteps + 1);
            assertThat(loss.get("loss")).hasSize((int) records("continued").stream()
                    .filter(r -> r.path("type").asText().equals("step")).count());

            // learning-rate ticks: with the parent's curve hidden the axis spans 0 to 2e-4, where labels with too
            // few digits read alike; every label must differ from its neighbours and read as a rising number
            var lr = page.locator(".chart[data-title='Learning rate']");
            String before = lr.getAttribute("data-y-ticks");
            lr.locator(".u-legend .u-series:has-text('lr (demo)')").click();
            page.waitForFunction("t => document.querySelector(\".chart[data-title='Learning rate']\")"
                    + ".dataset.yTicks !== t", before);
            for (String title : CHARTS) {
                List<String> ticks = new ArrayList<>();
                ServeApiTest.JSON.readTree(page.locator(".chart[data-title='" + title + "']")
                        .getAttribute("data-y-ticks")).forEach(t -> ticks.add(t.asText()));
                assertThat(ticks).as(title).hasSizeGreaterThanOrEqualTo(3).doesNotHaveDuplicates();
                double[] values = ticks.stream().mapToDouble(t -> Double.parseDouble(t.replace(",", ""))).toArray();
                for (int i = 1; i < values.length; i++) {
                    assertThat(values[i]).as(title + " " + ticks).isGreaterThan(values[i - 1]);
                }
                if (title.equals("Learning rate")) {
                    assertThat(values[values.length - 1]).as(ticks.toString()).isLessThan(1e-3);
                }
            }
            screenshot(page, "continued-run");

            // the parent's links lead to its run and to its model
            page.click("#parent-run");
            page.waitForURL("**/run.html?name=demo");
            page.waitForFunction("document.getElementById('status')?.dataset.state === 'finished'");
            assertThat(page.locator("#lineage").isHidden()).isTrue();
            page.goBack();
            page.click("#parent-model");
            page.waitForURL("**/models.html#model-demo/final");
            assertThat(page.locator("tr:target td").first().textContent()).isEqualTo("demo/final");
        }
    }

    @Test
    void theFaviconIsServedAndLinked() throws Exception {
        for (String path : List.of("favicon.svg", "favicon.ico")) {
            var response = ServeApiTest.HTTP.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.url() + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("image/svg+xml");
            assertThat(response.body()).startsWith("<svg");
        }
        try (Page page = browser.newPage()) {
            page.navigate(server.url() + "models.html");
            assertThat(page.evaluate("fetch(document.querySelector('link[rel=icon]').href)"
                    + ".then(r => r.status + ' ' + r.headers.get('content-type'))")).isEqualTo("200 image/svg+xml");
        }
    }

    /**
     * A plain `chromium --headless --screenshot`, which takes its picture at the load event without waiting for
     * anything else, shows the curves: the pages read their data before the load event and draw at once.
     */
    @Test
    void aPlainHeadlessScreenshotOfARunShowsItsCurves() throws Exception {
        Path png = Path.of("target/screenshots/plain-run.png").toAbsolutePath();
        Files.createDirectories(png.getParent());
        Files.deleteIfExists(png);
        Path profile = Files.createTempDirectory("perennial-chromium");
        try {
            ProcessBuilder builder = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile, "--screenshot=" + png,
                    "--window-size=1400,1000", server.url() + "run.html?name=continued")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().remove("LD_PRELOAD"); // see start(): no preloaded BLAS in Chromium
            Process chromium = builder.start();
            assertThat(chromium.waitFor(60, TimeUnit.SECONDS)).as("chromium finished its screenshot").isTrue();
        } finally {
            dev.perennial.io.AtomicFiles.deleteTree(profile);
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1400);
        // the curves of the run are drawn in the first colour of the palette, #2f6fde; nothing else on the page is
        int curve = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (Math.abs((rgb >> 16 & 0xff) - 0x2f) < 30 && Math.abs((rgb >> 8 & 0xff) - 0x6f) < 30
                        && Math.abs((rgb & 0xff) - 0xde) < 30) {
                    curve++;
                }
            }
        }
        assertThat(curve).as("pixels of the curves' colour").isGreaterThan(500);
    }
}
