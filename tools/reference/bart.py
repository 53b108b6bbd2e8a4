"""BART (transformers' BartForConditionalGeneration) and encoder-decoder generation in float64, written from the
transformers source without transformers itself; run with Debian's Python, torch 1.13 and numpy:

    /usr/bin/python3 tools/reference/bart.py src/test/resources/reference/bart
    /usr/bin/python3 tools/reference/bart.py --real-shape   (facebook/bart-large-cnn's shapes, float32, random)
    /usr/bin/python3 tools/reference/bart.py --write-real-shape DIR   (that model as a folder, 1.6 GB, for Java)
    /usr/bin/python3 tools/reference/bart.py --time DIR [--seq 64] [--tokens 32] [--beams 1,4] [--rounds 3]
        (greedy and beam generation of DIR's model in PyTorch eager, with a KV cache: seq2seq_timing.py)

Sources (huggingface/transformers, src/transformers/):
- models/bart/modeling_bart.py: BartLearnedPositionalEmbedding (num_embeddings + 2, positions + offset 2 after the
  past length), BartAttention (q scaled by head_dim**-0.5, all projections with bias), BartEncoderLayer and
  BartDecoderLayer (post-LN: residual add, then the layer norm), BartEncoder / BartDecoder (embed_tokens * embed_scale
  = sqrt(d_model) when scale_embedding, + positions, layernorm_embedding, layers; no final layer norm),
  BartForConditionalGeneration (lm_head tied to model.shared, + final_logits_bias).
- generation/logits_process.py: NoRepeatNGramLogitsProcessor (_get_ngrams / _calc_banned_ngram_tokens),
  MinLengthLogitsProcessor, ForcedBOSTokenLogitsProcessor (cur_len == 1), ForcedEOSTokenLogitsProcessor
  (cur_len == max_length - 1), in generation/utils.py _get_logits_processor's order.
- generation/utils.py: _sample (greedy: argmax of the processed logits, pad after eos), _beam_search (log_softmax,
  processors, + beam scores, top 2 * num_beams) and generation/beam_search.py (BeamHypotheses, generated_len = length
  after the decoder start token).

The tiny folder: config.json and generation_config.json shaped as facebook/bart-large-cnn's (its task_specific_params
too), model.safetensors (float32, the checkpoint's names: model.shared, final_logits_bias; lm_head tied so absent), a
RoBERTa byte-level BPE tokenizer.json, tokenizer_config.json, special_tokens_map.json, and expected.safetensors.
"""
import json
import math
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import clip  # noqa: E402
from clap import roberta_vocab, tokenizer_json, words, encode, special, BOS, PAD, EOS, UNK, MASK  # noqa: E402
from clip import BYTE_ENCODER, write_json  # noqa: E402
from whisper import Hypotheses  # noqa: E402  (BeamHypotheses)

NEG = float("-inf")


# ---------------------------------------------------------------------------------------------------------------
# the model (modeling_bart.py)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.k_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d)
        self.q_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.hd).transpose(1, 2)

    def forward(self, x, source, key_mask=None, causal=False):
        """key_mask [B, S] (1 = attend); causal: query i sees keys 0..i (no cache: S == T)."""
        b, t, d = x.shape
        q = self.split(self.q_proj(x) * self.hd ** -0.5)
        k, v = self.split(self.k_proj(source)), self.split(self.v_proj(source))
        w = q @ k.transpose(-1, -2)
        if key_mask is not None:
            w = w.masked_fill(key_mask[:, None, None, :] == 0, torch.finfo(w.dtype).min)
        if causal:
            w = w.masked_fill(~torch.ones(t, t, dtype=torch.bool).tril(), torch.finfo(w.dtype).min)
        out = torch.softmax(w, dim=-1) @ v
        return self.out_proj(out.transpose(1, 2).reshape(b, t, d))


class EncoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["d_model"]
        self.self_attn = Attention(d, c["encoder_attention_heads"])
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, c["encoder_ffn_dim"])
        self.fc2 = nn.Linear(c["encoder_ffn_dim"], d)
        self.final_layer_norm = nn.LayerNorm(d)

    def forward(self, x, mask):
        x = self.self_attn_layer_norm(x + self.self_attn(x, x, mask))
        return self.final_layer_norm(x + self.fc2(torch.nn.functional.gelu(self.fc1(x))))


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

    def forward(self, x, enc, enc_mask):
        x = self.self_attn_layer_norm(x + self.self_attn(x, x, causal=True))
        x = self.encoder_attn_layer_norm(x + self.encoder_attn(x, enc, enc_mask))
        return self.final_layer_norm(x + self.fc2(torch.nn.functional.gelu(self.fc1(x))))


class Stack(nn.Module):
    """BartEncoder or BartDecoder (embed_tokens is model.shared, not a parameter of its own here)."""

    def __init__(self, c, layer):
        super().__init__()
        d = c["d_model"]
        self.embed_positions = nn.Embedding(c["max_position_embeddings"] + 2, d)
        self.layers = nn.ModuleList([layer(c) for _ in range(c[("encoder" if layer is EncoderLayer else "decoder")
                                                              + "_layers"])])
        self.layernorm_embedding = nn.LayerNorm(d)
        self.scale = math.sqrt(d) if c["scale_embedding"] else 1.0

    def embed(self, shared, ids, past=0):
        positions = torch.arange(past, past + ids.shape[1]) + 2  # BartLearnedPositionalEmbedding's offset
        return self.layernorm_embedding(shared(ids) * self.scale + self.embed_positions(positions)[None])


