package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.audio.Audio;
import dev.perennial.audio.WavReader;
import dev.perennial.pipeline.ClapReference;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Requests;
import dev.perennial.pipeline.Task;
import dev.perennial.speech.TranscriptFormat;
import dev.perennial.speech.Transcription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import static dev.perennial.serve.ServeApiTest.JSON;
import static dev.perennial.serve.ServeApiTest.get;
import static dev.perennial.serve.ServeApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The audio apps of {@code perennial serve --app ...} driven by the official @gradio/client (npm) on the tiny
 * reference models: what they answer is compared with the same pipelines run in-process on the same files.
 */
class GradioAudioApiTest {

    static final String LABELS = "a dog, rain, a car engine, birds";

    @TempDir
    static Path models;
    @TempDir
    static Path work;

    static WebServer server;

    @BeforeAll
    static void start() throws IOException {
        prepareModels(models);
        server = WebServer.start(options(models));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The audio apps' tiny models under {@code dir}: clap (tools/reference/clap.py), vits (vits.py), whisper. */
    static void prepareModels(Path dir) throws IOException {
        PipelineApiTest.copy(ClapReference.DIR, dir.resolve("clap"));
        PipelineApiTest.copy(PipelineApiTest.REFERENCE.resolve("vits"), dir.resolve("vits"));
        PipelineApiTest.copy(PipelineApiTest.REFERENCE.resolve("whisper-model"), dir.resolve("whisper"));
    }

    /** The audio apps on the models of {@code dir}. */
    static ServeOptions options(Path dir) {
        return new ServeOptions(List.of(), List.of(dir), "127.0.0.1", 0, null, ServeOptions.Limits.defaults())
                .withApps(List.of(AppSpec.parse("zero-shot-audio-classification=clap"),
                        AppSpec.parse("text-to-speech=vits"), AppSpec.parse("automatic-speech-recognition=whisper")));
    }

    /** VITS's speech of {@code text}, in-process, with the app's defaults (speed 1, seed 555). */
    static Outputs.Speech speech(Path vits, String text) {
        try (var pipeline = Pipeline.forTask(Task.TEXT_TO_SPEECH, vits.toString())) {
            return pipeline.run(new Inputs.Speech(text));
        }
    }

    /** CLAP's scores of {@code labels} (comma-separated) for the audio file, in-process, best first. */
    static List<Outputs.LabelScore> clapLabels(Path clap, Path audio, String labels) {
        try (var pipeline = Pipeline.forTask(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, clap.toString())) {
            return pipeline.run(new Inputs.LabelledAudio(Audio.read(audio, Requests.AUDIO_RATE),
                    List.of(labels.split(",\\s*")), null)).labels().stream()
                    .sorted(Comparator.comparingDouble(Outputs.LabelScore::score).reversed()).toList();
        }
    }

    /** Gradio's label value against the pipeline's scores, label by label, within 1e-6. */
    static void assertLabel(JsonNode label, List<Outputs.LabelScore> expected) {
        JsonNode confidences = label.path("confidences");
        assertThat(confidences).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(confidences.get(i).path("label").asText()).isEqualTo(expected.get(i).label());
            assertThat(confidences.get(i).path("confidence").asDouble()).isCloseTo(expected.get(i).score(),
                    within(1e-6));
        }
        assertThat(label.path("label").asText()).isEqualTo(expected.getFirst().label());
    }

