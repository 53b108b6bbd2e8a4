"""Whisper (transformers' WhisperForConditionalGeneration) and its decoding in float64, written from the transformers
source without transformers itself; run with Debian's Python, torch 1.13 and numpy:

    /usr/bin/python3 tools/reference/whisper.py src/test/resources/reference/whisper-model
    /usr/bin/python3 tools/reference/whisper.py --bench [--tokens 32] [--rounds 3] [--batch 1]
    /usr/bin/python3 tools/reference/whisper.py --write-real-shape DIR

Sources (huggingface/transformers, src/transformers/):
- models/whisper/modeling_whisper.py: WhisperAttention (k_proj without bias, q scaled by head_dim**-0.5, the
  self-attention cache concatenated per step, cross-attention keys/values computed once), WhisperEncoderLayer and
  WhisperDecoderLayer (pre-LN), WhisperEncoder.forward (gelu(conv1), gelu(conv2 stride 2), + embed_positions.weight,
  layers, layer_norm; features must have 2 * max_source_positions frames), WhisperPositionalEmbedding (weight[past :
  past + len]), WhisperDecoder.forward (embed_tokens, no embedding scale, positions at the cache offset, layers,
  layer_norm), WhisperForConditionalGeneration (proj_out tied to embed_tokens).
- models/whisper/generation_whisper.py: _retrieve_init_tokens (<|startoftranscript|>, <|lang|> given or detected
  whenever lang_to_id exists, even for an English-only checkpoint, <|task|> only when given or after a given
  language, <|notimestamps|> unless timestamps), _retrieve_logit_processors (begin-suppress,
  suppress, then the timestamp processor, each with begin_index = the prompt's length).
- generation/logits_process.py: SuppressTokensLogitsProcessor, SuppressTokensAtBeginLogitsProcessor,
  WhisperTimeStampLogitsProcessor (pairs, monotonic, max_initial_timestamp_index, the log-sum-exp rule).
- generation/beam_search.py (BeamSearchScorer.process / finalize, BeamHypotheses.add / is_done) and
  generation/utils.py (_beam_search: log_softmax, processors on log-probabilities, + beam scores, top 2 * num_beams;
  transformers 5's _check_early_stop_heuristic judges the best beam still running, not the best candidate).

The tiny folder: config.json, model.safetensors (float32, the real checkpoint's names; proj_out tied so absent),
generation_config.json and preprocessor_config.json shaped as distil-whisper/distil-small.en's (80 mels; a 2 s chunk so
that frames = 2 * max_source_positions = 200), a GPT-2 byte-level BPE tokenizer.json with Whisper's added tokens (the
specials and the 1501 timestamps <|0.00|> ... <|30.00|>), tokenizer_config.json, special_tokens_map.json, and
expected.safetensors (float64 outputs, the inputs used, token ids as int64).
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from clip import BYTE_ENCODER  # noqa: E402  (GPT-2's byte-to-unicode table, as CLIP's BPE uses it)
from whisper_features import log_mel  # noqa: E402

# ---------------------------------------------------------------------------------------------------------------
# the model (modeling_whisper.py)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d)
        self.q_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.hd).transpose(1, 2)

    def forward(self, x, kv=None, causal=False):
        """kv: (keys, values) already split; causal: a query sees keys up to its own position (the last t of s)."""
        b, t, d = x.shape
        q = self.split(self.q_proj(x) * self.hd ** -0.5)
        k, v = kv if kv is not None else (self.split(self.k_proj(x)), self.split(self.v_proj(x)))
        w = q @ k.transpose(-1, -2)
        if causal:
            s = k.shape[2]
            mask = torch.ones(t, s, dtype=torch.bool).tril(s - t)
            w = w.masked_fill(~mask, float("-inf"))
        out = torch.softmax(w, dim=-1) @ v
        return self.out_proj(out.transpose(1, 2).reshape(b, t, d))


def gelu(x):
    return torch.nn.functional.gelu(x)


class EncoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["d_model"]
        self.self_attn = Attention(d, c["encoder_attention_heads"])
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, c["encoder_ffn_dim"])
        self.fc2 = nn.Linear(c["encoder_ffn_dim"], d)
        self.final_layer_norm = nn.LayerNorm(d)

    def forward(self, x):
        x = x + self.self_attn(self.self_attn_layer_norm(x))
        return x + self.fc2(gelu(self.fc1(self.final_layer_norm(x))))


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["d_model"]
        self.self_attn = Attention(d, c["decoder_attention_heads"])
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.encoder_attn = Attention(d, c["decoder_attention_heads"])
        self.encoder_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, c["decoder_ffn_dim"])
        self.fc2 = nn.Linear(c["decoder_ffn_dim"], d)
        self.final_layer_norm = nn.LayerNorm(d)

    def forward(self, x, cross_kv, cache=None):
        """cache: None (no cache) or a dict holding this layer's past self-attention keys/values, extended here."""
        h = self.self_attn_layer_norm(x)
        a = self.self_attn
        k, v = a.split(a.k_proj(h)), a.split(a.v_proj(h))
        if cache is not None:
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        x = x + a(h, kv=(k, v), causal=True)
        x = x + self.encoder_attn(self.encoder_attn_layer_norm(x), kv=cross_kv)
        return x + self.fc2(gelu(self.fc1(self.final_layer_norm(x))))


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["d_model"]
        self.max_source_positions = c["max_source_positions"]
        self.conv1 = nn.Conv1d(c["num_mel_bins"], d, kernel_size=3, padding=1)
        self.conv2 = nn.Conv1d(d, d, kernel_size=3, stride=2, padding=1)
        self.embed_positions = nn.Embedding(c["max_source_positions"], d)
        self.layers = nn.ModuleList([EncoderLayer(c) for _ in range(c["encoder_layers"])])
        self.layer_norm = nn.LayerNorm(d)

    def forward(self, features):
        if features.shape[-1] != 2 * self.max_source_positions:
            raise ValueError("Whisper expects %d frames" % (2 * self.max_source_positions))
        x = gelu(self.conv2(gelu(self.conv1(features)))).permute(0, 2, 1)
        x = x + self.embed_positions.weight
        for layer in self.layers:
            x = layer(x)
        return self.layer_norm(x)


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["d_model"]
        self.embed_tokens = nn.Embedding(c["vocab_size"], d)
        self.embed_positions = nn.Embedding(c["max_target_positions"], d)
        self.layers = nn.ModuleList([DecoderLayer(c) for _ in range(c["decoder_layers"])])
        self.layer_norm = nn.LayerNorm(d)

    def cross_kv(self, enc):
        return [(l.encoder_attn.split(l.encoder_attn.k_proj(enc)), l.encoder_attn.split(l.encoder_attn.v_proj(enc)))
                for l in self.layers]

    def forward(self, ids, cross, caches=None, past=0):
        x = self.embed_tokens(ids) + self.embed_positions.weight[past:past + ids.shape[1]]
        for i, layer in enumerate(self.layers):
            x = layer(x, cross[i], None if caches is None else caches[i])
        return self.layer_norm(x)