class Bart(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.shared = nn.Embedding(c["vocab_size"], c["d_model"])
        self.encoder = Stack(c, EncoderLayer)
        self.decoder = Stack(c, DecoderLayer)
        self.final_logits_bias = nn.Parameter(torch.zeros(1, c["vocab_size"]))

    def encode(self, ids, mask):
        x = self.encoder.embed(self.shared, ids)
        for layer in self.encoder.layers:
            x = layer(x, mask)
        return x

    def full_logits(self, enc, enc_mask, ids):
        """Logits for every position of decoder ids [B, T], recomputed without a cache."""
        x = self.decoder.embed(self.shared, ids)
        for layer in self.decoder.layers:
            x = layer(x, enc, enc_mask)
        return x @ self.shared.weight.t() + self.final_logits_bias

    def checkpoint(self):
        """model.safetensors' names: model.shared, model.encoder..., model.decoder..., final_logits_bias."""
        out = {}
        for k, v in self.state_dict().items():
            out[k if k == "final_logits_bias" else "model." + k] = v
        return out


# ---------------------------------------------------------------------------------------------------------------
# the logits processors (logits_process.py) and the searches (utils.py, beam_search.py)


def banned_ngram_tokens(row, n):
    """NoRepeatNGramLogitsProcessor: tokens that would complete an n-gram already in row."""
    if len(row) + 1 < n:
        return []
    prefix = tuple(row[len(row) - n + 1:])
    return [row[i + n - 1] for i in range(len(row) - n + 1) if tuple(row[i:i + n - 1]) == prefix]


def processors(gen):
    def process(ids, scores):
        scores = scores.clone()
        cur_len = ids.shape[1]
        if gen.get("no_repeat_ngram_size", 0) > 0:
            for r in range(ids.shape[0]):
                for token in banned_ngram_tokens(ids[r].tolist(), gen["no_repeat_ngram_size"]):
                    scores[r, token] = NEG
        if gen.get("min_length", 0) > 0 and cur_len < gen["min_length"]:
            scores[:, gen["eos_token_id"]] = NEG
        if gen.get("forced_bos_token_id") is not None and cur_len == 1:
            scores[:, :] = NEG
            scores[:, gen["forced_bos_token_id"]] = 0
        if gen.get("forced_eos_token_id") is not None and cur_len == gen["max_length"] - 1:
            scores[:, :] = NEG
            scores[:, gen["forced_eos_token_id"]] = 0
        return scores
    return process


def encoder_ngrams(process, input_rows, n):
    """EncoderNoRepeatNGramLogitsProcessor (generation/logits_process.py) before the generation config's processors,
    as generation/utils.py _get_logits_processor orders it: _get_ngrams over each input's ids (padding included, as
    generate passes inputs_tensor), and hypothesis h bans the tokens that followed its last n-1 ids in input
    h // (hypotheses per input) (_get_generated_ngrams)."""
    banned = []
    for row in input_rows:
        grams = {}
        for i in range(len(row) - n + 1):
            grams.setdefault(tuple(row[i:i + n - 1]), []).append(row[i + n - 1])
        banned.append(grams)

    def processed(ids, scores):
        scores = scores.clone()
        per_input = ids.shape[0] // len(banned)
        if ids.shape[1] >= n - 1:
            for r in range(ids.shape[0]):
                for token in banned[r // per_input].get(tuple(ids[r, ids.shape[1] - n + 1:].tolist()), []):
                    scores[r, token] = NEG
        return process(ids, scores)
    return processed


def strip(seq, eos):
    return seq[:seq.index(eos)] if eos in seq else seq


def greedy(model, enc, mask, gen, process):
    """_sample without sampling: argmax of the processed logits; a finished row gets the pad token after."""
    b = enc.shape[0]
    ids = torch.full((b, 1), gen["decoder_start_token_id"], dtype=torch.int64)
    done = [False] * b
    while ids.shape[1] < gen["max_length"]:
        scores = process(ids, model.full_logits(enc, mask, ids)[:, -1])
        nxt = scores.argmax(-1)
        nxt = torch.tensor([gen["pad_token_id"] if done[k] else int(nxt[k]) for k in range(b)])
        done = [done[k] or int(nxt[k]) == gen["eos_token_id"] for k in range(b)]
        ids = torch.cat([ids, nxt[:, None]], 1)
        if all(done):
            break
    return [strip(row.tolist()[1:], gen["eos_token_id"]) for row in ids]


def beam_search(model, enc, mask, gen, process):
    b, beams, eos = enc.shape[0], gen["num_beams"], gen["eos_token_id"]
    enc, mask = enc.repeat_interleave(beams, 0), mask.repeat_interleave(beams, 0)
    max_length = gen["max_length"]
    ids = torch.full((b * beams, 1), gen["decoder_start_token_id"], dtype=torch.int64)
    beam_scores = torch.zeros(b, beams, dtype=torch.float64)
    beam_scores[:, 1:] = -1e9
    beam_scores = beam_scores.view(-1)
    hyps = [Hypotheses(beams, gen["length_penalty"], gen["early_stopping"], max_length) for _ in range(b)]
    done = [False] * b
    while True:
        logprobs = torch.log_softmax(model.full_logits(enc, mask, ids)[:, -1], dim=-1)
        scores = process(ids, logprobs) + beam_scores[:, None]
        vocab = scores.shape[-1]
        top, index = torch.topk(scores.view(b, beams * vocab), 2 * beams, dim=1, largest=True, sorted=True)
        cur_len = ids.shape[1] + 1
        next_scores = torch.zeros(b, beams, dtype=torch.float64)
        next_tokens = torch.full((b, beams), gen["pad_token_id"], dtype=torch.int64)
        next_rows = torch.zeros(b, beams, dtype=torch.int64)
        for g in range(b):
            if done[g]:
                continue
            k = 0
            for rank in range(2 * beams):
                token = int(index[g, rank]) % vocab
                row = g * beams + int(index[g, rank]) // vocab
                if token == eos:
                    if rank < beams:
                        hyps[g].add(ids[row].tolist(), float(top[g, rank]), cur_len - 1)
                else:
                    next_scores[g, k], next_tokens[g, k], next_rows[g, k] = top[g, rank], token, row
                    k += 1
                if k == beams:
                    break
            # transformers 5 _check_early_stop_heuristic: the best beam still running, not the best candidate
            done[g] = hyps[g].is_done(float(next_scores[g, 0]), cur_len, 1)
        beam_scores = next_scores.view(-1)
        ids = torch.cat([ids[next_rows.view(-1)], next_tokens.view(-1, 1)], 1)
        if all(done) or ids.shape[1] >= max_length:
            break
    out = []
    for g in range(b):
        if not done[g]:
            for j in range(beams):
                row = g * beams + j
                hyps[g].add(ids[row].tolist(), float(beam_scores[row]), ids.shape[1] - 1)
        best = sorted(hyps[g].beams, key=lambda x: x[0]).pop()[1]
        out.append(strip(best[1:], eos))
    return out


# ---------------------------------------------------------------------------------------------------------------
# the folder


CORPUS = ("the cat sat on the mat . the dog sat on the log . a storm hit the coast on monday . "
          "officials said the storm was strong . the city said schools will close . ") * 3
TEXTS = ["A storm hit the coast on Monday, officials said.", "The cat sat on the mat and the dog sat on the log."]
DECODER_IDS = [[2, 0, 40, 41, 42, 43], [2, 0, 50, 50, 51, 9]]
SUMMARIZATION = {"early_stopping": True, "length_penalty": 2.0, "max_length": 142, "min_length": 56,
                 "no_repeat_ngram_size": 3, "num_beams": 4}


def config_json(vocab_size, d=32, layers=2, heads=4, ffn=48, positions=64, tiny_generation=None):
    """config.json as BartConfig.save_pretrained writes facebook/bart-large-cnn's (transformers 4.x)."""
    gen = tiny_generation or SUMMARIZATION
    return {
        "_name_or_path": "facebook/bart-large-cnn", "activation_dropout": 0.0, "activation_function": "gelu",
        "add_bias_logits": False, "add_final_layer_norm": False, "architectures": ["BartForConditionalGeneration"],
        "attention_dropout": 0.0, "bos_token_id": 0, "classif_dropout": 0.0, "classifier_dropout": 0.0,
        "d_model": d, "decoder_attention_heads": heads, "decoder_ffn_dim": ffn, "decoder_layerdrop": 0.0,
        "decoder_layers": layers, "decoder_start_token_id": 2, "dropout": 0.1, "early_stopping": True,
        "encoder_attention_heads": heads, "encoder_ffn_dim": ffn, "encoder_layerdrop": 0.0, "encoder_layers": layers,
        "eos_token_id": 2, "force_bos_token_to_be_generated": True, "forced_bos_token_id": 0, "forced_eos_token_id": 2,
        "gradient_checkpointing": False, "id2label": {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"},
        "init_std": 0.02, "is_encoder_decoder": True, "label2id": {"LABEL_0": 0, "LABEL_1": 1, "LABEL_2": 2},
        "length_penalty": gen["length_penalty"], "max_length": gen["max_length"],
        "max_position_embeddings": positions, "min_length": gen["min_length"], "model_type": "bart",
        "no_repeat_ngram_size": gen["no_repeat_ngram_size"], "normalize_before": False, "num_beams": gen["num_beams"],
        "num_hidden_layers": layers, "output_past": True, "pad_token_id": 1, "prefix": " ", "scale_embedding": False,
        "task_specific_params": {"summarization": dict(gen)}, "transformers_version": "4.36.0", "use_cache": True,
        "vocab_size": vocab_size,
    }


def generation_config_json(gen):
    """generation_config.json as facebook/bart-large-cnn has it."""
    return {"_from_model_config": True, "bos_token_id": 0, "decoder_start_token_id": 2,
            "early_stopping": gen["early_stopping"], "eos_token_id": 2, "forced_bos_token_id": 0,
            "forced_eos_token_id": 2, "length_penalty": gen["length_penalty"], "max_length": gen["max_length"],
            "min_length": gen["min_length"], "no_repeat_ngram_size": gen["no_repeat_ngram_size"],
            "num_beams": gen["num_beams"], "pad_token_id": 1, "transformers_version": "4.36.0"}


def randomize(model, generator, eos_boost, unreadable):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "layer_norm" in name or "layernorm" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + 0.1 * torch.randn(p.shape, generator=generator))
            else:  # small enough that float32 logits stay within 1e-5 of float64 ones
                p.copy_((0.1 if name == "shared.weight" else 0.3) * torch.randn(p.shape, generator=generator))
        # end of text probable enough that min_length holds it back and the beams finish before max_length
        model.final_logits_bias[0, 2] += eos_boost
        # pieces of control or non-ASCII bytes would decode to U+FFFD alone: keep the summaries readable text
        model.final_logits_bias[0, unreadable] -= 8.0


def unreadable_tokens(vocab):
    """The ids of the byte-level pieces holding control or non-ASCII bytes (alone they decode to U+FFFD)."""
    byte_of = {c: b for b, c in BYTE_ENCODER.items()}
    return [i for t, i in vocab.items() if t not in (BOS, PAD, EOS, UNK, MASK)
            and any(not 32 <= byte_of[c] < 127 for c in t)]


def tiny(out):
    os.makedirs(out, exist_ok=True)
    merges = clip.train_merges(CORPUS, 60, words, end_of_word="")
    vocab = roberta_vocab(merges)
    ranks = {m: r for r, m in enumerate(merges)}
    write_json(os.path.join(out, "tokenizer.json"), tokenizer_json(vocab, merges))
    write_json(os.path.join(out, "special_tokens_map.json"),
               {"bos_token": special(BOS), "cls_token": special(BOS), "eos_token": special(EOS),
                "mask_token": special(MASK), "pad_token": special(PAD), "sep_token": special(EOS),
                "unk_token": special(UNK)})
    write_json(os.path.join(out, "tokenizer_config.json"), {
        "add_prefix_space": False, "bos_token": BOS, "clean_up_tokenization_spaces": True, "cls_token": BOS,
        "eos_token": EOS, "errors": "replace", "mask_token": MASK, "model_max_length": 64, "pad_token": PAD,
        "sep_token": EOS, "tokenizer_class": "BartTokenizer", "trim_offsets": True, "unk_token": UNK})
    gen = {"early_stopping": True, "length_penalty": 2.0, "max_length": 20, "min_length": 8,
           "no_repeat_ngram_size": 3, "num_beams": 4}
    config = config_json(len(vocab), tiny_generation=gen)
    write_json(os.path.join(out, "config.json"), config)
    write_json(os.path.join(out, "generation_config.json"), generation_config_json(gen))

    generator = torch.Generator().manual_seed(20)
    model = Bart(config).double().eval()
    randomize(model, generator, 4.0, unreadable_tokens(vocab))
    safetensors_io.save(os.path.join(out, "model.safetensors"),
                        {k: v.float() for k, v in model.checkpoint().items()}, {"format": "pt"})
    model.load_state_dict({k: v.float().double() for k, v in model.state_dict().items()})

    rows = [encode(t, vocab, ranks) for t in TEXTS]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [vocab[PAD]] * (width - len(r)) for r in rows], dtype=torch.int64)
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], dtype=torch.int64)
    full = dict(generation_config_json(gen), pad_token_id=1)
    with torch.no_grad():
        enc = model.encode(ids, mask)
        decoder_ids = torch.tensor(DECODER_IDS, dtype=torch.int64)
        logits = model.full_logits(enc, mask, decoder_ids)
        plain = {"max_length": gen["max_length"], "eos_token_id": 2, "decoder_start_token_id": 2, "pad_token_id": 1}
        greedy_ids = greedy(model, enc, mask, full, processors(full))
        greedy_plain = greedy(model, enc, mask, plain, processors(plain))
        beam_ids = beam_search(model, enc, mask, full, processors(full))
        beam_plain = beam_search(model, enc, mask, dict(full, no_repeat_ngram_size=0, min_length=0,
                                                        forced_eos_token_id=None), processors(plain))
    for name, got, without in (("greedy", greedy_ids, greedy_plain), ("beam", beam_ids, beam_plain)):
        print(name, got, "without processors:", without)
        assert got != without, name + ": the processors change nothing; pick other seeds"
    expected = {"input_ids": ids, "attention_mask": mask, "encoder_hidden_state": enc,
                "decoder_input_ids": decoder_ids, "logits": logits,
                "greedy_ids": padded(greedy_ids), "beam_ids": padded(beam_ids)}
    # the summarization pipeline: config.json's prefix before each text, one text at a time (text2text_generation.py)
    with torch.no_grad():
        summaries = []
        for text in TEXTS:
            one = torch.tensor([encode(config["prefix"] + text, vocab, ranks)], dtype=torch.int64)
            summaries.append(decode(beam_search(model, model.encode(one, torch.ones_like(one)), torch.ones_like(one),
                                                full, processors(full))[0], vocab))
    print("summaries", summaries)
    safetensors_io.save(os.path.join(out, "expected.safetensors"), expected,
                        {"texts": json.dumps(TEXTS), "summaries": json.dumps(summaries), "note": "greedy_ids and beam_ids: the generated tokens after "
                         "decoder_start_token_id, eos left out, rows padded with -1; generation_config.json's "
                         "settings (beam) and the same with num_beams 1 (greedy)"})