    @Test
    void theOfficialClientSendsAWavFileAndGetsTheLabelsOfThePipeline() throws Exception {
        Path dir = NodeClient.GRADIO.installed();
        Path wav = Files.write(work.resolve("clip.wav"), ClapReference.wav());
        Path text = Files.writeString(work.resolve("notes.wav"), "these are not the sounds you are looking for");
        Files.writeString(dir.resolve("audio.mjs"), """
                import { Client, handle_file } from "@gradio/client";
                const out = {};
                const clap = await Client.connect(process.env.BASE_URL + "apps/zero-shot-audio-classification/");
                out.api = await clap.view_api();
                out.labels = (await clap.predict("/predict", { audio: handle_file(process.env.WAV),
                    candidate_labels: process.env.LABELS })).data;
                try {
                    await clap.predict("/predict", { audio: handle_file(process.env.TEXT), candidate_labels: "a, b" });
                } catch (e) {
                    out.notAudio = e.message;
                }
                console.log(JSON.stringify(out));
                """);
        JsonNode out = JSON.readTree(NodeClient.run(dir, "audio.mjs", server.url(), "WAV", wav.toAbsolutePath()
                .toString(), "TEXT", text.toAbsolutePath().toString(), "LABELS", LABELS));

        JsonNode parameters = out.path("api").path("named_endpoints").path("/predict").path("parameters");
        assertThat(parameters.findValuesAsText("parameter_name")).containsExactly("audio", "candidate_labels",
                "hypothesis_template");
        JsonNode audio = parameters.get(0);
        assertThat(audio.path("component").asText()).isEqualTo("Audio");
        assertThat(audio.path("python_type").path("type").asText()).isEqualTo("filepath");
        // the client drops the schema of a file parameter (its get_type knows only Image); the server's info has it
        JsonNode info = json(get(server, "/apps/zero-shot-audio-classification/gradio_api/info"));
        assertThat(info.path("named_endpoints").path("/predict").path("parameters").get(0).path("type")
                .path("properties").path("meta").path("default").path("_type").asText()).isEqualTo("gradio.FileData");

        assertLabel(out.path("labels").get(0), clapLabels(models.resolve("clap"), wav, LABELS));
        assertThat(out.path("notAudio").asText()).startsWith("Audio 'notes.wav'").contains("not a decodable audio");
        assertThat(json(get(server, "/apps")).path("apps").findValuesAsText("name"))
                .containsExactly("zero-shot-audio-classification", "text-to-speech", "automatic-speech-recognition");
    }

    @Test
    void theOfficialClientGetsTheSpeechAsAWavFileOfThePipelinesSamples() throws Exception {
        Path dir = NodeClient.GRADIO.installed();
        Files.writeString(dir.resolve("speech.mjs"), """
                import { Client } from "@gradio/client";
                const out = {};
                const tts = await Client.connect(process.env.BASE_URL + "apps/text-to-speech/");
                out.api = await tts.view_api();
                out.file = (await tts.predict("/predict", { text: process.env.TEXT })).data[0];
                const answer = await fetch(out.file.url);
                out.status = answer.status;
                out.wav = Buffer.from(await answer.arrayBuffer()).toString("base64");
                console.log(JSON.stringify(out));
                """);
        String text = "Hello there.";
        JsonNode out = JSON.readTree(NodeClient.run(dir, "speech.mjs", server.url(), "TEXT", text));

        JsonNode returns = out.path("api").path("named_endpoints").path("/predict").path("returns");
        assertThat(returns.get(0).path("component").asText()).isEqualTo("Audio");
        JsonNode file = out.path("file");
        assertThat(file.path("meta").path("_type").asText()).isEqualTo("gradio.FileData");
        assertThat(file.path("mime_type").asText()).isIn("audio/wav", "audio/x-wav");
        assertThat(out.path("status").asInt()).isEqualTo(200);
        byte[] wav = java.util.Base64.getDecoder().decode(out.path("wav").asText());
        assertThat(file.path("size").asLong()).isEqualTo(wav.length);

        assertSpeech(wav, speech(models.resolve("vits"), text));
    }

    @Test
    void theOfficialClientSeesTheSpeechProgressSentenceBySentence() throws Exception {
        Path dir = NodeClient.GRADIO.installed();
        Files.writeString(dir.resolve("progress.mjs"), """
                import { Client } from "@gradio/client";
                const out = { progress: [] };
                const tts = await Client.connect(process.env.BASE_URL + "apps/text-to-speech/",
                    { events: ["data", "status"] });
                const job = tts.submit("/predict", { text: process.env.TEXT });
                for await (const message of job) {
                    if (message.type === "status" && message.progress_data) {
                        out.progress.push(message.progress_data);
                    }
                    if (message.type === "data") {
                        out.file = message.data[0];
                        break;
                    }
                }
                console.log(JSON.stringify(out));
                """);
        String text = "Hello there. How are you? Fine.";
        JsonNode out = JSON.readTree(NodeClient.run(dir, "progress.mjs", server.url(), "TEXT", text));

        List<String> steps = new java.util.ArrayList<>();
        for (JsonNode units : out.path("progress")) {
            JsonNode unit = units.get(0);
            steps.add(unit.path("index").asInt() + "/" + unit.path("length").asInt() + " " + unit.path("unit").asText());
        }
        assertThat(steps).containsExactly("1/3 sentences", "2/3 sentences", "3/3 sentences");
        assertThat(out.path("file").path("meta").path("_type").asText()).isEqualTo("gradio.FileData");
    }

