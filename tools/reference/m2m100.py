"""M2M100 / NLLB (transformers' M2M100ForConditionalGeneration, facebook/nllb-200-distilled-600M) and NLLB's
tokenizer in float64, written from the transformers source without transformers itself; run with Debian's Python,
torch 1.13 and numpy:

    /usr/bin/python3 tools/reference/m2m100.py src/test/resources/reference/nllb
    /usr/bin/python3 tools/reference/m2m100.py --write-real-shape DIR   (nllb-200-distilled-600M's shapes, random)
    /usr/bin/python3 tools/reference/m2m100.py --time DIR [--seq 64] [--tokens 32] [--beams 1,4] [--rounds 3]
        (greedy and beam generation of DIR's model in PyTorch eager, with a KV cache: seq2seq_timing.py)

Sources (huggingface/transformers, src/transformers/):
- models/m2m_100/modeling_m2m_100.py: M2M100ScaledWordEmbedding (embed_tokens * sqrt(d_model) when scale_embedding),
  M2M100SinusoidalPositionalEmbedding (get_embedding: half_dim = d // 2, step log(10000) / (half_dim - 1), sin then
  cos, the padding_idx row zero, num_positions + offset 2 rows; create_position_ids_from_input_ids: (cumsum(ids !=
  pad) + past) * (ids != pad) + pad), M2M100EncoderLayer / M2M100DecoderLayer (pre-LN: residual + sublayer(norm(x))),
  M2M100Encoder / M2M100Decoder (embeddings + positions, layers, then layer_norm), M2M100ForConditionalGeneration
  (lm_head tied to model.shared, no logits bias). M2M100Attention is BartAttention (bart.py's Attention).
- models/nllb/tokenization_nllb_fast.py: NllbTokenizerFast (legacy_behaviour False: prefix [src_lang_code], suffix
  [eos]; _build_translation_inputs sets forced_bos_token_id to the target language's id), and
  convert_slow_tokenizer.py NllbConverter (SpmConverter of NLLB's sentencepiece.bpe.model, a BPE model: vocab <s>
  <pad> </s> <unk> then the pieces, merges from generate_merges, unk_token <unk>, fuse_unk; the language codes and
  <mask> are added tokens after them; Metaspace pre-tokenizer and decoder). transformers 5's NllbTokenizer (a
  TokenizersBackend whose __init__ builds a BPE model) keeps only the vocab and merges of tokenizer.json's model
  (tokenization_utils_tokenizers.py convert_to_native_format), so a Unigram tokenizer.json reaches it as a BPE
  vocabulary without merges: single characters.
- pipelines/text2text_generation.py: TranslationPipeline (src_lang / tgt_lang to _build_translation_inputs; the
  generated ids decoded with skip_special_tokens, no clean-up of spaces).
The searches and logits processors are bart.py's.

The tiny folder: config.json as M2M100Config writes nllb-200-distilled-600M's (model_type m2m_100, relu,
scale_embedding), generation_config.json as that checkpoint has it (greedy, max_length 200; 20 here), model.safetensors
(float32, the checkpoint's names), a SentencePiece-BPE tokenizer.json with five FLORES-200 language codes,
tokenizer_config.json, special_tokens_map.json and expected.safetensors.
"""
import json
import math
import os
import re
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import bart  # noqa: E402
from bart import greedy, beam_search, processors, padded  # noqa: E402
from clip import write_json  # noqa: E402

BOS, PAD, EOS, UNK, MASK = "<s>", "<pad>", "</s>", "<unk>", "<mask>"
SPACE = "\u2581"
ACT = {"relu": torch.relu, "gelu": nn.functional.gelu}


# ---------------------------------------------------------------------------------------------------------------
# the model (modeling_m2m_100.py; Blenderbot's layers are the same, blenderbot.py imports them)


class EncoderLayer(bart.EncoderLayer):
    """M2M100EncoderLayer: BartEncoderLayer's weights, pre-LN, config.json's activation."""

    def __init__(self, c):
        super().__init__(c)
        self.act = ACT[c["activation_function"]]

    def forward(self, x, mask):
        h = self.self_attn_layer_norm(x)
        x = x + self.self_attn(h, h, mask)
        return x + self.fc2(self.act(self.fc1(self.final_layer_norm(x))))


class DecoderLayer(bart.DecoderLayer):
    """M2M100DecoderLayer: BartDecoderLayer's weights, pre-LN, config.json's activation."""

    def __init__(self, c):
        super().__init__(c)
        self.act = ACT[c["activation_function"]]

    def forward(self, x, enc, enc_mask):
        h = self.self_attn_layer_norm(x)
        x = x + self.self_attn(h, h, causal=True)
        x = x + self.encoder_attn(self.encoder_attn_layer_norm(x), enc, enc_mask)
        return x + self.fc2(self.act(self.fc1(self.final_layer_norm(x))))


