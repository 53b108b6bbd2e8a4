"""Reference audio files and what torchaudio and transformers' ffmpeg_read make of them.

Run with Debian's Python, which has torch 1.13 and torchaudio 0.13 (apt-get install python3-torchaudio ffmpeg),
not the pyenv one:

    /usr/bin/python3 tools/reference/audio.py src/test/resources/reference/audio

It writes, deterministically (fixed seeds; gzip with mtime 0):
- files/: WAV files written here byte by byte (PCM 8/16/24/32-bit, float 32/64, WAVE_FORMAT_EXTENSIBLE), and
  FLAC, MP3, OGG/Vorbis and WebM/Opus files encoded from the same signal by Debian's ffmpeg;
- expected/*.gz: raw little-endian float32 or float64 arrays;
- index.json: what each array is.

The expected values come from:
- wav: torchaudio.load(path) (normalize=True: integers scaled to [-1, 1) as float32), channels first;
- ffmpeg_read: transformers.pipelines.audio_utils.ffmpeg_read, re-written here with the same ffmpeg arguments
  (ffmpeg -i pipe:0 -ac 1 -ar RATE -f f32le ... pipe:1): the compressed files at 16 and 48 kHz, the WAVs at 16;
- resample: torchaudio.functional.resample(x, orig, new) with its defaults (lowpass_filter_width 6, rolloff 0.99,
  Hann-windowed sinc), in float64 and in float32.
"""
import gzip
import json
import math
import os
import struct
import subprocess
import sys

import numpy as np
import torch
import torchaudio
import torchaudio.functional as F



def ffmpeg_version():
    return subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split("\n")[0]


def save_array(out, name, arr, dtype):
    """Writes arr as out/expected/NAME.gz, raw little-endian dtype ("<f4" or "<f8") gzipped with mtime 0; returns
    the path relative to out."""
    os.makedirs(os.path.join(out, "expected"), exist_ok=True)
    with open(os.path.join(out, "expected", name + ".gz"), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(np.ascontiguousarray(arr, dtype=dtype).tobytes())
    return "expected/" + name + ".gz"


def chirp(rate, seconds):
    """A linear sweep from 100 Hz to 0.45 of the rate, amplitude 0.5."""
    t = np.arange(int(rate * seconds)) / rate
    f1 = 0.45 * rate
    return 0.5 * np.sin(2 * np.pi * (100 * t + (f1 - 100) / (2 * seconds) * t * t))


def noise(rate, seconds, seed):
    return np.clip(np.random.default_rng(seed).normal(0, 0.2, int(rate * seconds)), -1, 1)


def tone(rate, seconds, freq, amplitude):
    t = np.arange(int(rate * seconds)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)


# --- resampling ---------------------------------------------------------------------------------------------------
def resample_cases(index, save):
    for rate in (8000, 22050, 44100):
        for kind, signal in (("chirp", chirp(rate, 0.1)), ("noise", noise(rate, 0.05, rate))):
            name = f"{kind}-{rate}"
            entry = {"name": name, "rate": rate, "input": save(name + ".f64", signal, "<f8"), "outputs": []}
            for new in (16000, 48000):
                y64 = F.resample(torch.from_numpy(signal), rate, new).numpy()
                y32 = F.resample(torch.from_numpy(signal.astype(np.float32)), rate, new).numpy()
                entry["outputs"].append({"rate": new, "length": int(y64.shape[0]),
                                         "float64": save(f"{name}-to-{new}.f64", y64, "<f8"),
                                         "float32": save(f"{name}-to-{new}.f32", y32, "<f4")})
            index["resample"].append(entry)


# --- WAV files ----------------------------------------------------------------------------------------------------
def quantize(x, bits):
    """Float in [-1, 1] to signed integers of the given width (rounded, clipped)."""
    top = 2 ** (bits - 1)
    return np.clip(np.rint(x * top), -top, top - 1).astype(np.int64)


def pcm_bytes(channels, bits, floating):
    frames = np.stack(channels, axis=1)  # interleaved
    if floating:
        return frames.astype("<f4" if bits == 32 else "<f8").tobytes()
    if bits == 8:
        return (quantize(frames, 8) + 128).astype(np.uint8).tobytes()
    q = quantize(frames, bits)
    if bits == 24:
        b = q.astype("<i4").tobytes()
        return b"".join(b[i:i + 3] for i in range(0, len(b), 4))
    return q.astype("<i2" if bits == 16 else "<i4").tobytes()


def write_wav(path, rate, channels, bits, floating, extensible=False, extra_chunk=False):
    """Writes a WAV file byte by byte: channels is a list of float arrays in [-1, 1], one per channel."""
    data = pcm_bytes(channels, bits, floating)
    n = len(channels)
    tag = 3 if floating else 1
    block = n * bits // 8
    fmt = struct.pack("<HHIIHH", 0xFFFE if extensible else tag, n, rate, rate * block, block, bits)
    if extensible:
        mask = 0x3 if n == 2 else 0x4
        guid = struct.pack("<H", tag) + bytes.fromhex("000000001000800000aa00389b71")
        fmt += struct.pack("<HHI", 22, bits, mask) + guid
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    if extra_chunk:  # a LIST chunk of odd size, with its pad byte, before the data
        info = b"INFOISFT\x05\x00\x00\x00test\x00"
        chunks += b"LIST" + struct.pack("<I", len(info)) + info + b"\x00"
    chunks += b"data" + struct.pack("<I", len(data)) + data
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks)


