"""What transformers' ClapFeatureExtractor makes of a few signals, for laion/clap-htsat-unfused.

Run with Debian's Python and numpy only (apt-get install python3-numpy; transformers is not needed; where
python3-torchaudio is installed it also prints an independent cross-check against torchaudio and torch.stft):

    /usr/bin/python3 tools/reference/clap_features.py src/test/resources/reference/clap

Written from transformers' source, not imported from it (line numbers are those of the files at the commits the
project read: feature_extraction_clap.py 9077d06641ff, audio_utils.py e78010218c7f):
- ClapFeatureExtractor.__init__ (feature_extraction_clap.py l.86-135): mel_filters = mel_filter_bank(norm=None,
  mel_scale="htk"), mel_filters_slaney = mel_filter_bank(norm="slaney", mel_scale="slaney"), 513 bins;
- _np_extract_fbank_features (l.155-175): spectrogram(waveform, window_function(1024, "hann"), frame_length=1024,
  hop_length=480, power=2.0, mel_filters=..., log_mel="dB"), transposed to (frames, mels);
- _get_input_mel (l.199-252): longer than max_length with "rand_trunc": crop waveform[idx : idx + max_length] with
  idx = np.random.randint(0, overflow + 1) (here an explicit offset: numpy's RNG is not reproduced), slaney filters;
  shorter with "repeatpad": np.tile(waveform, int(max_length / len)) then zero padding to max_length;
- audio_utils.py: hertz_to_mel / mel_to_hertz (l.267-330), _create_triangular_filter_bank (l.353-373),
  mel_filter_bank (l.430-528), window_function (l.544-600: np.hanning(n + 1)[:-1]), spectrogram (l.603-802:
  reflect padding of frame_length // 2, frames in float64, rfft stored in complex64, |X|**2 in float64, mel dot,
  max(1e-10, .), power_to_db, cast to float32), power_to_db (l.872-915: 10 * (log10(clip(S, 1e-10)) - log10(1))).

The signals are integer formulas divided by 32768, exact in float32, so Java builds the same samples bit for bit
(ClapFeaturesTest.signal). Output: expected/NAME.gz, raw little-endian float32 (transformers' own output dtype, so
nothing is lost), shape (frames, 64); index.json lists the cases. Deterministic (gzip mtime 0).

truncation="fusion" (laion/clap-htsat-fused; feature_extraction_clap.py 9077d06641ff, _get_input_mel and
_random_mel_fusion): the HTK filters without norm (self.mel_filters) on the whole waveform; a clip longer than
max_length whose mel has more than chunk_frames = max_length // hop_length + 1 frames gives [the whole mel shrunk to
(chunk_frames, 64) by torch.nn.functional.interpolate(mode="bilinear", align_corners=False) on the float32 mel, as
transformers calls it (needs Debian's python3-torch), then mel[idx : idx + chunk_frames] for idx drawn from each of
np.array_split(range(total_frames - chunk_frames + 1), 3) (an empty third replaced by [0])]; here the three idx are
pinned and checked to lie in their thirds. A shorter clip is filled as above and its mel stacked 4 times. Saved per
fusion case: the whole mel and the shrunk one (the crops are its slices), or the one mel of a short clip; the thirds
of a few lengths go into index.json.
"""
import gzip
import json
import os
import sys

import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/reference/clap"

# laion/clap-htsat-unfused preprocessor_config.json
SAMPLING_RATE = 48000
FEATURE_SIZE = 64
FFT_WINDOW_SIZE = 1024
HOP_LENGTH = 480
FREQUENCY_MIN = 50
FREQUENCY_MAX = 14000
MAX_LENGTH_S = 10


def hertz_to_mel(freq, mel_scale):
    if mel_scale == "htk":
        return 2595.0 * np.log10(1.0 + (freq / 700.0))
    min_log_hertz = 1000.0
    min_log_mel = 15.0
    logstep = 27.0 / np.log(6.4)
    mels = 3.0 * freq / 200.0
    if isinstance(freq, np.ndarray):
        log_region = freq >= min_log_hertz
        mels[log_region] = min_log_mel + np.log(freq[log_region] / min_log_hertz) * logstep
    elif freq >= min_log_hertz:
        mels = min_log_mel + np.log(freq / min_log_hertz) * logstep
    return mels


def mel_to_hertz(mels, mel_scale):
    if mel_scale == "htk":
        return 700.0 * (np.power(10, mels / 2595.0) - 1.0)
    min_log_hertz = 1000.0
    min_log_mel = 15.0
    logstep = np.log(6.4) / 27.0
    freq = 200.0 * mels / 3.0
    log_region = mels >= min_log_mel
    freq[log_region] = min_log_hertz * np.exp(logstep * (mels[log_region] - min_log_mel))
    return freq


