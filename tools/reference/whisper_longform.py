"""Whisper's long-form chunking and merging as transformers' speech-recognition pipeline does it, on synthetic token
streams over a toy vocabulary; writes the expectations the Java tests compare exactly.

Run with Debian's Python (standard library and numpy only; transformers is not needed):

    /usr/bin/python3 tools/reference/whisper_longform.py src/test/resources/reference/whisper_longform

Ported from huggingface/transformers, src/transformers/ (v4.46-v4.48):
- pipelines/automatic_speech_recognition.py: AutomaticSpeechRecognitionPipeline.preprocess (chunk_len and strides in
  samples, `stride_length_s = chunk_length_s / 6`, "Chunk length must be superior to stride length"), chunk_iter
  (windows and their (chunk_len, stride_left, stride_right) strides, is_last) and postprocess (strides back to
  seconds, time_precision = chunk_length / max_source_positions).
- models/whisper/tokenization_whisper.py: _decode_asr (segment-level; return_timestamps False or True; word-level
  timestamps are not ported), _find_longest_common_sequence (without token timestamps), WhisperTokenizer._strip_prompt.
The toy tokenizer stands for WhisperTokenizer: words decode to their strings; specials are ordered as Whisper's
(<|endoftext|>, <|startoftranscript|>, languages, <|translate|>, <|transcribe|>, <|startoflm|>, <|startofprev|>,
<|nocaptions|>, <|notimestamps|>) and timestamps follow <|notimestamps|>.

It writes cases.json: the toy vocabulary, the chunking cases (windows in samples, or the error transformers raises),
the merge cases (windows of token ids with strides in seconds, and the text and chunks _decode_asr returns; a
timestamp that transformers leaves as None is null), and the compression ratios of a few texts as OpenAI's whisper
computes them for verbose_json (openai/whisper, whisper/utils.py: compression_ratio).
"""
import json
import os
import random
import sys
import zlib

import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/reference/whisper_longform"

WORDS = [" the", " cat", " sat", " on", " a", " mat", " and", " dog", " ran", " far", " away", ".", ",", " I",
         " saw", " it", " again", " under", " blue", " sky", " Hello", " world", "!", " so", " very", " big", "s",
         " red", " tree", " near", " river", " we", " went", " home", " late", " then", " slept", " well", " now",
         " here"]
LANGUAGE_CODES = {"en": "english", "de": "german"}
SPECIALS = ["<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|de|>", "<|translate|>", "<|transcribe|>",
            "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"]
SPECIAL_IDS = {name: len(WORDS) + i for i, name in enumerate(SPECIALS)}
EOT = SPECIAL_IDS["<|endoftext|>"]
SOT = SPECIAL_IDS["<|startoftranscript|>"]
EN = SPECIAL_IDS["<|en|>"]
DE = SPECIAL_IDS["<|de|>"]
TRANSCRIBE = SPECIAL_IDS["<|transcribe|>"]
PREV = SPECIAL_IDS["<|startofprev|>"]
NO_TIMESTAMPS = SPECIAL_IDS["<|notimestamps|>"]
TIMESTAMP_BEGIN = NO_TIMESTAMPS + 1
TIME_PRECISION = 30 / 1500  # feature_extractor.chunk_length / model.config.max_source_positions
RATE = 16000


class ToyTokenizer:
    all_special_ids = [SPECIAL_IDS[name] for name in SPECIALS]

    def convert_tokens_to_ids(self, token):
        return SPECIAL_IDS[token]

    def decode(self, ids):
        parts = []
        for i in ids:
            if i < len(WORDS):
                parts.append(WORDS[i])
            elif i >= TIMESTAMP_BEGIN:
                parts.append("")  # WhisperTokenizer.decode drops timestamps unless decode_with_timestamps
            else:
                parts.append(SPECIALS[i - len(WORDS)])
        return "".join(parts)

    def _strip_prompt(self, token_ids, prompt_token_id, decoder_start_token_id):
        if not token_ids:
            return token_ids
        has_prompt = token_ids[0] == prompt_token_id
        if has_prompt:
            if decoder_start_token_id in token_ids:
                return token_ids[token_ids.index(decoder_start_token_id):]
            else:
                return []
        return token_ids


# ---------------------------------------------------------------- chunking (pipelines/automatic_speech_recognition.py)