def sinusoids(rows, d, padding_idx):
    """M2M100SinusoidalPositionalEmbedding.get_embedding, in float64."""
    half = d // 2
    step = math.log(10000) / (half - 1)
    freqs = torch.exp(torch.arange(half, dtype=torch.float64) * -step)
    angles = torch.arange(rows, dtype=torch.float64)[:, None] * freqs[None, :]
    table = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
    if d % 2 == 1:
        table = torch.cat([table, torch.zeros(rows, 1, dtype=torch.float64)], dim=1)
    table[padding_idx] = 0
    return table


def position_ids(ids, padding_idx, past=0):
    """create_position_ids_from_input_ids."""
    mask = ids.ne(padding_idx).long()
    return (torch.cumsum(mask, dim=1) + past) * mask + padding_idx


class SinusoidalPositions(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.pad = c["pad_token_id"]
        self.register_buffer("weights", sinusoids(c["max_position_embeddings"] + 2, c["d_model"], self.pad),
                             persistent=False)

    def forward(self, ids, past=0):
        return self.weights[position_ids(ids, self.pad, past)]


class Stack(nn.Module):
    """M2M100Encoder or M2M100Decoder (embed_tokens is model.shared); positions(c) builds its embed_positions."""

    def __init__(self, c, layer, count, positions):
        super().__init__()
        self.embed_positions = positions(c)
        self.layers = nn.ModuleList([layer(c) for _ in range(count)])
        self.layer_norm = nn.LayerNorm(c["d_model"])
        self.scale = math.sqrt(c["d_model"]) if c["scale_embedding"] else 1.0

    def embed(self, shared, ids, past=0):
        return shared(ids) * self.scale + self.embed_positions(ids, past)


class PreLnSeq2Seq(nn.Module):
    """M2M100ForConditionalGeneration; with learned positions and a logits bias, BlenderbotForConditionalGeneration."""

    def __init__(self, c, positions=SinusoidalPositions, logits_bias=False):
        super().__init__()
        self.shared = nn.Embedding(c["vocab_size"], c["d_model"])
        self.encoder = Stack(c, EncoderLayer, c["encoder_layers"], positions)
        self.decoder = Stack(c, DecoderLayer, c["decoder_layers"], positions)
        if logits_bias:
            self.final_logits_bias = nn.Parameter(torch.zeros(1, c["vocab_size"]))
        self.logits_bias = logits_bias

    def encode(self, ids, mask):
        x = self.encoder.embed(self.shared, ids)
        for layer in self.encoder.layers:
            x = layer(x, mask)
        return self.encoder.layer_norm(x)

    def full_logits(self, enc, enc_mask, ids):
        """Logits for every position of decoder ids [B, T], recomputed without a cache."""
        x = self.decoder.embed(self.shared, ids)
        for layer in self.decoder.layers:
            x = layer(x, enc, enc_mask)
        logits = self.decoder.layer_norm(x) @ self.shared.weight.t()
        return logits + self.final_logits_bias if self.logits_bias else logits

    def checkpoint(self):
        """model.safetensors' names: model.shared, model.encoder..., model.decoder... (final_logits_bias)."""
        return {k if k == "final_logits_bias" else "model." + k: v for k, v in self.state_dict().items()}


def randomize(model, generator, scale=0.4, shared=0.15):
    """Small weights, so that float32 logits stay within 1e-5 of float64 ones; layer norms near identity."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "layer_norm" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + 0.1 * torch.randn(p.shape, generator=generator))
            elif name == "final_logits_bias":
                p.copy_(0.5 * torch.randn(p.shape, generator=generator))
            else:
                p.copy_((shared if name == "shared.weight" else scale) * torch.randn(p.shape, generator=generator))


def float32_error(model, ids, mask, decoder_ids):
    """How far the float32 model's logits lie from the float64 ones: the folder's weights must keep this well under
    the Java tests' 1e-5."""
    import copy
    single = copy.deepcopy(model).float()
    with torch.no_grad():
        want = model.full_logits(model.encode(ids, mask), mask, decoder_ids)
        got = single.full_logits(single.encode(ids, mask), mask, decoder_ids)
    return float((got.double() - want).abs().max())


# ---------------------------------------------------------------------------------------------------------------
# NLLB's tokenizer: SentencePiece BPE as the Rust tokenizers run it


LANGUAGES = ["deu_Latn", "eng_Latn", "fra_Latn", "spa_Latn", "zho_Hans"]  # FLORES-200 codes, in NLLB's order
CORPUS = ("the cat sits on the mat . the dog sleeps in the house . le chat est sur le tapis . le chien dort dans la "
          "maison . die katze sitzt auf der matte . el gato duerme en la casa . the weather is good today . il fait "
          "beau aujourd'hui .")
TEXTS = ["The cat sleeps in the house.", "Le chien est sur le tapis aujourd'hui, il fait beau."]


def pieces(corpus, generator):
    """A tiny BPE vocabulary: every character (with and without the word-start mark) and the substrings of up to 5
    characters that occur at least twice (so every split of a piece is in the vocabulary too), scored by frequency
    with a little noise (the merges' order, no ties)."""
    counts = {}
    for word in corpus.split():
        marked = SPACE + word
        for i in range(len(marked)):
            for j in range(i + 1, min(len(marked), i + 5) + 1):
                counts[marked[i:j]] = counts.get(marked[i:j], 0) + 1
    chars = sorted({c for c in corpus + "".join(TEXTS) + ",.ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c != " "})
    chosen = sorted({p for p, n in counts.items() if n >= 2 and len(p) > 1} | set(chars) | {SPACE + c for c in chars}
                    | {SPACE})
    total = sum(counts.values())
    noise = torch.rand(len(chosen), generator=generator, dtype=torch.float64)
    return [(p, math.log((counts.get(p, 0) + 0.5) / total) - 0.1 * float(noise[i])) for i, p in enumerate(chosen)]


def merges_of(vocab, scores):
    """convert_slow_tokenizer.py generate_merges(vocab, vocab_scores): every split of a piece into two pieces of the
    vocabulary, the merged piece's score highest first (then the longer left, the longer right), within a piece by
    the halves' ids."""
    merges = []
    for piece, score in scores.items():
        local = [(piece[:i], piece[i:], score) for i in range(1, len(piece))
                 if piece[:i] in vocab and piece[i:] in vocab]
        merges.extend(sorted(local, key=lambda m: (vocab[m[0]], vocab[m[1]])))
    merges = sorted(merges, key=lambda m: (m[2], len(m[0]), len(m[1])), reverse=True)
    return [(left, right) for left, right, _ in merges]


def bpe(word, vocab, ranks):
    """tokenizers' BPE on one pre-tokenized word (models/bpe/word.rs merge_all): characters (a character outside the
    vocabulary is <unk>, runs of them fused), then the adjacent pair of lowest merge rank merged, leftmost first,
    until no pair has a merge."""
    symbols = []
    for c in word:
        if c in vocab:
            symbols.append(c)
        elif not symbols or symbols[-1] != UNK:
            symbols.append(UNK)
    while True:
        found = [(ranks[pair], i) for i, pair in enumerate(zip(symbols, symbols[1:])) if pair in ranks]
        if not found:
            return symbols
        _, i = min(found)
        symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]


def tokenize(text, vocab, ranks):
    """Normalizer (runs of spaces to one), Metaspace (spaces to the mark, one before the text, split before each
    mark), BPE: the ids of the text without special tokens."""
    text = re.sub(" {2,}", " ", text)
    marked = SPACE + text.replace(" ", SPACE)
    words, current = [], ""
    for c in marked:
        if c == SPACE and current:
            words.append(current)
            current = ""
        current += c
    words.append(current)
    return [vocab[p] for w in words for p in bpe(w, vocab, ranks)]


def detokenize(ids, tokens, specials):
    """skip_special_tokens, the Metaspace decoder (the mark to a space, the first one dropped), no clean-up."""
    text = "".join(tokens[i] for i in ids if tokens[i] not in specials).replace(SPACE, " ")
    return text[1:] if text.startswith(" ") else text


def tokenizer_files(out, vocab_pieces):
    """tokenizer.json as NllbConverter writes it, tokenizer_config.json and special_tokens_map.json as the
    checkpoint has them (the language codes as additional special tokens)."""
    vocab = {t: i for i, t in enumerate([BOS, PAD, EOS, UNK] + [p for p, _ in vocab_pieces])}
    merges = merges_of(vocab, dict(vocab_pieces))
    added = [BOS, PAD, EOS, UNK] + LANGUAGES + [MASK]
    ids = dict(vocab)
    for t in LANGUAGES + [MASK]:
        ids[t] = len(ids)

    def added_token(token):
        return {"id": ids[token], "content": token, "single_word": False, "lstrip": token == MASK, "rstrip": False,
                "normalized": False, "special": True}
    write_json(os.path.join(out, "tokenizer.json"), {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added_token(t) for t in added],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": SPACE, "prepend_scheme": "always", "split": True},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "eng_Latn", "type_id": 0}},
                                      {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": EOS, "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "eng_Latn", "type_id": 0}},
                                    {"Sequence": {"id": "A", "type_id": 0}},
                                    {"Sequence": {"id": "B", "type_id": 0}},
                                    {"SpecialToken": {"id": EOS, "type_id": 0}}],
                           "special_tokens": {
                               "eng_Latn": {"id": "eng_Latn", "ids": [ids["eng_Latn"]], "tokens": ["eng_Latn"]},
                               EOS: {"id": EOS, "ids": [ids[EOS]], "tokens": [EOS]}}},
        "decoder": {"type": "Metaspace", "replacement": SPACE, "prepend_scheme": "always", "split": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": UNK, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": False, "vocab": vocab,
                  "merges": [left + " " + right for left, right in merges]},
    })
    write_json(os.path.join(out, "tokenizer_config.json"), {
        "additional_special_tokens": LANGUAGES, "bos_token": BOS, "clean_up_tokenization_spaces": True,
        "cls_token": BOS, "eos_token": EOS, "legacy_behaviour": False, "mask_token": MASK, "model_max_length": 1024,
        "pad_token": PAD, "sep_token": EOS, "sp_model_kwargs": {}, "src_lang": None, "tgt_lang": None,
        "tokenizer_class": "NllbTokenizer", "unk_token": UNK})
    write_json(os.path.join(out, "special_tokens_map.json"), {
        "additional_special_tokens": LANGUAGES, "bos_token": BOS, "cls_token": BOS, "eos_token": EOS,
        "mask_token": MASK, "pad_token": PAD, "sep_token": EOS, "unk_token": UNK})
    return ids, {pair: rank for rank, pair in enumerate(merges)}