def mel_filter_bank(num_frequency_bins, num_mel_filters, min_frequency, max_frequency, sampling_rate, norm,
                    mel_scale):
    mel_min = hertz_to_mel(min_frequency, mel_scale)
    mel_max = hertz_to_mel(max_frequency, mel_scale)
    mel_freqs = np.linspace(mel_min, mel_max, num_mel_filters + 2)
    filter_freqs = mel_to_hertz(mel_freqs, mel_scale)
    fft_freqs = np.linspace(0, sampling_rate // 2, num_frequency_bins)
    filter_diff = np.diff(filter_freqs)
    slopes = np.expand_dims(filter_freqs, 0) - np.expand_dims(fft_freqs, 1)
    down_slopes = -slopes[:, :-2] / filter_diff[:-1]
    up_slopes = slopes[:, 2:] / filter_diff[1:]
    mel_filters = np.maximum(np.zeros(1), np.minimum(down_slopes, up_slopes))
    if norm == "slaney":
        enorm = 2.0 / (filter_freqs[2: num_mel_filters + 2] - filter_freqs[:num_mel_filters])
        mel_filters *= np.expand_dims(enorm, 0)
    return mel_filters


def log_mel_spectrogram(waveform, mel_filters):
    window = np.hanning(FFT_WINDOW_SIZE + 1)[:-1]
    half = FFT_WINDOW_SIZE // 2
    waveform = np.pad(waveform, [(half, half)], mode="reflect").astype(np.float64)
    num_frames = int(1 + np.floor((waveform.size - FFT_WINDOW_SIZE) / HOP_LENGTH))
    spec = np.empty((num_frames, FFT_WINDOW_SIZE // 2 + 1), dtype=np.complex64)
    for i in range(num_frames):
        frame = waveform[i * HOP_LENGTH: i * HOP_LENGTH + FFT_WINDOW_SIZE] * window
        spec[i] = np.fft.rfft(frame)
    power = np.abs(spec, dtype=np.float64) ** 2.0
    mel = np.maximum(1e-10, np.dot(mel_filters.T, power.T))
    db = 10.0 * (np.log10(np.clip(mel, 1e-10, None)) - np.log10(1.0))
    return np.asarray(db, np.float32).T


def input_mel(waveform, crop_offset, max_length_s=MAX_LENGTH_S):
    max_length = max_length_s * SAMPLING_RATE
    if waveform.shape[0] > max_length:
        waveform = waveform[crop_offset: crop_offset + max_length]
    elif waveform.shape[0] < max_length:
        waveform = np.tile(waveform, int(max_length / len(waveform)))
        waveform = np.pad(waveform, (0, max_length - waveform.shape[0]), mode="constant", constant_values=0)
    slaney = mel_filter_bank(FFT_WINDOW_SIZE // 2 + 1, FEATURE_SIZE, FREQUENCY_MIN, FREQUENCY_MAX, SAMPLING_RATE,
                             "slaney", "slaney")
    return log_mel_spectrogram(waveform, slaney)


def fusion_thirds(starts):
    """_random_mel_fusion's ranges as [first, last + 1) pairs."""
    ranges = [list(r) for r in np.array_split(list(range(0, starts)), 3)]
    for i in (1, 2):
        if len(ranges[i]) == 0:
            ranges[i] = [0]
    return [[int(r[0]), int(r[-1]) + 1] for r in ranges]


def fusion_input_mel(waveform, crops, max_length_s=MAX_LENGTH_S):
    """_get_input_mel with truncation="fusion": (channels, frames, 64) float32 and is_longer; crops pins idx_front,
    idx_middle and idx_back."""
    import torch
    max_length = max_length_s * SAMPLING_RATE
    htk = mel_filter_bank(FFT_WINDOW_SIZE // 2 + 1, FEATURE_SIZE, FREQUENCY_MIN, FREQUENCY_MAX, SAMPLING_RATE,
                          None, "htk")
    if waveform.shape[0] > max_length:
        mel = log_mel_spectrogram(waveform, htk)
        chunk_frames = max_length // HOP_LENGTH + 1
        total_frames = mel.shape[0]
        if chunk_frames == total_frames:
            return np.stack([mel, mel, mel, mel], axis=0), False, mel
        thirds = fusion_thirds(total_frames - chunk_frames + 1)
        for idx, (lo, hi) in zip(crops, thirds):
            assert lo <= idx < hi, (idx, lo, hi)
        chunks = [mel[idx: idx + chunk_frames, :] for idx in crops]
        shrink = torch.nn.functional.interpolate(torch.tensor(mel[None, None, :]), size=[chunk_frames, 64],
                                                 mode="bilinear", align_corners=False)[0][0].numpy()
        return np.stack([shrink] + chunks, axis=0), True, mel
    waveform = np.tile(waveform, int(max_length / len(waveform)))
    waveform = np.pad(waveform, (0, max_length - waveform.shape[0]), mode="constant", constant_values=0)
    mel = log_mel_spectrogram(waveform, htk)
    return np.stack([mel, mel, mel, mel], axis=0), False, mel


def signal(length, seed):
    """Integer triangle wave whose period grows every 0.1 s, plus LCG noise; a / 32768 is exact in float32."""
    out = np.empty(length, dtype=np.float32)
    s = seed
    for n in range(length):
        s = (s * 1103515245 + 12345) % (1 << 31)
        noise = (s >> 16) - 16384
        p = 40 + 7 * (n // 4800)
        tri = abs(2 * (n % p) - p) * 32768 // p - 16384
        out[n] = ((tri * 3 + noise) >> 2) / 32768.0
    return out


def write(name, array):
    path = os.path.join(OUT, "expected", name + ".gz")
    with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz:
        gz.write(np.ascontiguousarray(array, dtype="<f4").tobytes())
    return "expected/" + name + ".gz"


def cross_check_with_torchaudio():
    """Where Debian's python3-torchaudio is installed, an independent check of this port (printed, not saved):
    torchaudio's melscale_fbanks for both banks, torch.stft for the power spectrogram."""
    try:
        import torch
        import torchaudio.functional as F
    except ImportError:
        print("torchaudio not installed: cross-check skipped")
        return
    for norm, scale in ((None, "htk"), ("slaney", "slaney")):
        ours = mel_filter_bank(513, FEATURE_SIZE, FREQUENCY_MIN, FREQUENCY_MAX, SAMPLING_RATE, norm, scale)
        theirs = F.melscale_fbanks(513, float(FREQUENCY_MIN), float(FREQUENCY_MAX), FEATURE_SIZE, SAMPLING_RATE,
                                   norm=norm, mel_scale=scale).double().numpy()
        print(f"mel filters {scale}: max |numpy - torchaudio| = {np.abs(ours - theirs).max():.3g}")
    x = signal(48000, 3)
    slaney = mel_filter_bank(513, FEATURE_SIZE, FREQUENCY_MIN, FREQUENCY_MAX, SAMPLING_RATE, "slaney", "slaney")
    stft = torch.stft(torch.from_numpy(x.astype(np.float64)), FFT_WINDOW_SIZE, HOP_LENGTH,
                      window=torch.hann_window(FFT_WINDOW_SIZE, dtype=torch.float64), center=True,
                      pad_mode="reflect", return_complex=True).abs().pow(2).numpy()
    theirs = 10.0 * np.log10(np.maximum(1e-10, slaney.T @ stft)).T
    print(f"log-mel: max |numpy - torch.stft| = {np.abs(log_mel_spectrogram(x, slaney) - theirs).max():.3g} dB")


def main():
    cross_check_with_torchaudio()
    os.makedirs(os.path.join(OUT, "expected"), exist_ok=True)
    cases = [
        ("short_repeatpad", 81600, 7, 0),  # 1.7 s: tiled 5 times, then 1.5 s of zeros
        ("exact_10s", 480000, 11, 0),
        ("long_crop", 600000, 13, 54321),  # 12.5 s cropped at sample 54321
    ]
    index = {"numpy": np.__version__, "cases": []}
    for name, length, seed, offset in cases:
        mel = input_mel(signal(length, seed), offset)
        index["cases"].append({"name": name, "samples": length, "seed": seed, "crop_offset": offset,
                               "frames": mel.shape[0], "mels": mel.shape[1], "expected": write(name, mel)})
    index["fusion_cases"] = []
    fusion_cases = [
        ("fusion_long", 504000, 17, [7, 20, 50]),  # 10.5 s: 1051 frames, 51 crop starts in thirds of 17
        ("fusion_short", 81600, 7, None),  # 1.7 s: repeat-padded, the mel 4 times
    ]
    for name, length, seed, crops in fusion_cases:
        stacked, longer, mel = fusion_input_mel(signal(length, seed), crops)
        case = {"name": name, "samples": length, "seed": seed, "crops": crops, "longer": longer,
                "frames": stacked.shape[1], "mel_frames": mel.shape[0], "mel": write(name + "_mel", mel)}
        if longer:
            case["shrunk"] = write(name + "_shrunk", stacked[0])
        index["fusion_cases"].append(case)
    index["fusion_thirds"] = {str(n): fusion_thirds(n) for n in (1, 2, 3, 4, 51, 251)}
    htk = mel_filter_bank(513, FEATURE_SIZE, FREQUENCY_MIN, FREQUENCY_MAX, SAMPLING_RATE, None, "htk")
    slaney = mel_filter_bank(513, FEATURE_SIZE, FREQUENCY_MIN, FREQUENCY_MAX, SAMPLING_RATE, "slaney", "slaney")
    for name, bank in (("mel_filters_htk", htk), ("mel_filters_slaney", slaney)):
        path = os.path.join(OUT, "expected", name + ".gz")
        with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz:
            gz.write(np.ascontiguousarray(bank, dtype="<f8").tobytes())
        index[name] = "expected/" + name + ".gz"
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