def chunk_parameters(chunk_length_s, stride_length_s, sampling_rate):
    """AutomaticSpeechRecognitionPipeline.preprocess, the chunk_length_s branch (align_to = 1 for Whisper)."""
    if stride_length_s is None:
        stride_length_s = chunk_length_s / 6
    if isinstance(stride_length_s, (int, float)):
        stride_length_s = [stride_length_s, stride_length_s]
    align_to = 1
    chunk_len = int(round(chunk_length_s * sampling_rate / align_to) * align_to)
    stride_left = int(round(stride_length_s[0] * sampling_rate / align_to) * align_to)
    stride_right = int(round(stride_length_s[1] * sampling_rate / align_to) * align_to)
    if chunk_len < stride_left + stride_right:
        raise ValueError("Chunk length must be superior to stride length")
    return chunk_len, stride_left, stride_right


def chunk_iter(inputs_len, chunk_len, stride_left, stride_right):
    """chunk_iter over the input's length: (start, length, stride_left, stride_right, is_last) per window."""
    step = chunk_len - stride_left - stride_right
    for chunk_start_idx in range(0, inputs_len, step):
        chunk_end_idx = chunk_start_idx + chunk_len
        chunk_length = min(chunk_end_idx, inputs_len) - chunk_start_idx  # inputs[chunk_start_idx:chunk_end_idx]
        _stride_left = 0 if chunk_start_idx == 0 else stride_left
        is_last = chunk_end_idx >= inputs_len
        _stride_right = 0 if is_last else stride_right
        if chunk_length > _stride_left:
            yield chunk_start_idx, chunk_length, _stride_left, _stride_right, is_last
        if is_last:
            break


def chunking_case(name, samples, rate, chunk_length_s, stride_length_s):
    case = {"name": name, "samples": samples, "rate": rate, "chunk_length_s": chunk_length_s,
            "stride_length_s": stride_length_s}
    try:
        chunk_len, left, right = chunk_parameters(chunk_length_s, stride_length_s, rate)
        case["chunk_len"] = chunk_len
        case["stride_left"] = left
        case["stride_right"] = right
        case["windows"] = [list(w) for w in chunk_iter(samples, chunk_len, left, right)]
    except ValueError as e:
        case["error"] = str(e)
    return case


# ------------------------------------------------------------------- merging (models/whisper/tokenization_whisper.py)

def find_longest_common_sequence(sequences):
    """_find_longest_common_sequence with token_timestamp_sequences=None."""
    left_sequence = sequences[0]
    left_length = len(left_sequence)
    total_sequence = []
    for seq_idx, right_sequence in enumerate(sequences[1:]):
        max_ = 0.0
        max_indices = (left_length, left_length, 0, 0)
        right_length = len(right_sequence)
        for i in range(1, left_length + right_length):
            eps = i / 10000.0
            left_start = max(0, left_length - i)
            left_stop = min(left_length, left_length + right_length - i)
            left = np.array(left_sequence[left_start:left_stop])
            right_start = max(0, i - left_length)
            right_stop = min(right_length, i)
            right = np.array(right_sequence[right_start:right_stop])
            if len(left) != len(right):
                raise RuntimeError("There is a bug within whisper `decode_asr` function")
            matches = np.sum(left == right)
            matching = matches / i + eps
            if matches > 1 and matching > max_:
                max_ = matching
                max_indices = (left_start, left_stop, right_start, right_stop)
        (left_start, left_stop, right_start, right_stop) = max_indices
        left_mid = (left_stop + left_start) // 2
        right_mid = (right_stop + right_start) // 2
        total_sequence.extend(left_sequence[:left_mid])
        left_sequence = right_sequence[right_mid:]
        left_length = len(left_sequence)
    total_sequence.extend(left_sequence)
    return total_sequence