class Whisper(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.encoder = Encoder(c)
        self.decoder = Decoder(c)

    def logits(self, hidden):
        return hidden @ self.decoder.embed_tokens.weight.t()  # proj_out tied to embed_tokens

    def full_logits(self, enc, ids):
        """Logits for every position of ids [B, T], recomputed without a cache."""
        return self.logits(self.decoder(ids, self.decoder.cross_kv(enc)))


def state_dict_hf(model):
    """The parameters under the checkpoint's names (model.encoder..., model.decoder...; proj_out tied, absent)."""
    return {"model." + k: v for k, v in model.state_dict().items()}


def sinusoids(length, channels):
    """The encoder's positions as openai's whisper writes them (stored in the checkpoint)."""
    inc = math.log(10000) / (channels // 2 - 1)
    inv = torch.exp(-inc * torch.arange(channels // 2, dtype=torch.float64))
    t = torch.arange(length, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cat([torch.sin(t), torch.cos(t)], dim=1)


# ---------------------------------------------------------------------------------------------------------------
# logits processors (logits_process.py) over one batch: ids [B, T] (prompt included), scores [B, V]


def suppress(scores, tokens):
    scores = scores.clone()
    scores[:, tokens] = float("-inf")
    return scores


def suppress_at_begin(ids, scores, tokens, begin_index):
    if ids.shape[1] == begin_index:
        scores = suppress(scores, tokens)
    return scores


def timestamp_rules(ids, scores, gen, begin_index):
    """WhisperTimeStampLogitsProcessor.__call__."""
    no_ts = gen["no_timestamps_token_id"]
    begin = no_ts + 1
    eos = gen["eos_token_id"]
    out = scores.clone()
    out[:, no_ts] = float("-inf")
    for k in range(ids.shape[0]):
        seq = ids[k, begin_index:].tolist()
        last_ts = len(seq) >= 1 and seq[-1] >= begin
        penultimate_ts = len(seq) < 2 or seq[-2] >= begin
        if last_ts:
            if penultimate_ts:
                out[k, begin:] = float("-inf")
            else:
                out[k, :eos] = float("-inf")
        stamps = [t for t in seq if t >= begin]
        if stamps:
            last = stamps[-1] if last_ts and not penultimate_ts else stamps[-1] + 1
            out[k, begin:last] = float("-inf")
    if ids.shape[1] == begin_index:
        out[:, :begin] = float("-inf")
        if gen.get("max_initial_timestamp_index") is not None:
            out[:, begin + gen["max_initial_timestamp_index"] + 1:] = float("-inf")
    logprobs = torch.log_softmax(out, dim=-1)
    for k in range(ids.shape[0]):
        if logprobs[k, begin:].logsumexp(dim=-1) > logprobs[k, :begin].max():
            out[k, :begin] = float("-inf")
    return out


def processors(gen, timestamps, begin_index):
    """_retrieve_logit_processors' order: begin-suppress, suppress, then timestamps."""
    def apply(ids, scores):
        scores = suppress_at_begin(ids, scores, gen["begin_suppress_tokens"], begin_index)
        scores = suppress(scores, gen["suppress_tokens"])
        if timestamps:
            scores = timestamp_rules(ids, scores, gen, begin_index)
        return scores
    return apply


def detect_languages(model, enc, gen):
    """detect_language: per row, the argmax of the first step's logits (after <|startoftranscript|>) over lang_to_id's
    tokens."""
    first = model.full_logits(enc, torch.tensor([[gen["decoder_start_token_id"]]] * enc.shape[0]))[:, -1]
    langs = sorted(gen["lang_to_id"].values())
    return [langs[int(first[k, langs].argmax())] for k in range(enc.shape[0])]


def prompt(gen, timestamps, language=None, task=None):
    """_retrieve_init_tokens without forced_decoder_ids: <|startoftranscript|>, the language (detected whenever
    lang_to_id exists, is_multilingual or not), the task (the one given; transcribe only after a language that was
    given, never after a detected one), <|notimestamps|> unless timestamps."""
    tokens = [gen["decoder_start_token_id"]] + ([language] if language is not None else [])
    if task is not None:
        tokens.append(gen["task_to_id"][task])
    return tokens + ([] if timestamps else [gen["no_timestamps_token_id"]])


def per_row(enc, languages, decode):
    """decode(enc_row, language) for each row alone: the rows' prompts may differ by their detected language."""
    return [decode(enc[k:k + 1], languages[k])[0] for k in range(enc.shape[0])]


# ---------------------------------------------------------------------------------------------------------------
# decoding (generation/utils.py, generation/beam_search.py)


def greedy(model, enc, init, process, eos, max_new):
    """_sample without sampling: argmax of the processed logits; a finished row gets eos (the pad token) after."""
    b = enc.shape[0]
    ids = torch.tensor([init] * b, dtype=torch.int64)
    done = [False] * b
    for _ in range(max_new):
        scores = process(ids, model.full_logits(enc, ids)[:, -1])
        nxt = scores.argmax(-1)
        nxt = torch.tensor([eos if done[k] else int(nxt[k]) for k in range(b)])
        done = [done[k] or int(nxt[k]) == eos for k in range(b)]
        ids = torch.cat([ids, nxt[:, None]], 1)
        if all(done):
            break
    return [strip(row.tolist()[len(init):], eos) for row in ids]


def strip(seq, eos):
    return seq[:seq.index(eos)] if eos in seq else seq


class Hypotheses:
    """BeamHypotheses: the num_beams best finished sequences with their length-penalised scores."""

    def __init__(self, num_beams, length_penalty, early_stopping, max_length):
        self.num_beams, self.length_penalty = num_beams, length_penalty
        self.early_stopping, self.max_length = early_stopping, max_length
        self.beams, self.worst = [], 1e9

    def add(self, hyp, sum_logprobs, generated_len):
        score = sum_logprobs / (generated_len ** self.length_penalty)
        if len(self.beams) < self.num_beams or score > self.worst:
            self.beams.append((score, hyp))
            if len(self.beams) > self.num_beams:
                ranked = sorted([(s, i) for i, (s, _) in enumerate(self.beams)])
                del self.beams[ranked[0][1]]
                self.worst = ranked[1][0]
            else:
                self.worst = min(score, self.worst)

    def is_done(self, best_sum_logprobs, cur_len, prompt_len):
        if len(self.beams) < self.num_beams:
            return False
        if self.early_stopping is True:
            return True
        if self.early_stopping is False or self.length_penalty <= 0:
            return self.worst >= best_sum_logprobs / (cur_len - prompt_len) ** self.length_penalty
        return self.worst >= best_sum_logprobs / (self.max_length - prompt_len) ** self.length_penalty


def beam_search(model, enc, init, process, eos, max_new, num_beams, length_penalty=1.0, early_stopping=False):
    b = enc.shape[0]
    enc = enc.repeat_interleave(num_beams, 0)
    p = len(init)
    max_length = p + max_new
    ids = torch.tensor([init] * (b * num_beams), dtype=torch.int64)
    beam_scores = torch.zeros(b, num_beams, dtype=torch.float64)
    beam_scores[:, 1:] = -1e9
    beam_scores = beam_scores.view(-1)
    hyps = [Hypotheses(num_beams, length_penalty, early_stopping, max_length) for _ in range(b)]
    done = [False] * b
    while True:
        logprobs = torch.log_softmax(model.full_logits(enc, ids)[:, -1], dim=-1)
        scores = process(ids, logprobs) + beam_scores[:, None]
        vocab = scores.shape[-1]
        top, index = torch.topk(scores.view(b, num_beams * vocab), 2 * num_beams, dim=1, largest=True, sorted=True)
        cur_len = ids.shape[1] + 1
        next_scores = torch.zeros(b, num_beams, dtype=torch.float64)
        next_tokens = torch.full((b, num_beams), eos, dtype=torch.int64)
        next_rows = torch.zeros(b, num_beams, dtype=torch.int64)
        for g in range(b):
            if done[g]:
                continue
            k = 0
            for rank in range(2 * num_beams):
                token = int(index[g, rank]) % vocab
                row = g * num_beams + int(index[g, rank]) // vocab
                if token == eos:
                    if rank >= num_beams:
                        continue
                    hyps[g].add(ids[row].tolist(), float(top[g, rank]), cur_len - p)
                else:
                    next_scores[g, k], next_tokens[g, k], next_rows[g, k] = top[g, rank], token, row
                    k += 1
                if k == num_beams:
                    break
            # _check_early_stop_heuristic: the best beam still running after this step, not the best candidate
            done[g] = done[g] or hyps[g].is_done(float(next_scores[g, 0]), cur_len, p)
        beam_scores = next_scores.view(-1)
        ids = torch.cat([ids[next_rows.view(-1)], next_tokens.view(-1, 1)], 1)
        if all(done) or ids.shape[1] >= max_length:
            break
    out = []
    for g in range(b):
        if not done[g]:
            for j in range(num_beams):
                row = g * num_beams + j
                hyps[g].add(ids[row].tolist(), float(beam_scores[row]), ids.shape[1] - p)
        best = sorted(hyps[g].beams, key=lambda x: x[0]).pop()[1]
        out.append(strip(best[p:], eos))
    return out


# ---------------------------------------------------------------------------------------------------------------
# the tokenizer (GPT-2 byte-level BPE, tokenization_whisper.py's added tokens)


LANGUAGES = ["en", "de", "fr"]  # the real tokenizer has 99 (100 in large-v3) between sot and <|translate|>
SPECIALS_AFTER_LANGUAGES = ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>",
                            "<|notimestamps|>"]
MERGES = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("Ġ", "a"), ("i", "n"), ("o", "r"), ("Ġ", "w"), ("e", "r"),
          ("l", "l"), ("Ġ", "s"), ("o", "n"), ("Ġw", "or"), ("Ġwor", "l"), ("Ġworl", "d"), ("e", "ll"),
          ("h", "ell"), ("hell", "o"), ("Ġ", "h"), ("i", "s")]


def vocabulary(base_size=None):
    """GPT-2's order (the 256 byte characters as bytes_to_unicode lists them, the merges), padded with unreachable
    pieces to base_size when given (the real shape's 50256), then the added tokens."""
    tokens = [BYTE_ENCODER[b] for b in sorted(BYTE_ENCODER, key=lambda b: (b not in range(33, 127) and
                                                                            b not in range(161, 173) and
                                                                            b not in range(174, 256), b))]
    tokens += [a + b for a, b in MERGES]
    if base_size is not None:
        tokens += ["<|unused%d|>" % i for i in range(base_size - len(tokens))]
    specials = ["<|endoftext|>", "<|startoftranscript|>"] + ["<|%s|>" % l for l in LANGUAGES] + SPECIALS_AFTER_LANGUAGES
    stamps = ["<|%.2f|>" % (i * 0.02) for i in range(1501)]
    base = {t: i for i, t in enumerate(tokens)}
    added = {t: len(tokens) + i for i, t in enumerate(specials + stamps)}
    return base, added, specials, stamps


def tokenizer_json(base, added, specials):
    def entry(token):
        return {"id": added[token], "content": token, "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": token not in specials, "special": token in specials}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [entry(t) for t in added],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "vocab": base,
                  "merges": [a + " " + b for a, b in MERGES]},
    }


def encode_words(text, base):
    """Byte-level BPE of a text without specials (words split on spaces, the space kept with the next word)."""
    ranks = {m: i for i, m in enumerate(MERGES)}
    out = []
    for n, word in enumerate(text.split(" ")):
        symbols = [BYTE_ENCODER[b] for b in (("" if n == 0 else " ") + word).encode()]
        while len(symbols) > 1:
            pairs = [(ranks.get((symbols[i], symbols[i + 1]), 1 << 30), i) for i in range(len(symbols) - 1)]
            rank, i = min(pairs)
            if rank == 1 << 30:
                break
            symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]
        out += [base[s] for s in symbols]
    return out