# ---------------------------------------------------------------------------------------------------------------
# the folders


def config_json(vocab_size, d=32, layers=2, heads=4, ffn=48, positions=64, max_length=200):
    """config.json as M2M100Config.save_pretrained writes facebook/nllb-200-distilled-600M's."""
    return {
        "_name_or_path": "facebook/nllb-200-distilled-600M", "activation_dropout": 0.0, "activation_function": "relu",
        "architectures": ["M2M100ForConditionalGeneration"], "attention_dropout": 0.1, "bos_token_id": 0,
        "d_model": d, "decoder_attention_heads": heads, "decoder_ffn_dim": ffn, "decoder_layerdrop": 0,
        "decoder_layers": layers, "decoder_start_token_id": 2, "dropout": 0.1, "encoder_attention_heads": heads,
        "encoder_ffn_dim": ffn, "encoder_layerdrop": 0, "encoder_layers": layers, "eos_token_id": 2,
        "init_std": 0.02, "is_encoder_decoder": True, "max_length": max_length, "max_position_embeddings": positions,
        "model_type": "m2m_100", "num_hidden_layers": layers, "pad_token_id": 1, "scale_embedding": True,
        "tokenizer_class": "NllbTokenizer", "torch_dtype": "float32", "transformers_version": "4.21.0.dev0",
        "use_cache": True, "vocab_size": vocab_size,
    }