def decode_asr(tokenizer, model_outputs, return_timestamps, time_precision, segment_size=1500):
    """_decode_asr for return_timestamps False or True and return_language False (chunks keep no language)."""
    last_language = None

    def new_chunk():
        return {"language": last_language, "timestamp": [None, None], "text": ""}

    chunks = []
    chunk = new_chunk()
    time_offset = 0.0
    timestamp_begin = tokenizer.convert_tokens_to_ids("<|notimestamps|>") + 1
    previous_tokens = []
    skip = False
    right_stride_start = None
    all_special_ids = set(tokenizer.all_special_ids)
    prompt_token_id = tokenizer.convert_tokens_to_ids("<|startofprev|>")
    decoder_start_token_id = tokenizer.convert_tokens_to_ids("<|startoftranscript|>")
    for chunk_id, output in enumerate(model_outputs):
        token_ids = list(output["tokens"])
        token_ids = tokenizer._strip_prompt(token_ids, prompt_token_id, decoder_start_token_id)
        last_timestamp = None
        first_timestamp = timestamp_begin
        cur_max_timestamp = 0.0
        prev_segments_len = 0.0
        penultimate_timestamp = 0.0
        if "stride" in output:
            chunk_len, stride_left, stride_right = output["stride"]
            time_offset -= stride_left
            right_stride_start = chunk_len - stride_right
            if stride_left:
                first_timestamp = stride_left / time_precision + timestamp_begin
            if stride_right:
                for token in reversed(token_ids):
                    if token >= timestamp_begin:
                        if (
                            last_timestamp is not None
                            and (token - timestamp_begin) * time_precision < right_stride_start
                        ):
                            break
                        last_timestamp = token
        current_tokens = []
        for i, token in enumerate(token_ids):
            if token in all_special_ids:
                text = tokenizer.decode([token])
                text = text[2:-2]
                language = LANGUAGE_CODES.get(text, None)
                if language is not None:
                    if last_language and language != last_language and not return_timestamps:
                        previous_tokens.append(current_tokens)
                        resolved_tokens = find_longest_common_sequence(previous_tokens)
                        resolved_text = tokenizer.decode(resolved_tokens)
                        chunk["text"] = resolved_text
                        chunks.append(chunk)
                        previous_tokens = []
                        current_tokens = []
                        chunk = new_chunk()
                    chunk["language"] = language
                    last_language = language
            elif token >= timestamp_begin:
                timestamp = float((token - timestamp_begin) * time_precision)
                if timestamp < cur_max_timestamp:
                    last_was_single_ending = i >= 2 and not (
                        token_ids[i - 1] >= timestamp_begin and token_ids[i - 2] >= timestamp_begin
                    )
                    if last_was_single_ending:
                        prev_segments_len += time_precision * segment_size
                    else:
                        cur_max_timestamp = penultimate_timestamp
                        prev_segments_len += penultimate_timestamp
                penultimate_timestamp = cur_max_timestamp
                cur_max_timestamp = timestamp
                time = (token - timestamp_begin) * time_precision + time_offset + prev_segments_len
                time = round(time, 2)
                if last_timestamp and token >= last_timestamp:
                    skip = True
                elif skip or (previous_tokens and token < first_timestamp):
                    skip = False
                elif chunk["timestamp"][0] is None:
                    chunk["timestamp"][0] = time
                else:
                    if time == chunk["timestamp"][0]:
                        pass
                    else:
                        chunk["timestamp"][1] = time
                        previous_tokens.append(current_tokens)
                        resolved_tokens = find_longest_common_sequence(previous_tokens)
                        resolved_text = tokenizer.decode(resolved_tokens)
                        chunk["text"] = resolved_text
                        chunks.append(chunk)
                        previous_tokens = []
                        current_tokens = []
                        chunk = new_chunk()
            else:
                current_tokens.append(token)
        if "stride" in output:
            time_offset += chunk_len - stride_right
        if current_tokens:
            previous_tokens.append(current_tokens)
        elif not (any(p for p in previous_tokens)):
            chunk = new_chunk()
            previous_tokens = []
            current_tokens = []
    if previous_tokens:
        resolved_tokens = find_longest_common_sequence(previous_tokens)
        resolved_text = tokenizer.decode(resolved_tokens)
        chunk["text"] = resolved_text
        chunks.append(chunk)
    full_text = "".join(chunk["text"] for chunk in chunks)
    if return_timestamps:
        return full_text, [{"timestamp": list(c["timestamp"]), "text": c["text"]} for c in chunks]
    return full_text, None


def strides_in_seconds(windows, rate):
    """postprocess: (chunk_len, stride_left, stride_right) in samples back to seconds."""
    return [(length / rate, left / rate, right / rate) for _, length, left, right, _ in windows]


# ------------------------------------------------------------------------------------------------ synthetic streams

def ts(seconds):
    """The timestamp token nearest to a time inside a window (0.02 s apart, at most 30.00 s)."""
    return TIMESTAMP_BEGIN + min(1500, max(0, int(round(seconds / TIME_PRECISION))))


def words(*names):
    return [WORDS.index(n) for n in names]


def prefix(timestamps, language=EN):
    return [SOT, language, TRANSCRIBE] + ([] if timestamps else [NO_TIMESTAMPS])


