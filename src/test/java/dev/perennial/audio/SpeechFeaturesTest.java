package dev.perennial.audio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.ReferenceFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole chain on speech: espeak-ng's sentence in WAV files at 8, 16, 22.05, 44.1 and 48 kHz, mono and stereo,
 * read with {@link Audio#read} at each model's rate, against tools/reference/speech_audio.py (torchaudio.load,
 * ffmpeg's own mixdown, torchaudio's float64 resampling, then the float64 Whisper and the CLAP feature references).
 * The feature tests' own tolerances hold on the whole chain; measured: Whisper 1.2e-8 (log10 units, (x + 4) / 4
 * scaled; the complex64 rounding of the STFT, as in WhisperFeaturesTest), CLAP 0 dB (the same float32 values).
 */
class SpeechFeaturesTest {

    private static final Path DIR = Path.of("src/test/resources/reference/speech_audio");

    @Test
    void whisperFeaturesOfEveryFileMatchTheReference() {
        JsonNode index = ReferenceFiles.index(DIR);
        WhisperFeatures whisper = new WhisperFeatures(
                WhisperFeatureConfig.parse(index.get("whisper_config"), DIR.resolve("index.json") + " whisper_config"));
        double worst = 0;
        for (JsonNode f : index.get("files")) {
            JsonNode expected = f.get("whisper");
            double[][] got = whisper.extract(read(f, expected, whisper.config().samplingRate()));
            assertEquals(expected.get("shape").get(0).asInt(), got.length);
            assertEquals(expected.get("shape").get(1).asInt(), got[0].length);
            double diff = maxDiff(got, ReferenceFiles.doubles(DIR.resolve(expected.get("expected").asText())));
            worst = Math.max(worst, agrees("Whisper", f, diff, WhisperFeaturesTest.TOLERANCE));
        }
        System.out.printf("speech Whisper features: %d files, worst %.2e%n", index.get("files").size(), worst);
    }

    @Test
    void clapFeaturesOfEveryFileMatchTheReference() {
        JsonNode index = ReferenceFiles.index(DIR);
        ClapConfig config = ClapConfig.parse(index.get("clap_config"), DIR.resolve("index.json") + " clap_config");
        ClapFeatures clap = new ClapFeatures(config);
        int offset = index.get("clap_crop_offset").asInt();
        double worst = 0;
        for (JsonNode f : index.get("files")) {
            JsonNode expected = f.get("clap");
            Waveform audio = read(f, expected, config.samplingRate());
            assertTrue(audio.samples().length > config.maxSamples(), "the speech is cropped, so the offset counts");
            ClapFeatures.Mel mel = clap.extract(audio.samples(), offset);
            assertEquals(1, mel.channels().length);
            assertTrue(mel.longer());
            assertEquals(expected.get("shape").get(0).asInt(), mel.frames());
            assertEquals(expected.get("shape").get(1).asInt(), mel.mels());
            float[] want = ReferenceFiles.floats(DIR.resolve(expected.get("expected").asText()));
            worst = Math.max(worst, agrees("CLAP", f, Reference.maxDiff(mel.flat(), want), ClapFeaturesTest.TOLERANCE));
        }
        System.out.printf("speech CLAP features: %d files, worst %.2e dB%n", index.get("files").size(), worst);
    }

    @Test
    void theFilesCoverEveryRateAndBothLayoutsWithStereoChannelsThatDiffer() throws Exception {
        Set<Integer> rates = new HashSet<>();
        Set<Integer> layouts = new HashSet<>();
        for (JsonNode f : ReferenceFiles.index(DIR).get("files")) {
            Path file = DIR.resolve(f.get("file").asText());
            Channels channels = WavReader.read(Files.readAllBytes(file), file.toString());
            assertEquals(f.get("rate").asInt(), channels.rate());
            assertEquals(f.get("channels").asInt(), channels.channels().length, file.toString());
            rates.add(channels.rate());
            layouts.add(channels.channels().length);
            if (channels.channels().length == 2) {
                float[] left = channels.channels()[0];
                float[] right = channels.channels()[1];
                double apart = 0;
                for (int i = 0; i < left.length; i++) {
                    apart = Math.max(apart, Math.abs(left[i] - right[i]));
                }
                // the right channel is a later, half-level copy: the two differ by far more than a quantum
                assertTrue(apart > 0.1, file + ": channels differ by at most " + apart);
            }
        }
        assertEquals(Set.of(8000, 16000, 22050, 44100, 48000), rates);
        assertEquals(Set.of(1, 2), layouts);
    }

    /** The file as Audio.read gives it at the model's rate, as long as the reference's resampled samples. */
    private static Waveform read(JsonNode file, JsonNode expected, int rate) {
        Waveform audio = Audio.read(DIR.resolve(file.get("file").asText()), rate);
        assertEquals(expected.get("samples").asInt(), audio.samples().length, file.get("file").asText());
        return audio;
    }

    private static double agrees(String features, JsonNode file, double diff, double tolerance) {
        String what = "speech " + features + " features " + file.get("file").asText();
        System.out.printf("%s: max |java - reference| = %.2e%n", what, diff);
        assertTrue(diff <= tolerance, what + ": " + diff);
        return diff;
    }

    private static double maxDiff(double[][] got, double[] expected) {
        int frames = got[0].length;
        assertEquals(expected.length, got.length * frames);
        double max = 0;
        for (int m = 0; m < got.length; m++) {
            for (int t = 0; t < frames; t++) {
                max = Math.max(max, Math.abs(got[m][t] - expected[m * frames + t]));
            }
        }
        return max;
    }
}
