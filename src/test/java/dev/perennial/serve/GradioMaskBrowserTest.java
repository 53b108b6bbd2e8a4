package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.BoundingBox;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.MaskPicture;
import dev.perennial.image.RgbImage;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The mask-generation app's page in the system's headless Chromium (see {@link WebAppBrowserTest}) on the tiny SAM:
 * clicks on the previewed image become points of the Points textbox, in the image's pixels, and Submit draws the
 * masks the pipeline finds for them.
 */
class GradioMaskBrowserTest {

    static final Path IMAGE = Path.of("src/test/resources/reference/sam/image-0.png");

    @TempDir
    static Path models;

    static WebServer server;
    static Playwright playwright;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        PipelineApiTest.copy(IMAGE.getParent(), models.resolve("sam"));
        server = WebServer.start(new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null,
                ServeOptions.Limits.defaults()).withApps(List.of(AppSpec.parse("mask-generation=sam"))));
        playwright = WebAppBrowserTest.playwright();
        browser = WebAppBrowserTest.chromium(playwright);
    }

    @AfterAll
    static void stop() throws Exception {
        WebAppBrowserTest.close(browser, playwright, server);
    }

    private static Page open() {
        Page page = browser.newPage();
        page.navigate(server.url() + "apps/mask-generation/");
        page.waitForSelector("#gradio-app[data-ready=true]");
        return page;
    }

    @Test
    void clicksOnThePreviewBecomePointsAndSubmitDrawsTheirMasks() throws Exception {
        RgbImage original = ImageFiles.read(Files.readAllBytes(IMAGE), "image-0.png");
        try (Page page = open()) {
            page.setViewportSize(1200, 900);
            AtomicInteger choosers = new AtomicInteger();
            page.onFileChooser(chooser -> choosers.incrementAndGet());
            page.setInputFiles("[data-label='Image'] input[type=file]", IMAGE);
            GradioPagesBrowserTest.waitForPreview(page);
            Locator preview = page.locator(".gr-image-preview");
            BoundingBox shown = preview.boundingBox();
            // the middle of pixels (30, 20) and (70, 45) of the 90 × 60 image, wherever the page scales it to
            preview.click(new Locator.ClickOptions().setPosition(shown.width * 30.5 / 90, shown.height * 20.5 / 60));
            preview.click(new Locator.ClickOptions().setPosition(shown.width * 70.5 / 90, shown.height * 45.5 / 60));
            String points = page.inputValue(GradioPagesBrowserTest.field("Points"));
            assertThat(points).matches("\\d+,\\d+; \\d+,\\d+");
            int[][] clicked = Arrays.stream(points.split("; ")).map(p -> Arrays.stream(p.split(","))
                    .mapToInt(Integer::parseInt).toArray()).toArray(int[][]::new);
            // the page's layout puts the image at fractions of a CSS pixel and mouse events at whole ones
            assertThat(clicked[0][0]).isCloseTo(30, within(1));
            assertThat(clicked[0][1]).isCloseTo(20, within(1));
            assertThat(clicked[1][0]).isCloseTo(70, within(1));
            assertThat(clicked[1][1]).isCloseTo(45, within(1));
            assertThat(choosers.get()).as("a click on the image picks a point, not a file").isZero();

            Outputs.Masks masks;
            try (var pipeline = Pipeline.forTask(Task.MASK_GENERATION, models.resolve("sam").toString())) {
                masks = pipeline.run(new Inputs.MaskPrompt(original, List.of(new Inputs.Point(clicked[0][0],
                        clicked[0][1], 1), new Inputs.Point(clicked[1][0], clicked[1][1], 1)), null, true));
            }
            JsonNode want = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(masks));
            BufferedImage cli = MaskPicture.draw(original, masks.masks().stream().map(Outputs.Mask::pixels).toList());
            page.click("#submit");
            page.waitForSelector(".gr-status[data-state=complete]");
            page.waitForFunction("(() => { const i = document.querySelector('.gr-image-output'); "
                    + "return i && i.getAttribute('src') && i.complete && i.naturalWidth > 0; })()");
            assertThat(Json.MAPPER.readTree(page.textContent("[data-label='Scores'] .gr-json"))).isEqualTo(want);
            int[] grid = new int[2 * 9 * 6];
            for (int i = 0; i < grid.length / 2; i++) {
                grid[2 * i] = 5 + 10 * (i % 9);
                grid[2 * i + 1] = 5 + 10 * (i / 9);
            }
            List<Integer> drawn = GradioPagesBrowserTest.pixels(page, ".gr-image-output", grid);
            assertThat(drawn.subList(0, 2)).containsExactly(original.width(), original.height());
            int overlaid = 0;
            for (int i = 0; i < grid.length / 2; i++) {
                int x = grid[2 * i];
                int y = grid[2 * i + 1];
                Color expected = new Color(cli.getRGB(x, y));
                assertThat(drawn.subList(2 + 3 * i, 5 + 3 * i)).as("pixel %d,%d as the CLI draws it", x, y)
                        .containsExactly(expected.getRed(), expected.getGreen(), expected.getBlue());
                overlaid += expected.getRed() != original.get(x, y, 0) || expected.getGreen() != original.get(x, y, 1)
                        || expected.getBlue() != original.get(x, y, 2) ? 1 : 0;
            }
            assertThat(overlaid).as("some sampled pixels lie under a mask").isPositive();
            WebAppBrowserTest.screenshot(page, "app-mask-generation");
        }
    }
}
