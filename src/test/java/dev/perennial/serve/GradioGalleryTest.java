package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.PipelineOptions;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static dev.perennial.serve.ServeApiTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image-search app's output is a Gradio gallery of files the server wrote: called through the official
 * {@code @gradio/client}, each item's URL downloads the very bytes of the image it ranked, and the file route still
 * refuses every other path, the ranked folder's own files included.
 */
class GradioGalleryTest {

    /** A server's options: the tiny CLIP (copied into {@code models}) as the image-search app on {@code images}. */
    static ServeOptions imageSearch(Path models, Path images) throws IOException {
        PipelineApiTest.copy(PipelineApiTest.REFERENCE.resolve("clip"), models.resolve("clip"));
        return new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null, ServeOptions.Limits.defaults(),
                images).withApps(List.of(AppSpec.parse("image-search=clip")));
    }

    @Test
    void imageSearchAnswersAGalleryWhoseUrlsDownloadTheRankedImages(@TempDir Path models, @TempDir Path images)
            throws Exception {
        ServeOptions options = imageSearch(models, images);
        Files.write(images.resolve("red.png"), PipelineApiTest.png(Color.RED));
        Files.createDirectories(images.resolve("more"));
        Files.write(images.resolve("more/blue.png"), PipelineApiTest.png(Color.BLUE));
        Files.write(images.resolve("green.png"), PipelineApiTest.png(Color.GREEN));
        Outputs.SearchHits expected;
        try (var pipeline = Pipeline.forTask(Task.IMAGE_SEARCH, models.resolve("clip").toString(),
                PipelineOptions.defaults().withImages(images))) {
            expected = pipeline.run(new Inputs.Query("a red square", 2));
        }
        try (WebServer server = WebServer.start(options)) {
            Path dir = NodeClient.GRADIO.installed();
            Files.writeString(dir.resolve("gallery.mjs"), """
                    import { Client } from "@gradio/client";
                    const client = await Client.connect(process.env.BASE_URL + "apps/image-search/");
                    const out = {};
                    out.api = await client.view_api();
                    out.gallery = (await client.predict("/predict", { query: "a red square", top: 2 })).data[0];
                    console.log(JSON.stringify(out));
                    """);
            JsonNode out = JSON.readTree(NodeClient.run(dir, "gallery.mjs", server.url()));

            JsonNode returns = out.path("api").path("named_endpoints").path("/predict").path("returns").get(0);
            assertThat(returns.path("component").asText()).isEqualTo("Gallery");
            JsonNode info = ServeApiTest.json(ServeApiTest.get(server, "/apps/image-search/gradio_api/info"));
            JsonNode schema = info.path("named_endpoints").path("/predict").path("returns").get(0).path("type");
            assertThat(schema.path("title").asText()).isEqualTo("GalleryData");
            assertThat(schema.path("$defs").path("GalleryImage").path("required").get(0).asText()).isEqualTo("image");

            JsonNode gallery = out.path("gallery");
            assertThat(gallery).hasSize(2);
            for (int i = 0; i < 2; i++) {
                Outputs.SearchHit hit = expected.hits().get(i);
                JsonNode item = gallery.get(i);
                JsonNode image = item.path("image");
                assertThat(image.path("meta").path("_type").asText()).isEqualTo("gradio.FileData");
                assertThat(image.path("orig_name").asText()).isEqualTo(Path.of(hit.file()).getFileName().toString());
                assertThat(image.path("mime_type").asText()).isEqualTo("image/png");
                assertThat(image.path("is_stream").asBoolean(true)).isFalse();
                byte[] original = Files.readAllBytes(images.resolve(hit.file()));
                assertThat(image.path("size").asLong()).isEqualTo(original.length);
                assertThat(image.path("url").asText()).startsWith(server.url() + "apps/image-search/gradio_api/file=");
                HttpResponse<byte[]> downloaded = download(URI.create(image.path("url").asText()));
                assertThat(downloaded.statusCode()).isEqualTo(200);
                assertThat(downloaded.body()).as(hit.file()).isEqualTo(original);
                assertThat(item.path("caption").asText()).contains(hit.file())
                        .contains(String.format(Locale.ROOT, "%.3f", hit.score()));
            }

            String fileRoute = server.url() + "apps/image-search/gradio_api/file=";
            String served = gallery.get(0).path("image").path("path").asText();
            for (String other : List.of(images.resolve(expected.hits().getFirst().file()).toString(), "/etc/passwd",
                    served + "/../../../../../../etc/passwd", models.resolve("clip/config.json").toString())) {
                HttpResponse<byte[]> refused = download(URI.create(fileRoute + other));
                assertThat(refused.statusCode()).as(other).isIn(403, 404);
                assertThat(new String(refused.body(), StandardCharsets.UTF_8)).doesNotContain("root:", "model_type");
            }
        }
    }

    private static HttpResponse<byte[]> download(URI uri) throws Exception {
        return ServeApiTest.HTTP.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