    /** A WAV file of the app's holding the pipeline's speech: its rate, 16-bit, and each sample to the step. */
    static void assertSpeech(byte[] wav, Outputs.Speech expected) {
        assertThat(WavReader.header(wav, "speech").rate()).isEqualTo(expected.samplingRate());
        assertThat(WavReader.header(wav, "speech").bits()).isEqualTo(16);
        float[] samples = Audio.decode(wav, "speech", expected.samplingRate()).samples();
        assertThat(samples).hasSize(expected.waveform().length);
        for (int i = 0; i < samples.length; i++) {
            // WavWriter scales by 32767 and readers divide by 32768 (as soundfile and ffmpeg do): the
            // integer is the pipeline's sample rounded to the nearest step
            assertThat(samples[i] * 32768.0 / 32767).as("sample " + i).isCloseTo(expected.waveform()[i],
                    within(0.5001 / 32767));
        }
    }

    @Test
    void theAudioAppsOfferGeneratedExamples() throws Exception {
        JsonNode config = json(get(server, "/apps/zero-shot-audio-classification/config"));
        JsonNode samples = null;
        for (JsonNode c : config.path("components")) {
            if (c.path("type").asText().equals("dataset")) {
                samples = c.path("props").path("samples");
            }
        }
        assertThat(samples).as("the examples").isNotNull().hasSize(2);
        for (JsonNode sample : samples) {
            JsonNode fileData = sample.get(0);
            byte[] wav = GradioApiTest.getBytesFrom(server, "/apps/zero-shot-audio-classification/gradio_api/file="
                    + fileData.path("path").asText()).body();
            assertThat(WavReader.header(wav, "example").rate()).isEqualTo(48_000);
            assertThat(Audio.decode(wav, "example", 48_000).seconds()).isEqualTo(1.0);
            assertThat(sample.get(1).asText()).contains(",");
        }
    }

    @Test
    void theOfficialClientGetsTheTranscriptAndSegmentsOfThePipeline() throws Exception {
        Path dir = NodeClient.GRADIO.installed();
        // 5 s at 22.05 kHz: resampled to 16 kHz and cut into the tiny model's 2 s windows, merged again
        Path wav = Files.write(work.resolve("speech.wav"), dev.perennial.audio.TestSignals.wav16(
                dev.perennial.audio.TestSignals.signal(5 * 22_050, 11), 22_050));
        Files.writeString(dir.resolve("asr.mjs"), """
                import { Client, handle_file } from "@gradio/client";
                const asr = await Client.connect(process.env.BASE_URL + "apps/automatic-speech-recognition/");
                const out = { api: await asr.view_api() };
                out.data = (await asr.predict("/predict", { audio: handle_file(process.env.WAV) })).data;
                console.log(JSON.stringify(out));
                """);
        JsonNode out = JSON.readTree(NodeClient.run(dir, "asr.mjs", server.url(), "WAV",
                wav.toAbsolutePath().toString()));

        JsonNode endpoint = out.path("api").path("named_endpoints").path("/predict");
        assertThat(endpoint.path("parameters").findValuesAsText("component")).containsExactly("Audio");
        assertThat(endpoint.path("returns").findValuesAsText("component")).containsExactly("Textbox", "Json");
        Transcription expected;
        try (var asr = Pipeline.forTask(Task.AUTOMATIC_SPEECH_RECOGNITION, models.resolve("whisper").toString())) {
            expected = asr.run(Inputs.Recording.of(wav, true));
        }
        JsonNode pipelineJson = JSON.readTree(expected.render(TranscriptFormat.PIPELINE));
        assertThat(out.path("data").get(0).asText()).isEqualTo(expected.transcript().text());
        JsonNode chunks = out.path("data").get(1);
        assertThat(chunks.equals(TranscriptionApiTest.NUMBERS, pipelineJson.path("chunks")))
                .as(chunks + " against the pipeline's " + pipelineJson.path("chunks")).isTrue();
        assertThat(expected.transcript().segments()).as("the tiny model's segments").isNotEmpty();
    }
}
