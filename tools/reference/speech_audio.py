"""Speech from Debian's espeak-ng at every rate the audio chain meets, mono and stereo, and what Whisper's and
CLAP's feature extractors make of each file after it is read, mixed down and resampled to the model's rate.

Run with Debian's Python (torch 1.13, torchaudio 0.13, numpy), with espeak-ng and ffmpeg installed
(apt-get install espeak-ng ffmpeg python3-torchaudio; espeak-ng only to regenerate this fixture):

    /usr/bin/python3 tools/reference/speech_audio.py src/test/resources/reference/speech_audio

It writes, deterministically for one espeak-ng version (gzip with mtime 0):
- files/speech-RATE-LAYOUT.wav: 16-bit PCM WAV of one English sentence (espeak-ng's 22,050 Hz voice, about 1.5 s),
  at 8, 16, 22.05, 44.1 and 48 kHz; the other rates are torchaudio.functional.resample of espeak-ng's samples in
  float64. Stereo at 8 and 22.05 kHz (left: the speech; right: a copy 30 ms later at half the level), mono at 16,
  44.1 and 48 kHz, so that every rate and both layouts appear and the WAVs stay near 0.5 MB.
- expected/*.gz and index.json: per file and model rate, the features of the file read as Perennial's
  audio.Audio.read documents it for WAV, computed here independently:
  1. torchaudio.load (16-bit scaled to [-1, 1) in float32);
  2. stereo to mono by ffmpeg itself (audio.ffmpeg_read at the file's own rate: -ac 1 only, no resampling), checked
     against the rule README and Mixdown state, (L + R)/sqrt(2) in float32;
  3. torchaudio.functional.resample to the model's rate in float64 (defaults: sinc, width 6, rolloff 0.99), then
     float32 as the Java Waveform holds it;
  4. whisper_features.log_mel (WhisperFeatureExtractor, 80 mels, a 2-second window so the arrays stay small:
     (80, 200) float64) at 16 kHz, and clap_features.input_mel (ClapFeatureExtractor of laion/clap-htsat-unfused,
     rand_trunc/repeatpad with max_length_s 1, so the 1.5 s of speech is cropped at a pinned offset: (101, 64)
     float32) at 48 kHz.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torchaudio
import torchaudio.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import audio  # noqa: E402
import clap_features  # noqa: E402
import whisper_features  # noqa: E402

SENTENCE = "Perennial hears speech."
ESPEAK = ["espeak-ng", "-v", "en-us", "-s", "175"]
SPEECH_RATE = 22050
LAYOUTS = [(8000, "stereo"), (16000, "mono"), (22050, "stereo"), (44100, "mono"), (48000, "mono")]
ECHO_SECONDS = 0.03
ECHO_GAIN = 0.5

WHISPER_CONFIG = {"feature_extractor_type": "WhisperFeatureExtractor", "feature_size": 80, "sampling_rate": 16000,
                  "hop_length": 160, "chunk_length": 2, "n_fft": 400, "padding_value": 0.0}
CLAP_CONFIG = {"feature_extractor_type": "ClapFeatureExtractor", "feature_size": clap_features.FEATURE_SIZE,
               "sampling_rate": clap_features.SAMPLING_RATE, "hop_length": clap_features.HOP_LENGTH,
               "max_length_s": 1, "fft_window_size": clap_features.FFT_WINDOW_SIZE,
               "frequency_min": clap_features.FREQUENCY_MIN, "frequency_max": clap_features.FREQUENCY_MAX,
               "top_db": None, "truncation": "rand_trunc", "padding": "repeatpad"}
CLAP_CROP_OFFSET = 12345


def espeak_version():
    return subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip()


def synthesise():
    """espeak-ng's samples of SENTENCE as float64 in [-1, 1) at SPEECH_RATE."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "speech.wav")
        subprocess.run(ESPEAK + ["-w", path, SENTENCE], check=True)
        wave, rate = torchaudio.load(path)
    assert rate == SPEECH_RATE and wave.shape[0] == 1, (rate, wave.shape)
    return wave[0].double().numpy()


def channels_at(speech, rate, layout):
    """The file's channels at `rate`: the speech, and for stereo a later, quieter copy."""
    delay = round(ECHO_SECONDS * SPEECH_RATE)
    sources = [speech]
    if layout == "stereo":
        sources.append(ECHO_GAIN * np.concatenate([np.zeros(delay), speech[:-delay]]))
    if rate == SPEECH_RATE:
        return sources
    return [F.resample(torch.from_numpy(s), SPEECH_RATE, rate).numpy() for s in sources]


def mono(path):
    """The file as one float32 channel at its own rate, mixed down by ffmpeg for stereo."""
    wave, rate = torchaudio.load(path)
    if wave.shape[0] == 1:
        return wave[0].numpy(), rate, 0.0
    with open(path, "rb") as f:
        mixed = audio.ffmpeg_read(f.read(), rate)
    c = np.float32(np.sqrt(0.5))
    rule = wave[0].numpy() * c + wave[1].numpy() * c
    assert mixed.shape == rule.shape, (mixed.shape, rule.shape)
    return mixed, rate, float(np.abs(mixed.astype(np.float64) - rule).max())


def at_model_rate(samples, rate, model_rate):
    """torchaudio's resampling in float64, held as float32 as the Java Waveform holds samples."""
    y = F.resample(torch.from_numpy(samples.astype(np.float64)), rate, model_rate).numpy()
    return y.astype(np.float32)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/reference/speech_audio"
    files = os.path.join(out, "files")
    os.makedirs(files, exist_ok=True)
    speech = synthesise()
    index = {"torch_version": torch.__version__, "torchaudio_version": torchaudio.__version__,
             "ffmpeg_version": audio.ffmpeg_version(), "espeak_ng_version": espeak_version(),
             "sentence": SENTENCE, "espeak_ng": ESPEAK, "speech_seconds": len(speech) / SPEECH_RATE,
             "whisper_config": WHISPER_CONFIG, "clap_config": CLAP_CONFIG, "clap_crop_offset": CLAP_CROP_OFFSET,
             "files": []}
    for rate, layout in LAYOUTS:
        name = f"speech-{rate}-{layout}"
        path = os.path.join(files, name + ".wav")
        audio.write_wav(path, rate, channels_at(speech, rate, layout), 16, False)
        samples, read_rate, mixdown_vs_rule = mono(path)
        assert read_rate == rate
        assert mixdown_vs_rule <= 1e-7, (name, mixdown_vs_rule)
        entry = {"file": "files/" + name + ".wav", "rate": rate, "channels": 2 if layout == "stereo" else 1,
                 "frames": int(samples.shape[0]), "ffmpeg_mixdown_vs_rule": mixdown_vs_rule}
        y16 = at_model_rate(samples, rate, WHISPER_CONFIG["sampling_rate"])
        whisper = whisper_features.log_mel(y16, WHISPER_CONFIG)
        entry["whisper"] = {"samples": int(y16.shape[0]), "shape": list(whisper.shape),
                            "expected": audio.save_array(out, name + "-whisper.f64", whisper, "<f8")}
        y48 = at_model_rate(samples, rate, CLAP_CONFIG["sampling_rate"])
        clap = clap_features.input_mel(y48.astype(np.float64), CLAP_CROP_OFFSET, CLAP_CONFIG["max_length_s"])
        entry["clap"] = {"samples": int(y48.shape[0]), "shape": list(clap.shape),
                         "expected": audio.save_array(out, name + "-clap.f32", clap, "<f4")}
        index["files"].append(entry)
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