def decode(ids, vocab):
    """The byte-level BPE pieces' bytes, the special tokens left out (skip_special_tokens, no clean-up)."""
    byte_of = {c: b for b, c in BYTE_ENCODER.items()}
    piece = {i: t for t, i in vocab.items()}
    specials = {BOS, PAD, EOS, UNK, MASK}
    return bytes(byte_of[c] for i in ids if piece[i] not in specials for c in piece[i]).decode("utf-8", "replace")


def padded(rows):
    width = max(len(r) for r in rows)
    return torch.tensor([r + [-1] * (width - len(r)) for r in rows], dtype=torch.int64)


def real_shape():
    """facebook/bart-large-cnn's shapes, float32, random weights (for benchmarks against the Java model)."""
    config = config_json(50264, d=1024, layers=12, heads=16, ffn=4096, positions=1024)
    model = Bart(config).float().eval()
    ids = torch.randint(3, 50000, (1, 512))
    with torch.no_grad():
        start = time.perf_counter()
        enc = model.encode(ids, torch.ones_like(ids))
        print("encoder, 512 tokens: %.3f s" % (time.perf_counter() - start))
        start = time.perf_counter()
        model.full_logits(enc, torch.ones_like(ids), torch.tensor([[2, 0, 100, 200]]))
        print("decoder, 4 tokens, no cache: %.3f s" % (time.perf_counter() - start))