def generation_config_json(max_length=200):
    """generation_config.json as facebook/nllb-200-distilled-600M has it: greedy, max_length 200."""
    return {"_from_model_config": True, "bos_token_id": 0, "decoder_start_token_id": 2, "eos_token_id": 2,
            "max_length": max_length, "pad_token_id": 1, "transformers_version": "4.27.0.dev0"}


REAL = dict(d=1024, layers=12, heads=16, ffn=4096, positions=1024)
REAL_VOCAB = 256206


def tiny(out):
    os.makedirs(out, exist_ok=True)
    generator = torch.Generator().manual_seed(200)
    vocab_pieces = pieces(CORPUS, generator)
    ids_of, ranks = tokenizer_files(out, vocab_pieces)
    tokens = {i: t for t, i in ids_of.items()}
    vocab_size = len(ids_of) + 2  # the real config's vocab_size also exceeds the tokenizer's (256206 > 256204)
    max_length = 20
    # positions as the real checkpoint's (1024 = the tokenizer's model_max_length): sinusoids hold no weights, and
    # transformers encodes any length (make_weights grows the table), so a smaller number would cut inputs that
    # transformers reads whole
    config = config_json(vocab_size, positions=1024, max_length=max_length)
    write_json(os.path.join(out, "config.json"), config)
    write_json(os.path.join(out, "generation_config.json"), generation_config_json(max_length))

    model = PreLnSeq2Seq(config).double().eval()
    randomize(model, generator)
    safetensors_io.save(os.path.join(out, "model.safetensors"),
                        {k: v.float() for k, v in model.checkpoint().items()}, {"format": "pt"})
    model.load_state_dict({k: v.float().double() for k, v in model.state_dict().items()})

    # NllbTokenizerFast(src_lang=...): [src_lang_code] + text + [eos]; the second text is French
    sources = ["eng_Latn", "fra_Latn"]
    rows = [[ids_of[lang]] + tokenize(t, ids_of, ranks) + [ids_of[EOS]] for lang, t in zip(sources, TEXTS)]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [ids_of[PAD]] * (width - len(r)) for r in rows], dtype=torch.int64)
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], dtype=torch.int64)
    gen = dict(generation_config_json(max_length), forced_bos_token_id=ids_of["deu_Latn"])
    with torch.no_grad():
        enc = model.encode(ids, mask)
        decoder_ids = torch.tensor([[2, ids_of["deu_Latn"], 40, 41, 42, 43], [2, ids_of["spa_Latn"], 50, 50, 51, 9]])
        logits = model.full_logits(enc, mask, decoder_ids)
        greedy_ids = greedy(model, enc, mask, gen, processors(gen))
        beam_gen = dict(gen, num_beams=4, length_penalty=1.0, early_stopping=False)
        beam_ids = beam_search(model, enc, mask, beam_gen, processors(beam_gen))
        # the translation pipeline: one text at a time, eng_Latn to fra_Latn, as the checkpoint generates (greedy)
        pipeline_gen = dict(gen, forced_bos_token_id=ids_of["fra_Latn"])
        one = torch.tensor([rows[0]], dtype=torch.int64)
        translated = greedy(model, model.encode(one, torch.ones_like(one)), torch.ones_like(one), pipeline_gen,
                            processors(pipeline_gen))[0]
    specials = {BOS, PAD, EOS, UNK, MASK, *LANGUAGES}
    translation = detokenize(translated, tokens, specials)
    print("greedy", greedy_ids, "beam", beam_ids, "translation", repr(translation),
          "float32 logits error %.2e" % float32_error(model, ids, mask, decoder_ids))
    assert greedy_ids[0][0] == ids_of["deu_Latn"], "forced_bos_token_id"
    expected = {"input_ids": ids, "attention_mask": mask, "encoder_hidden_state": enc,
                "decoder_input_ids": decoder_ids, "logits": logits,
                "greedy_ids": padded(greedy_ids), "beam_ids": padded(beam_ids),
                "forced_bos_token_id": torch.tensor([ids_of["deu_Latn"]], dtype=torch.int64)}
    safetensors_io.save(os.path.join(out, "expected.safetensors"), expected, {
        "texts": json.dumps(TEXTS), "source_languages": json.dumps(sources), "translations": json.dumps([translation]),
        "note": "input_ids: [src_lang_code] + text + </s> per row, padded; greedy_ids: generation_config.json's "
                "settings with forced_bos_token_id deu_Latn; beam_ids: the same with 4 beams; translations: the "
                "first text from eng_Latn to fra_Latn as the translation pipeline gives it; rows padded with -1"})


