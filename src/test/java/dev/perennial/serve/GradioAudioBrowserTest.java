package dev.perennial.serve;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.perennial.audio.Audio;
import dev.perennial.audio.TestSignals;
import dev.perennial.audio.Waveform;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;
import dev.perennial.pipeline.ClapReference;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import dev.perennial.speech.TranscriptFormat;
import dev.perennial.speech.Transcription;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Requests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.perennial.serve.GradioPagesBrowserTest.assertBars;
import static dev.perennial.serve.GradioPagesBrowserTest.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The audio apps' pages in the system's headless Chromium (see {@link WebAppBrowserTest}): a file chosen in the
 * page and a recording from Chromium's fake microphone (fed from a WAV file the test writes) are uploaded, and the
 * label bars drawn are CLAP's scores for the server's copy, computed in-process; screenshots go to
 * target/screenshots.
 */
class GradioAudioBrowserTest {

    static final String LABELS = GradioAudioApiTest.LABELS;
    static final int TONE_HZ = 600;
    static final int RATE = 48_000;
    static final String CLAP_APP = "zero-shot-audio-classification";

    @TempDir
    static Path models;
    @TempDir
    static Path work;

    static WebServer server;
    static Playwright playwright;
    static Browser browser;
    static Browser microphone;

    @BeforeAll
    static void start() throws Exception {
        GradioAudioApiTest.prepareModels(models);
        server = WebServer.start(GradioAudioApiTest.options(models));
        playwright = WebAppBrowserTest.playwright();
        browser = WebAppBrowserTest.chromium(playwright);
        // Chromium's fake capture device plays this file (media/audio/fake_audio_input_stream.cc: a PCM WAV,
        // converted to the stream's rate, looped); the fake UI grants the microphone without asking
        Path tone = Files.write(work.resolve("tone.wav"), TestSignals.wav16(tone(3 * RATE), RATE));
        microphone = WebAppBrowserTest.chromium(playwright, "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream", "--use-file-for-fake-audio-capture=" + tone.toAbsolutePath());
    }

    @AfterAll
    static void stop() throws Exception {
        WebAppBrowserTest.close(microphone, browser, playwright, server);
    }

    /** A sine of {@value #TONE_HZ} Hz at half scale, each sample a multiple of 1/32768 (exact in 16 bits). */
    static float[] tone(int length) {
        float[] out = new float[length];
        for (int n = 0; n < length; n++) {
            out[n] = Math.round(16384 * Math.sin(2 * Math.PI * TONE_HZ * n / RATE)) / 32768f;
        }
        return out;
    }

    static Page open(Browser on, String app) {
        Page page = on.newPage();
        page.navigate(server.url() + "apps/" + app + "/");
        page.waitForSelector("#gradio-app[data-ready=true]");
        return page;
    }

    /**
     * The server's copy of the file that the audio app's input plays, once its player names it (data-path): fetched
     * through GET file=PATH and saved under work/ as {@code name}.
     */
    static Path serversCopy(Page page, String name) throws Exception {
        return serversCopy(page, CLAP_APP, name);
    }

    /** As {@link #serversCopy(Page, String)}, on {@code app}'s page. */
    static Path serversCopy(Page page, String app, String name) throws Exception {
        page.waitForSelector("[data-label='Audio'] audio[data-path]");
        String stored = page.getAttribute("[data-label='Audio'] audio", "data-path");
        byte[] bytes = GradioApiTest.getBytesFrom(server, "/apps/" + app + "/gradio_api/file=" + stored).body();
        return Files.write(work.resolve(name), bytes);
    }

    static void submitAndAssertBars(Page page, Path audio) {
        page.fill(field("Candidate labels"), LABELS);
        page.click("#submit");
        page.waitForSelector(".gr-status[data-state=complete]");
        List<Outputs.LabelScore> expected = GradioAudioApiTest.clapLabels(models.resolve("clap"), audio, LABELS);
        assertBars(page, expected);
    }

    @Test
    void anAudioFileChosenInThePageIsUploadedPlayedAndClassified() throws Exception {
        Path wav = Files.write(work.resolve("clip.wav"), ClapReference.wav());
        try (Page page = open(browser, CLAP_APP)) {
            page.setInputFiles("[data-label='Audio'] input[type=file]", wav);
            assertThat(Files.readAllBytes(serversCopy(page, "uploaded.wav"))).isEqualTo(ClapReference.wav());
            submitAndAssertBars(page, wav);
            WebAppBrowserTest.screenshot(page, "app-zero-shot-audio-classification");
        }
    }