def speaker_windows(utterances, total_s, chunk_length_s, stride_s, timestamps):
    """What a well-behaved Whisper emits per window for a timeline of utterances (start, end, word ids, with the
    words spread evenly over the utterance): each utterance inside the window as <start> words <end>, an utterance
    cut by the window's end as <start> words (no end), one cut by its start from the window's first timestamp on."""
    chunk_len, left, right = chunk_parameters(chunk_length_s, stride_s, RATE)
    windows = list(chunk_iter(int(round(total_s * RATE)), chunk_len, left, right))
    outputs = []
    for start, length, _, _, _ in windows:
        w0 = start / RATE
        w1 = w0 + length / RATE
        tokens = prefix(timestamps)
        for u_start, u_end, ids in utterances:
            if u_end <= w0 or u_start >= w1:
                continue
            times = [u_start + (u_end - u_start) * k / len(ids) for k in range(len(ids))]
            heard = [i for i, t in zip(ids, times) if w0 <= t < w1]
            if not heard:
                continue
            if timestamps:
                tokens.append(ts(max(u_start, w0) - w0))
            tokens.extend(heard)
            if timestamps and u_end <= w1:
                tokens.append(ts(u_end - w0))
        tokens.append(EOT)
        outputs.append(tokens)
    return windows, outputs


def merge_case(name, windows, outputs, timestamps):
    model_outputs = []
    strides = strides_in_seconds(windows, RATE) if windows is not None else [None] * len(outputs)
    for tokens, stride in zip(outputs, strides):
        item = {"tokens": tokens}
        if stride is not None:
            item["stride"] = stride
        model_outputs.append(item)
    text, chunks = decode_asr(ToyTokenizer(), model_outputs, timestamps, TIME_PRECISION)
    return {
        "name": name,
        "timestamps": timestamps,
        "windows": [{"tokens": o["tokens"], "stride": list(o["stride"]) if "stride" in o else None}
                    for o in model_outputs],
        "text": text,
        "chunks": chunks,
    }