def write_real_shape(out):
    """config.json, generation_config.json and model.safetensors of a random model at bart-large-cnn's shapes."""
    os.makedirs(out, exist_ok=True)
    config = config_json(50264, d=1024, layers=12, heads=16, ffn=4096, positions=1024)
    write_json(os.path.join(out, "config.json"), config)
    write_json(os.path.join(out, "generation_config.json"), generation_config_json(SUMMARIZATION))
    model = Bart(config).float().eval()
    safetensors_io.save(os.path.join(out, "model.safetensors"), model.checkpoint(), {"format": "pt"})


def time_folder(argv):
    """--time DIR: greedy and beam generation of DIR's model in PyTorch eager (seq2seq_timing.py)."""
    import seq2seq_timing
    folder, seq, tokens, beams, rounds = seq2seq_timing.options(argv)
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    model = seq2seq_timing.load(Bart(config), folder)
    seq2seq_timing.time_rounds(model, config["vocab_size"], config["decoder_start_token_id"], config["eos_token_id"],
                               seq, tokens, beams, rounds, pre_ln=False)


if __name__ == "__main__":
    if sys.argv[1:] == ["--real-shape"]:
        real_shape()
    elif sys.argv[1] == "--time":
        time_folder(sys.argv[1:])
    elif sys.argv[1] == "--write-real-shape":
        write_real_shape(sys.argv[2])
    else:
        tiny(sys.argv[1])
