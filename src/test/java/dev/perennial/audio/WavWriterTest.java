package dev.perennial.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The WAV writer, checked by Python's own wave module (Debian's python3) and by reading back with WavReader. */
class WavWriterTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    private static final float[] SAMPLES = {0f, 0.5f, -0.5f, 1f, -1f, 1.7f, -3f, 0.25f, 1e-5f, -0.99999f, 0.123456f};

    @Test
    void pythonsWaveModuleReadsTheRateLengthAndSamples() throws Exception {
        Path file = tmp.resolve("speech.wav");
        WavWriter.write(file, new Waveform(SAMPLES, 22050));
        assertThat(Files.isExecutable(PYTHON)).as("Debian's python3 reads the WAV independently (apt-get install "
                + "python3)").isTrue();
        String script = """
                import sys, wave, struct
                w = wave.open(sys.argv[1], 'rb')
                n = w.getnframes()
                print(w.getnchannels(), w.getsampwidth(), w.getframerate(), n, w.getcomptype())
                print(' '.join(str(v) for v in struct.unpack('<%dh' % n, w.readframes(n))))
                """;
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", script, file.toString()).redirectErrorStream(true)
                .start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.waitFor()).as(String.join("\n", lines)).isZero();
        assertThat(lines.get(0)).isEqualTo("1 2 22050 " + SAMPLES.length + " NONE");
        // 16-bit PCM: clipped to [-1, 1], times 32767, rounded
        assertThat(lines.get(1)).isEqualTo("0 16384 -16384 32767 -32767 32767 -32767 8192 0 -32767 4045");
    }

    @Test
    void wavReaderReadsBackWhatWasWritten() throws IOException {
        Path file = tmp.resolve("back.wav");
        WavWriter.write(file, new Waveform(SAMPLES, 16000));
        byte[] bytes = Files.readAllBytes(file);
        WavHeader header = WavReader.header(bytes, "back.wav");
        assertThat(header.rate()).isEqualTo(16000);
        assertThat(header.bits()).isEqualTo(16);
        assertThat(header.channels()).isEqualTo(1);
        Channels back = WavReader.read(bytes, "back.wav");
        float[] mono = back.channels()[0];
        assertThat(mono).hasSize(SAMPLES.length);
        for (int i = 0; i < SAMPLES.length; i++) {
            float clipped = Math.max(-1f, Math.min(1f, SAMPLES[i]));
            assertThat((double) mono[i]).as("sample " + i).isCloseTo(clipped, org.assertj.core.api.Assertions.within(
                    1.0 / 32767));
        }
    }

    @Test
    void rawPcmIsTheWavFileWithoutItsHeader() {
        Waveform audio = new Waveform(SAMPLES, 8000);
        byte[] wav = WavWriter.wav(audio);
        assertThat(Arrays.copyOfRange(wav, 44, wav.length)).isEqualTo(WavWriter.pcm16(SAMPLES));
        assertThat(wav).hasSize(44 + 2 * SAMPLES.length);
    }
}
