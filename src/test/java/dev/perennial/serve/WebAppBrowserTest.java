package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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

    @BeforeAll
    static void start() {
        assertThat(Files.isExecutable(CHROMIUM)).as("the browser tests need Chromium at " + CHROMIUM
                + " (apt-get install chromium, or set PERENNIAL_CHROMIUM)").isTrue();
        server = WebServer.start(ServeFixture.options(null, ServeOptions.Limits.defaults()));
        playwright = Playwright.create(new Playwright.CreateOptions()
                // no preloaded BLAS (see bin/speed-env.sh) in Node and Chromium: it breaks their threads
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1", "LD_PRELOAD", "")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (server != null) {
            server.close();
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
            assertThat(page.textContent("#gen-status")).contains("tokens/s");

            page.fill("#score-text", "der die und");
            page.click("#score");
            page.waitForSelector("#scores .tokens[data-model^='B − A']");
            assertThat(page.locator("#scores .tokens").count()).isEqualTo(3);
            assertThat(page.locator("#scores .tokens").first().locator("span").count()).isEqualTo(11);
            screenshot(page, "playground");
        }
    }

    @Test
    void theExperimentPageShowsTheResultsTableAndThePlots() {
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
            screenshot(page, "experiment");
        }
    }

    @Test
    void theModelsPageShowsArchitectureLineageAndMemory() {
        try (Page page = browser.newPage()) {
            page.navigate(server.url() + "models.html");
            page.waitForSelector("#models-table");
            String table = page.textContent("#models-table");
            assertThat(table).contains("demo/final", "final model", "checkpoint", "llama", "chat template",
                    "from scratch: en (5,120 tokens) → de (5,120 tokens, 25% replay)", "en: 5,120 new / 1,280 replayed");
            screenshot(page, "models");
        }
    }
}