def clean_up(text):
    """tokenization_utils_base.clean_up_tokenization (clean_up_tokenization_spaces true in tokenizer_config.json)."""
    for a, b in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
                 (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")]:
        text = text.replace(a, b)
    return text


# ---------------------------------------------------------------------------------------------------------------
# the folder


def config_json(d, enc_layers, dec_layers, heads, ffn, vocab, sources, targets, ids):
    """config.json as transformers' WhisperConfig.to_json_string writes it (distil-small.en's keys)."""
    return {
        "_name_or_path": "tiny-random-whisper", "activation_dropout": 0.0, "activation_function": "gelu",
        "apply_spec_augment": False, "architectures": ["WhisperForConditionalGeneration"], "attention_dropout": 0.0,
        "begin_suppress_tokens": [220, ids["eos"]], "bos_token_id": ids["eos"], "classifier_proj_size": 256,
        "d_model": d, "decoder_attention_heads": heads, "decoder_ffn_dim": ffn, "decoder_layerdrop": 0.0,
        "decoder_layers": dec_layers, "decoder_start_token_id": ids["sot"], "dropout": 0.0,
        "encoder_attention_heads": heads, "encoder_ffn_dim": ffn, "encoder_layerdrop": 0.0,
        "encoder_layers": enc_layers, "eos_token_id": ids["eos"], "init_std": 0.02, "is_encoder_decoder": True,
        "mask_feature_length": 10, "mask_feature_min_masks": 0, "mask_feature_prob": 0.0, "mask_time_length": 10,
        "mask_time_min_masks": 2, "mask_time_prob": 0.05, "max_length": targets, "max_source_positions": sources,
        "max_target_positions": targets, "median_filter_width": 7, "model_type": "whisper",
        "num_hidden_layers": enc_layers, "num_mel_bins": 80, "pad_token_id": ids["eos"], "scale_embedding": False,
        "torch_dtype": "float32", "transformers_version": "4.35.0.dev0", "use_cache": True,
        "use_weighted_layer_sum": False, "vocab_size": vocab,
    }


def generation_config_json(added, targets, suppress_low):
    """generation_config.json as distil-small.en's (English-only: no lang_to_id use, is_multilingual false)."""
    eos, sot = added["<|endoftext|>"], added["<|startoftranscript|>"]
    return {
        "begin_suppress_tokens": [220, eos], "bos_token_id": eos, "decoder_start_token_id": sot,
        "eos_token_id": eos, "is_multilingual": False,
        "lang_to_id": {"<|%s|>" % l: added["<|%s|>" % l] for l in LANGUAGES},
        "max_initial_timestamp_index": 50, "max_length": targets,
        "no_timestamps_token_id": added["<|notimestamps|>"], "pad_token_id": eos, "return_timestamps": False,
        "suppress_tokens": suppress_low + [sot] + [added[t] for t in SPECIALS_AFTER_LANGUAGES[:5]],
        "task_to_id": {"transcribe": added["<|transcribe|>"], "translate": added["<|translate|>"]},
        "transformers_version": "4.35.0.dev0",
    }


PREPROCESSOR = {"chunk_length": 2, "feature_extractor_type": "WhisperFeatureExtractor", "feature_size": 80,
                "hop_length": 160, "n_fft": 400, "n_samples": 32000, "nb_max_frames": 200, "padding_side": "right",
                "padding_value": 0.0, "processor_class": "WhisperProcessor", "return_attention_mask": False,
                "sampling_rate": 16000}


def write_json(path, value, indent=2):
    with open(path, "w") as f:
        json.dump(value, f, indent=indent, ensure_ascii=False)
        f.write("\n")


def build(c, seed, dtype):
    torch.manual_seed(seed)
    model = Whisper(c).to(dtype)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.normal_(0, 0.1)
            elif "norm" in name:
                p.normal_(1, 0.1)
            else:
                p.normal_(0, 0.3 if c["d_model"] < 64 else 0.02)
        model.encoder.embed_positions.weight.copy_(sinusoids(c["max_source_positions"], c["d_model"]))
    return model.eval()


def write_folder(out, c, model, base, added, specials, gen):
    os.makedirs(out, exist_ok=True)
    write_json(os.path.join(out, "config.json"), c)
    write_json(os.path.join(out, "generation_config.json"), gen)
    write_json(os.path.join(out, "preprocessor_config.json"), dict(PREPROCESSOR, chunk_length=c[
        "max_source_positions"] * 2 // 100, n_samples=c["max_source_positions"] * 2 * 160,
        nb_max_frames=c["max_source_positions"] * 2))
    write_json(os.path.join(out, "tokenizer.json"), tokenizer_json(base, added, specials), None)
    write_json(os.path.join(out, "tokenizer_config.json"), {
        "add_prefix_space": False, "bos_token": "<|endoftext|>", "clean_up_tokenization_spaces": True,
        "eos_token": "<|endoftext|>", "errors": "replace", "model_max_length": 1024, "pad_token": "<|endoftext|>",
        "processor_class": "WhisperProcessor", "return_attention_mask": False, "tokenizer_class": "WhisperTokenizer",
        "unk_token": "<|endoftext|>"})
    write_json(os.path.join(out, "special_tokens_map.json"), {
        "additional_special_tokens": [t for t in specials if t != "<|endoftext|>"], "bos_token": "<|endoftext|>",
        "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>"})
    safetensors_io.save(os.path.join(out, "model.safetensors"),
                        {k: v.float() for k, v in sorted(state_dict_hf(model).items())})


def tiny(out):
    base, added, specials, stamps = vocabulary()
    vocab = len(base) + len(added)
    ids = {"eos": added["<|endoftext|>"], "sot": added["<|startoftranscript|>"]}
    c = config_json(24, 2, 2, 4, 48, vocab, 100, 40, ids)
    gen = generation_config_json(added, 40, [1, 2, 7, 8, 9, 10, 14, 25])
    model = build(c, 19, torch.float64)
    with torch.no_grad():
        # <|endoftext|> gets a steady push through one feature of the final layer norm, so that some rows end
        # before max_new_tokens and others do not
        model.decoder.layer_norm.bias[0] = 3.0
        model.decoder.embed_tokens.weight[ids["eos"], 0] = 1.8
    write_folder(out, c, model, base, added, specials, gen)
    # what Java reads is float32: the reference runs the float32-rounded weights in float64
    model = model.float().double()

    rate = 16000
    t = np.arange(2 * rate) / rate
    # shorter than the 2 s window: the extractor pads them
    audio = [(0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[:6000],
             (0.3 * np.sin(2 * np.pi * (200 * t + 900 * t * t)) * np.exp(-t)).astype(np.float32)[:9000]]
    expected = {}
    feats = torch.tensor(np.stack([log_mel(a, PREPROCESSOR) for a in audio]), dtype=torch.float64)
    for i, a in enumerate(audio):
        expected["audio.%d" % i] = torch.tensor(a)
    expected["features"] = feats.float()
    features = feats.float().double()
    eos = ids["eos"]
    with torch.no_grad():
        enc = model.encoder(features)
        expected["encoder"] = enc
        dec_ids = torch.tensor([[ids["sot"], added["<|notimestamps|>"], 300, 40, 222],
                                [ids["sot"], added["<|0.00|>"], 71, added["<|0.40|>"], 5]])
        expected["decoder_ids"] = dec_ids
        expected["logits"] = model.full_logits(enc, dec_ids)
        max_new = 24
        languages = detect_languages(model, enc, gen)
        for timestamps in (False, True):
            tag = "timestamps" if timestamps else "plain"

            def run(search, *args):
                def one(e, language):
                    init = prompt(gen, timestamps, language)
                    return search(model, e, init, processors(gen, timestamps, len(init)), eos, max_new, *args)
                return per_row(enc, languages, one)
            put_rows(expected, "greedy." + tag, run(greedy))
            put_rows(expected, "beam3." + tag, run(beam_search, 3))
            if timestamps:
                put_rows(expected, "beam3.early.timestamps", run(beam_search, 3, 0.5, True))
            else:
                put_rows(expected, "beam2.never.plain", run(beam_search, 2, 1.5, "never"))
        processor_cases(expected, gen, vocab)
        multilingual(out, expected, model, enc, gen, eos, max_new)
    words = "hello world , is the ."
    text_ids = encode_words(words, base)
    expected["text.ids"] = torch.tensor([added["<|0.00|>"]] + text_ids[:3] + [added["<|1.20|>"], ids["sot"]]
                                        + text_ids[3:] + [eos])
    expected["text.utf8"] = torch.tensor(list(clean_up(words).encode()), dtype=torch.int64)
    safetensors_io.save(os.path.join(out, "expected.safetensors"), expected)
    for k in sorted(expected):
        if k.startswith(("greedy", "beam")):
            print(k, expected[k].tolist())


def multilingual(out, expected, model, enc, gen, eos, max_new):
    """The same weights with a multilingual generation config (generation_config.multilingual.json): the language
    detected per row as generation_whisper.py's detect_language does (the argmax of the first step's logits over
    lang_to_id's tokens), then greedy from <|startoftranscript|> <|lang|> <|notimestamps|> (no task after a detected
    language); and with
    <|de|> <|translate|> given."""
    gen = dict(gen, is_multilingual=True)
    write_json(os.path.join(out, "generation_config.multilingual.json"), gen)
    process = processors(gen, False, 3)
    for k, language in enumerate(detect_languages(model, enc, gen)):
        expected["multilingual.language.%d" % k] = torch.tensor([language])
        expected["multilingual.greedy.%d" % k] = torch.tensor(
            greedy(model, enc[k:k + 1], prompt(gen, False, language), process, eos, max_new)[0], dtype=torch.int64)
    init = prompt(gen, False, gen["lang_to_id"]["<|de|>"], "translate")
    put_rows(expected, "multilingual.de.translate", greedy(model, enc, init, processors(gen, False, len(init)), eos,
                                                           max_new))


def put_rows(expected, name, rows):
    for i, row in enumerate(rows):
        expected["%s.%d" % (name, i)] = torch.tensor(row, dtype=torch.int64)


def processor_cases(expected, gen, vocab):
    """The timestamp rules on hand-built logits and sequences (prompt = sot, so begin_index 1)."""
    g = torch.Generator().manual_seed(5)
    begin = gen["no_timestamps_token_id"] + 1
    sot, eos = gen["decoder_start_token_id"], gen["eos_token_id"]
    cases = [[sot], [sot, begin + 3], [sot, begin + 3, 100], [sot, begin + 3, 100, begin + 7],
             [sot, begin + 3, 100, begin + 7, begin + 7], [sot, 100, 101], [sot, begin, begin, 40, begin + 2]]
    for i, seq in enumerate(cases):
        logits = torch.randn(1, vocab, generator=g, dtype=torch.float64) * 3
        if i == 5:
            logits[0, begin:] += 6.0  # timestamps together outweigh the best text token
        ids = torch.tensor([seq])
        expected["rules.%d.ids" % i] = ids[0]
        expected["rules.%d.logits" % i] = logits[0].float()
        out = timestamp_rules(ids, suppress(suppress_at_begin(ids, logits.float().double(), gen["begin_suppress_tokens"], 1),
                                            gen["suppress_tokens"]), gen, 1)
        expected["rules.%d.processed" % i] = out[0].float()


# ---------------------------------------------------------------------------------------------------------------
# distil-small.en's shape, float32: the benchmark and a folder for the Java benchmark


def real_shape():
    base, added, specials, stamps = vocabulary(50256)
    ids = {"eos": added["<|endoftext|>"], "sot": added["<|startoftranscript|>"]}
    vocab = len(base) + len(added)
    assert vocab == 50256 + 2 + len(LANGUAGES) + 6 + 1501
    c = config_json(768, 12, 2, 12, 3072, vocab, 1500, 448, ids)
    return c, base, added, specials, generation_config_json(added, 448, [1, 2, 7, 8, 9, 10, 14, 25])


def bench(tokens, rounds, batch):
    """The encoder on `batch` 30 s windows at once, then `tokens` greedy steps of all rows with a KV cache."""
    torch.set_num_threads(2)
    c, base, added, specials, gen = real_shape()
    model = build(c, 0, torch.float32)
    features = torch.randn(batch, 80, 3000)
    init = prompt(gen, False)
    with torch.no_grad():
        model.encoder(features)
        for r in range(rounds):
            t0 = time.perf_counter()
            enc = model.encoder(features)
            t1 = time.perf_counter()
            cross = model.decoder.cross_kv(enc)
            caches = [dict() for _ in model.decoder.layers]
            ids = torch.tensor([init] * batch)
            past = 0
            for _ in range(tokens):
                h = model.decoder(ids, cross, caches, past)
                past += ids.shape[1]
                ids = model.logits(h[:, -1:]).argmax(-1)
            t2 = time.perf_counter()
            enc_ms, dec_ms = (t1 - t0) * 1000 / batch, (t2 - t1) * 1000 / batch
            print(json.dumps({"round": r, "batch": batch, "encoder_ms_per_window": round(enc_ms, 1),
                              "decoder_ms_per_token": round(dec_ms / tokens, 2), "tokens": tokens,
                              "window_ms": round(enc_ms + dec_ms, 1),
                              "rtf_60s": round(2 * (enc_ms + dec_ms) / 60000, 4)}), flush=True)


def write_real_shape(out):
    c, base, added, specials, gen = real_shape()
    write_folder(out, c, build(c, 0, torch.float32), base, added, specials, gen)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--bench":
        opts = dict(zip(args[1::2], args[2::2]))
        bench(int(opts.get("--tokens", 32)), int(opts.get("--rounds", 3)), int(opts.get("--batch", 1)))
    elif args and args[0] == "--write-real-shape":
        write_real_shape(args[1])
    else:
        tiny(args[0] if args else "src/test/resources/reference/whisper-model")