def write_real_shape(out):
    """config.json, generation_config.json and model.safetensors of a random model at nllb-200-distilled-600M's
    shapes (2.5 GB of float32), for benchmarks against the Java model."""
    os.makedirs(out, exist_ok=True)
    config = config_json(REAL_VOCAB, **REAL)
    write_json(os.path.join(out, "config.json"), config)
    write_json(os.path.join(out, "generation_config.json"), generation_config_json())
    model = PreLnSeq2Seq(config).float().eval()
    safetensors_io.save(os.path.join(out, "model.safetensors"), model.checkpoint(), {"format": "pt"})


def time_folder(argv, build=None, pre_ln=True):
    """--time DIR: greedy and beam generation of DIR's model in PyTorch eager (seq2seq_timing.py)."""
    import seq2seq_timing
    folder, seq, tokens, beams, rounds = seq2seq_timing.options(argv)
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    model = seq2seq_timing.load((build or PreLnSeq2Seq)(config), folder)
    seq2seq_timing.time_rounds(model, config["vocab_size"], config["decoder_start_token_id"], config["eos_token_id"],
                               seq, tokens, beams, rounds, pre_ln)


if __name__ == "__main__":
    if sys.argv[1] == "--write-real-shape":
        write_real_shape(sys.argv[2])
    elif sys.argv[1] == "--time":
        time_folder(sys.argv[1:])
    else:
        tiny(sys.argv[1])