def hand_built():
    cases = []
    story = [
        (0.4, 4.1, words(" Hello", " world", "!")),
        (4.6, 12.2, words(" I", " saw", " a", " cat", " sat", " on", " a", " mat", ".")),
        (13.0, 27.9, words(" the", " dog", " ran", " far", " away", " under", " blue", " sky", ".")),
        (28.3, 44.7, words(" we", " went", " home", " late", ",", " then", " slept", " well", ".")),
        (47.0, 61.5, words(" the", " red", " tree", " near", " the", " river", ".")),
        (63.2, 74.0, words(" so", " very", " big", " now", " here", ".")),
    ]
    for timestamps in (False, True):
        windows, outputs = speaker_windows(story, 75.0, 30, None, timestamps)
        cases.append(merge_case(f"speaker_75s_{'timestamps' if timestamps else 'text'}", windows, outputs,
                                timestamps))

    # A segment crossing the boundary between two windows: cut (no end) in the first, whole in the second.
    windows, outputs = speaker_windows([(2.0, 9.0, words(" the", " cat", " sat", ".")),
                                        (22.0, 31.0, words(" I", " saw", " it", " again", " and", " again", ".")),
                                        (33.0, 38.0, words(" Hello", " world", "!"))],
                                       45.0, 30, None, True)
    cases.append(merge_case("segment_crossing_boundary", windows, outputs, True))

    # Repeated words in the overlap, without timestamps: the longest-common-sequence merge must keep the count.
    windows, _ = speaker_windows([], 45.0, 30, None, False)
    outputs = [prefix(False) + words(" the", " dog", " ran", " so", " so", " so", " far") + [EOT],
               prefix(False) + words(" so", " so", " so", " far", " away", ".") + [EOT]]
    cases.append(merge_case("repeated_words_in_overlap", windows, outputs, False))
    outputs = [prefix(False) + words(" a", " big", " big", " big", " big", " dog") + [EOT],
               prefix(False) + words(" big", " big", " dog", " ran", ".") + [EOT]]
    cases.append(merge_case("repeated_words_partial_overlap", windows, outputs, False))

    # Silence: a middle window with no text at all, one with a timestamp pair only, and a final window with nothing.
    windows, _ = speaker_windows([], 75.0, 30, None, True)
    outputs = [prefix(True) + [ts(1.0)] + words(" I", " saw", " it", ".") + [ts(3.0), EOT],
               prefix(True) + [EOT],
               prefix(True) + [ts(0.0), ts(30.0), EOT],
               prefix(True) + [EOT]]
    cases.append(merge_case("silence_windows", windows, outputs, True))
    outputs = [prefix(False) + words(" I", " saw", " it", ".") + [EOT], prefix(False) + [EOT],
               prefix(False) + [EOT], prefix(False) + words(" now", " here") + [EOT]]
    cases.append(merge_case("silence_windows_text", windows, outputs, False))

    # The final window: short (15 s of 75), its segment inside the left stride then after it.
    windows, _ = speaker_windows([], 75.0, 30, None, True)
    outputs = [prefix(True) + [ts(0.0)] + words(" the", " cat") + [ts(10.0), ts(10.0)] + words(" sat") + [ts(26.0), EOT],
               prefix(True) + [ts(6.0)] + words(" sat", " on") + [ts(12.0), ts(12.0)] + words(" a", " mat") + [ts(28.0), EOT],
               prefix(True) + [ts(8.0)] + words(" a", " mat", " and") + [ts(14.0), ts(15.0)] + words(" dog") + [ts(29.0), EOT],
               prefix(True) + [ts(9.0)] + words(" dog", " ran") + [ts(12.5), EOT]]
    cases.append(merge_case("final_window", windows, outputs, True))

    # Timestamps asked for, but a window produced none (Whisper without the timestamp processor, or a bad model).
    windows, _ = speaker_windows([], 45.0, 30, None, True)
    outputs = [prefix(True) + words(" Hello", " world", "!", " I", " saw") + [EOT],
               prefix(True) + words(" I", " saw", " it", " again") + [EOT]]
    cases.append(merge_case("no_timestamps_though_asked", windows, outputs, True))
    outputs = [prefix(True) + [ts(0.5)] + words(" Hello", " world") + [ts(3.0), ts(3.5)] + words(" I", " saw") + [EOT],
               prefix(True) + words(" I", " saw", " it", " again") + [EOT]]
    cases.append(merge_case("last_segment_without_end", windows, outputs, True))

    # Unmatched and odd pairs in one unstrided window: a lone start, a duplicate end, a single ending timestamp.
    outputs = [prefix(True) + [ts(1.0)] + words(" the", " cat") + [ts(1.0)] + words(" sat") + [ts(4.0)]
               + [ts(4.0), ts(6.0)] + words(" on", " a", " mat") + [ts(9.0), EOT]]
    cases.append(merge_case("duplicate_timestamps", None, outputs, True))

    # Sequential long-form output: generate's concatenated segments, where timestamps restart below the maximum.
    outputs = [prefix(True) + [ts(0.0)] + words(" the", " cat") + [ts(12.0), ts(12.0)] + words(" sat") + [ts(29.0)]
               + [ts(0.0)] + words(" on", " a") + [ts(8.0), ts(8.0)] + words(" mat") + [ts(20.0)]
               + [ts(3.0)] + words(" the", " dog") + [ts(6.0), EOT]]
    cases.append(merge_case("sequential_segments", None, outputs, True))

    # A prompt before <|startoftranscript|> is stripped; a window with a prompt but no start token is empty.
    windows, _ = speaker_windows([], 45.0, 30, None, False)
    outputs = [[PREV] + words(" the", " river") + prefix(False) + words(" Hello", " world", "!", " I", " saw") + [EOT],
               [PREV] + words(" I", " saw", " it", " again")]
    cases.append(merge_case("prompt_stripped", windows, outputs, False))

    # A language change without timestamps closes a chunk.
    windows, _ = speaker_windows([], 45.0, 30, None, False)
    outputs = [prefix(False) + words(" Hello", " world", "!", " I", " saw") + [EOT],
               prefix(False, DE) + words(" I", " saw", " it", " again") + [EOT]]
    cases.append(merge_case("language_change", windows, outputs, False))

    # Short audio: one window, no strides.
    windows, outputs = speaker_windows([(0.5, 6.0, words(" Hello", " world", "!"))], 7.5, 30, None, True)
    cases.append(merge_case("short_audio", windows, outputs, True))
    cases.append(merge_case("no_windows", [], [], True))
    return cases