def wav_cases(index, save, files):
    left = tone(16000, 0.25, 440, 0.4)
    right = chirp(16000, 0.25) * 0.8
    index["signals"].append({"name": "left", "rate": 16000, "expected": save("signal-left.f64", left, "<f8"),
                             "what": "0.4 sin(2 pi 440 t), 0.25 s at 16 kHz"})
    index["signals"].append({"name": "right", "rate": 16000, "expected": save("signal-right.f64", right, "<f8"),
                             "what": "0.4 x linear chirp 100 Hz to 7.2 kHz, 0.25 s at 16 kHz"})
    wavs = [
        ("mono-u8.wav", 16000, [left], 8, False, {}),
        ("mono-s16.wav", 16000, [left], 16, False, {}),
        ("stereo-s16.wav", 16000, [left, right], 16, False, {"extra_chunk": True}),
        ("stereo-s24.wav", 16000, [left, right], 24, False, {}),
        ("mono-s32.wav", 16000, [left], 32, False, {}),
        ("stereo-f32.wav", 16000, [left, right], 32, True, {}),
        ("mono-f64.wav", 16000, [left], 64, True, {}),
        ("stereo-s16-extensible.wav", 16000, [left, right], 16, False, {"extensible": True}),
        ("mono-f32-extensible.wav", 16000, [left], 32, True, {"extensible": True}),
        ("mono-s16-44100.wav", 44100, [chirp(44100, 0.25)], 16, False, {}),
    ]
    for name, rate, channels, bits, floating, extra in wavs:
        write_wav(os.path.join(files, name), rate, channels, bits, floating, **extra)
        wave, sr = torchaudio.load(os.path.join(files, name))
        index["wav"].append({"file": "files/" + name, "rate": sr, "channels": wave.shape[0],
                             "frames": wave.shape[1], "bits": bits, "float": floating,
                             "expected": save("wav-" + name + ".f32", wave.numpy(), "<f4")})
    return [name for name, *_ in wavs]


# --- compressed files, encoded by ffmpeg from the stereo 16-bit WAV ---------------------------------------------
def ffmpeg_read(bpayload, sampling_rate):
    """transformers.pipelines.audio_utils.ffmpeg_read, same arguments."""
    command = ["ffmpeg", "-i", "pipe:0", "-ac", "1", "-ar", f"{sampling_rate}", "-f", "f32le",
               "-hide_banner", "-loglevel", "quiet", "pipe:1"]
    out = subprocess.run(command, input=bpayload, stdout=subprocess.PIPE, check=True).stdout
    return np.frombuffer(out, np.float32)


ENCODED = [
    ("stereo.flac", ["-c:a", "flac"]),
    ("stereo.mp3", ["-c:a", "libmp3lame", "-b:a", "128k"]),
    ("stereo.ogg", ["-c:a", "libvorbis", "-q:a", "6"]),
    # what Chromium's MediaRecorder makes: Opus at 48 kHz in WebM
    ("mono-48k.webm", ["-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "96k"]),
]


def ffmpeg_cases(index, save, files, wav_names):
    for name, args in ENCODED:
        path = os.path.join(files, name)
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i",
                        os.path.join(files, "stereo-s16.wav"), *args, "-map_metadata", "-1",
                        "-fflags", "+bitexact", "-flags:a", "+bitexact", path], check=True)
    # compressed files at both model rates; every WAV file at 16 kHz (its own rate, but one)
    reads = [(name, (16000, 48000)) for name, _ in ENCODED] + [(name, (16000,)) for name in wav_names]
    for name, rates in reads:
        with open(os.path.join(files, name), "rb") as f:
            payload = f.read()
        for rate in rates:
            y = ffmpeg_read(payload, rate)
            index["ffmpeg_read"].append({"file": "files/" + name, "rate": rate, "length": int(y.shape[0]),
                                         "expected": save(f"ffmpeg-{name}-{rate}.f32", y, "<f4")})


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/reference/audio"
    files = os.path.join(out, "files")
    os.makedirs(files, exist_ok=True)

    def save(name, arr, dtype):
        return save_array(out, name, arr, dtype)

    index = {"torch_version": torch.__version__, "torchaudio_version": torchaudio.__version__,
             "ffmpeg_version": ffmpeg_version(), "signals": [], "wav": [], "ffmpeg_read": [], "resample": []}
    resample_cases(index, save)
    wav_names = wav_cases(index, save, files)
    ffmpeg_cases(index, save, files, wav_names)
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
