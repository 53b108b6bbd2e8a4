"""Whisper's log-mel input features in float64, and the signals they are computed from.

Written from transformers' WhisperFeatureExtractor (numpy path), without transformers itself; run with Debian's
Python and numpy only:

    /usr/bin/python3 tools/reference/whisper_features.py src/test/resources/reference/whisper

Sources (huggingface/transformers, src/transformers/):
- models/whisper/feature_extraction_whisper.py: __init__ (n_samples = chunk_length * sampling_rate; mel_filter_bank
  with min 0 Hz, max 8000 Hz, norm and mel_scale "slaney"), __call__ (float64 input cast to float32, padded with
  padding_value or truncated to n_samples), _np_extract_fbank_features (spectrogram with a periodic Hann window,
  power 2.0, log_mel "log10"; log_spec[:, :-1]; np.maximum(log_spec, log_spec.max() - 8.0); (log_spec + 4.0) / 4.0).
- audio_utils.py (commit 0068e970): hertz_to_mel / mel_to_hertz (slaney: linear below 1 kHz, 27 / ln 6.4 mels per
  e-fold above), _create_triangular_filter_bank, mel_filter_bank (lines ~420-510: linspace of mels, fft_freqs =
  linspace(0, sampling_rate // 2, bins), slaney enorm 2 / (f[i+2] - f[i])), window_function (hann, periodic:
  np.hanning(n + 1)[:-1]), spectrogram (center: np.pad reflect by frame_length // 2; frames every hop_length;
  rfft; |X| ** 2; np.maximum(mel_floor 1e-10, mel_filters.T @ spec); np.log10).
Kept in float64 throughout: transformers stores the STFT as complex64 and returns float32, a rounding of about 1e-7
relative that the Java tests' tolerance covers.

It writes (deterministic; gzip with mtime 0): inputs/*.gz (float32 little-endian samples), expected/*.gz (float64
little-endian, [mel][frame] row-major, only the listed frames), index.json.
"""
import gzip
import json
import os
import sys
import time

import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/reference/whisper"


def hertz_to_mel_slaney(freq):
    freq = np.asarray(freq, dtype=np.float64)
    mels = 3.0 * freq / 200.0
    log_region = freq >= 1000.0
    mels = np.where(log_region, 15.0 + np.log(np.where(log_region, freq, 1000.0) / 1000.0) * (27.0 / np.log(6.4)),
                    mels)
    return mels


def mel_to_hertz_slaney(mels):
    mels = np.asarray(mels, dtype=np.float64)
    freq = 200.0 * mels / 3.0
    log_region = mels >= 15.0
    return np.where(log_region, 1000.0 * np.exp(np.log(6.4) / 27.0 * (mels - 15.0)), freq)


def mel_filter_bank(num_frequency_bins, num_mel_filters, min_frequency, max_frequency, sampling_rate):
    """(num_frequency_bins, num_mel_filters), slaney scale and slaney norm."""
    mel_freqs = np.linspace(hertz_to_mel_slaney(min_frequency), hertz_to_mel_slaney(max_frequency),
                            num_mel_filters + 2)
    filter_freqs = mel_to_hertz_slaney(mel_freqs)
    fft_freqs = np.linspace(0, sampling_rate // 2, num_frequency_bins)
    filter_diff = np.diff(filter_freqs)
    slopes = np.expand_dims(filter_freqs, 0) - np.expand_dims(fft_freqs, 1)
    down = -slopes[:, :-2] / filter_diff[:-1]
    up = slopes[:, 2:] / filter_diff[1:]
    filters = np.maximum(np.zeros(1), np.minimum(down, up))
    enorm = 2.0 / (filter_freqs[2:num_mel_filters + 2] - filter_freqs[:num_mel_filters])
    return filters * np.expand_dims(enorm, 0)


def log_mel(samples, config):
    """WhisperFeatureExtractor.__call__ for one array, float64 after the float32 cast: (feature_size, frames)."""
    n_fft, hop = config["n_fft"], config["hop_length"]
    n_samples = config["chunk_length"] * config["sampling_rate"]
    x = np.asarray(samples, dtype=np.float32)[:n_samples]
    x = np.pad(x, (0, n_samples - len(x)), constant_values=config["padding_value"]).astype(np.float64)
    x = np.pad(x, (n_fft // 2, n_fft // 2), mode="reflect")
    window = np.hanning(n_fft + 1)[:-1]
    num_frames = 1 + (len(x) - n_fft) // hop
    frames = np.stack([x[i * hop:i * hop + n_fft] for i in range(num_frames)]) * window
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2  # (frames, bins)
    filters = mel_filter_bank(1 + n_fft // 2, config["feature_size"], 0.0, 8000.0, config["sampling_rate"])
    spec = np.log10(np.maximum(1e-10, filters.T @ power.T))[:, :-1]
    spec = np.maximum(spec, spec.max() - 8.0)
    return (spec + 4.0) / 4.0


def save(rel, arr, dtype):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(np.ascontiguousarray(arr, dtype=dtype).tobytes())
    return rel


def chirp(seconds, rate=16000):
    t = np.arange(int(rate * seconds)) / rate
    return 0.5 * np.sin(2 * np.pi * (100 * t + (7000 - 100) / (2 * seconds) * t * t))


if __name__ == "__main__":
    rng = np.random.default_rng(19)
    signals = {
        "chirp": chirp(1.0),                                              # exactly n_samples of the short config
        "noise": 0.3 * rng.standard_normal(9600),                         # 0.6 s, padded
        "silence": np.zeros(8000),                                        # all at the 1e-10 floor
        "clip": 0.8 * np.sin(2 * np.pi * 440 * np.arange(4800) / 16000) * np.exp(-np.arange(4800) / 2000.0),  # 0.3 s
        "long": chirp(1.7) + 0.05 * rng.standard_normal(27200),           # 1.7 s, truncated in the short config
    }
    index = {"numpy_version": np.__version__, "inputs": {}, "cases": []}
    for name, s in signals.items():
        index["inputs"][name] = save("inputs/" + name + ".gz", s.astype(np.float32), "<f4")

    base = {"sampling_rate": 16000, "hop_length": 160, "n_fft": 400, "padding_value": 0.0}
    short80 = dict(base, feature_size=80, chunk_length=1)
    short128 = dict(base, feature_size=128, chunk_length=1)
    full80 = dict(base, feature_size=80, chunk_length=30)
    full128 = dict(base, feature_size=128, chunk_length=30)
    few = list(range(0, 8)) + list(range(165, 175)) + list(range(1490, 1495)) + list(range(2992, 3000))


    def case(name, signal, tile, config, frames=None):
        samples = np.tile(signals[signal].astype(np.float32), tile)
        start = time.perf_counter()
        spec = log_mel(samples, config)
        seconds = time.perf_counter() - start
        frames = frames if frames is not None else list(range(spec.shape[1]))
        index["cases"].append({"name": name, "input": signal, "tile": tile, "config": config,
                               "shape": list(spec.shape), "frames": frames, "numpy_seconds": round(seconds, 4),
                               "expected": save("expected/" + name + ".gz", spec[:, frames], "<f8")})


    for signal in signals:
        case(signal + "-80", signal, 1, short80)
    case("chirp-128", "chirp", 1, short128)
    case("long-128", "long", 1, short128)
    case("clip-full-80", "clip", 1, full80, few)       # 0.3 s padded to 30 s
    case("long-full-128", "long", 20, full128, few)    # 34 s, truncated to 30 s
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