def random_cases(count, seed):
    rng = random.Random(seed)
    cases = []
    for n in range(count):
        timestamps = rng.random() < 0.6
        chunk_length_s = rng.choice([10, 20, 30])
        stride = rng.choice([None, chunk_length_s / 5, [chunk_length_s / 10, chunk_length_s / 4]])
        total_s = rng.uniform(1.0, chunk_length_s * 4)
        if rng.random() < 0.5:
            utterances = []
            t = rng.uniform(0.0, 2.0)
            while t < total_s:
                length = rng.uniform(0.5, chunk_length_s * 0.6)
                count_words = rng.randint(1, 12)
                utterances.append((t, min(total_s, t + length), [rng.randrange(len(WORDS)) for _ in range(count_words)]))
                t += length + rng.uniform(0.0, 3.0)
            windows, outputs = speaker_windows(utterances, total_s, chunk_length_s, stride, timestamps)
            name = f"random_speaker_{n}"
        else:
            chunk_len, left, right = chunk_parameters(chunk_length_s, stride, RATE)
            windows = list(chunk_iter(int(round(total_s * RATE)), chunk_len, left, right))
            outputs = [random_stream(rng, chunk_length_s) for _ in windows]
            name = f"random_stream_{n}"
        cases.append(merge_case(name, windows, outputs, timestamps))
    return cases


def random_stream(rng, chunk_length_s):
    """Any tokens a model might emit: text, specials, timestamps in and out of order, with and without a prompt."""
    tokens = []
    if rng.random() < 0.15:
        tokens += [PREV] + [rng.randrange(len(WORDS)) for _ in range(rng.randint(0, 3))]
    tokens += [SOT, rng.choice([EN, EN, DE]), TRANSCRIBE]
    t = 0
    limit = int(chunk_length_s / TIME_PRECISION)
    for _ in range(rng.randint(0, 25)):
        r = rng.random()
        if r < 0.55:
            tokens.append(rng.randrange(len(WORDS)))
        elif r < 0.9:
            t = min(limit, t + rng.randint(0, 200)) if rng.random() < 0.85 else rng.randint(0, limit)
            tokens.append(TIMESTAMP_BEGIN + t)
        else:
            tokens.append(rng.choice([NO_TIMESTAMPS, EN, DE, SPECIAL_IDS["<|nocaptions|>"], EOT]))
    tokens.append(EOT)
    return tokens


def chunking_cases():
    return [
        chunking_case("course_75s", 75 * RATE, RATE, 30, None),
        chunking_case("short_10s", 10 * RATE, RATE, 30, None),
        chunking_case("exactly_one_chunk", 30 * RATE, RATE, 30, None),
        chunking_case("one_chunk_and_a_sample", 30 * RATE + 1, RATE, 30, None),
        chunking_case("last_piece_inside_left_stride", 50 * RATE + 3 * RATE, RATE, 30, None),
        chunking_case("asymmetric_stride", 61 * RATE + 123, RATE, 30, [4, 6]),
        chunking_case("chunk_10_stride_2", 33 * RATE + 7, RATE, 10, 2),
        chunking_case("fractional_seconds", 40 * RATE, RATE, 12.5, 1.3),
        chunking_case("rate_8000", 100 * 8000, 8000, 30, 5),
        chunking_case("zero_stride", 70 * RATE, RATE, 30, 0),
        chunking_case("empty_input", 0, RATE, 30, None),
        chunking_case("one_sample", 1, RATE, 30, None),
        chunking_case("stride_too_large", 60 * RATE, RATE, 10, 6),
        chunking_case("asymmetric_stride_too_large", 60 * RATE, RATE, 10, [8, 3]),
    ]


def compression_ratios():
    """OpenAI's whisper, utils.compression_ratio: UTF-8 bytes over zlib.compress's bytes (default level)."""
    texts = ["", " Hello world!", " the the the the the the the the the the the the the the the the the the.",
             " I saw a cat sat on a mat. The dog ran far away under blue sky.", " Grüße, 世界! Ça va?"]
    return [{"text": t, "ratio": len(t.encode("utf-8")) / len(zlib.compress(t.encode("utf-8")))} for t in texts]


def main(out):
    os.makedirs(out, exist_ok=True)
    data = {
        "vocabulary": {
            "words": WORDS,
            "specials": SPECIALS,
            "first_special": len(WORDS),
            "timestamp_begin": TIMESTAMP_BEGIN,
            "languages": LANGUAGE_CODES,
            "time_precision": TIME_PRECISION,
        },
        "chunking": chunking_cases(),
        "merging": hand_built() + random_cases(80, 19),
        "compression_ratios": compression_ratios(),
    }
    path = os.path.join(out, "cases.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {path}: {len(data['chunking'])} chunking and {len(data['merging'])} merging cases")


if __name__ == "__main__":
    main(OUT)