    @Test
    void aRecordingFromTheMicrophoneIsUploadedAsWebmDecodedAndClassified() throws Exception {
        try (Page page = open(microphone, CLAP_APP)) {
            page.click("[data-label='Audio'] .gr-record");
            page.waitForSelector(".gr-record[data-state=recording]");
            page.waitForTimeout(1500);
            page.click("[data-label='Audio'] .gr-record");
            Path recording = serversCopy(page, "recording.webm");
            byte[] bytes = Files.readAllBytes(recording);
            // WebM (EBML's magic number) holding Opus: what Chromium's MediaRecorder makes
            assertThat(bytes).startsWith(0x1A, 0x45, 0xDF, 0xA3);
            assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("A_OPUS");
            Waveform decoded = Audio.read(recording, Requests.AUDIO_RATE);
            assertThat(decoded.seconds()).isGreaterThan(0.5);
            assertThat(frequency(decoded)).as("the fake microphone's tone").isCloseTo(TONE_HZ, within(TONE_HZ * 0.05));
            submitAndAssertBars(page, recording);
            WebAppBrowserTest.screenshot(page, "app-microphone");
        }
    }

    @Test
    void aRecordingFromTheMicrophoneIsTranscribedAsThePipelineTranscribesTheServersCopy() throws Exception {
        String app = "automatic-speech-recognition";
        try (Page page = open(microphone, app)) {
            page.click("[data-label='Audio'] .gr-record");
            page.waitForSelector(".gr-record[data-state=recording]");
            page.waitForTimeout(2500);
            page.click("[data-label='Audio'] .gr-record");
            Path recording = serversCopy(page, app, "speech.webm");
            page.click("#submit");
            page.waitForSelector(".gr-status[data-state=complete]");
            Transcription expected;
            try (var asr = Pipeline.forTask(Task.AUTOMATIC_SPEECH_RECOGNITION, models.resolve("whisper").toString())) {
                expected = asr.run(Inputs.Recording.of(recording, true));
            }
            assertThat(page.inputValue(field("Transcription"))).isEqualTo(expected.transcript().text());
            JsonNode shown = Json.MAPPER.readTree(page.textContent("[data-label='Segments'] pre"));
            JsonNode chunks = Json.MAPPER.readTree(expected.render(TranscriptFormat.PIPELINE)).path("chunks");
            assertThat(shown.equals(TranscriptionApiTest.NUMBERS, chunks)).as(shown + " against " + chunks).isTrue();
            // what the random tiny model hears in it varies with where the fake device's loop was cut; the
            // recording itself must be the 2.5 s taken
            assertThat(Audio.read(recording, Requests.SPEECH_RATE).seconds()).isGreaterThan(2.0);
            WebAppBrowserTest.screenshot(page, "app-speech-recognition");
        }
    }

    @Test
    void clickingASoundExampleFillsTheAudioInput() throws Exception {
        try (Page page = open(browser, CLAP_APP)) {
            assertThat(page.textContent(".gr-sample[data-index='0']")).contains("beep.wav");
            page.click(".gr-sample[data-index='0']");
            Path beep = serversCopy(page, "beep.wav");
            assertThat(Audio.read(beep, ExampleSounds.RATE).samples()).hasSize(ExampleSounds.RATE
                    * ExampleSounds.SECONDS);
            page.click("#submit");
            page.waitForSelector(".gr-status[data-state=complete]");
            String labels = page.inputValue(field("Candidate labels"));
            assertBars(page, GradioAudioApiTest.clapLabels(models.resolve("clap"), beep, labels));
            WebAppBrowserTest.screenshot(page, "app-audio-example");
        }
    }

    @Test
    void theSpeechAppPlaysTheSpeechOfThePipeline() throws Exception {
        String text = "Hello there.";
        try (Page page = open(browser, "text-to-speech")) {
            page.fill(field("Text"), text);
            page.click("#submit");
            page.waitForSelector(".gr-status[data-state=complete]");
            page.waitForSelector(".gr-audio-output[src]");
            double duration = ((Number) page.evalOnSelector(".gr-audio-output", """
                    a => a.readyState >= 1 ? a.duration : new Promise(done =>
                        a.addEventListener("loadedmetadata", () => done(a.duration), { once: true }))"""))
                    .doubleValue();
            Outputs.Speech expected = GradioAudioApiTest.speech(models.resolve("vits"), text);
            assertThat(duration).isCloseTo(expected.waveform().length / (double) expected.samplingRate(),
                    within(1e-4));
            WebAppBrowserTest.screenshot(page, "app-text-to-speech");
        }
    }

    /** The tone's frequency from the zero crossings of the recording's louder part (past Opus's start-up). */
    static double frequency(Waveform audio) {
        float[] s = audio.samples();
        int from = s.length / 4;
        int to = s.length - s.length / 8;
        int crossings = 0;
        for (int n = from + 1; n < to; n++) {
            if ((s[n - 1] < 0) != (s[n] < 0)) {
                crossings++;
            }
        }
        return crossings / 2.0 / ((to - from - 1) / (double) audio.rate());
    }
}
