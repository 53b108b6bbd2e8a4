#!/usr/bin/python3
"""Float64 reference for BERT-style text encoders (BERT, RoBERTa positions) and sentence-transformers pooling.

Written from the Hugging Face sources, not from Perennial's Java:
- transformers src/transformers/models/bert/modeling_bert.py: BertEmbeddings.forward (word + token type, then
  += absolute positions, LayerNorm), BertSelfAttention.forward (q·kᵀ / √head_dim + extended mask, softmax, ·v),
  BertSelfOutput / BertOutput (dense, LayerNorm(h + residual): post-LN), BertIntermediate (dense, ACT2FN["gelu"],
  the exact erf GELU), BertModel.forward (extended attention mask from modeling_utils
  ModuleUtilsMixin.get_extended_attention_mask: mask[:, None, None, :], (1 - mask) · finfo(dtype).min).
- transformers src/transformers/models/roberta/modeling_roberta.py: create_position_ids_from_input_ids
  (mask = ids != padding_idx; positions = cumsum(mask) · mask + padding_idx), padding_idx = config.pad_token_id.
- sentence-transformers sentence_transformers/models/Pooling.py (mean tokens: sum(h · mask) / clamp(sum(mask),
  min=1e-9)) and models/Normalize.py (F.normalize(p=2, dim=1)); util.cos_sim (normalise both, a · bᵀ).
- transformers src/transformers/models/bert/tokenization_bert.py: BasicTokenizer (clean text, CJK spacing,
  whitespace split, lowercase + strip accents, split on punctuation) and WordpieceTokenizer (greedy
  longest-match-first with "##", words over max_input_chars_per_word → [UNK]).

Run with Debian's torch 1.13:  /usr/bin/python3 tools/reference/bert.py src/test/resources/reference
It writes two folders under that root:
- minilm/: a tiny sentence-transformers model in all-MiniLM-L6-v2's layout (BertModel weights, WordPiece
  tokenizer.json, modules.json → 1_Pooling → Normalize) and expected.safetensors.
- roberta/: a tiny RobertaForMaskedLM checkpoint ("roberta."-prefixed names, lm_head.*, a position_ids buffer)
  with token type ids, and expected.safetensors.

For benchmarks: build(config_dict, dtype) gives a randomly initialised encoder at any (real) shape, and
encoder(input_ids, token_type_ids, attention_mask) is the same call as the Java BertEncoder.lastHiddenState.
"""
import json
import math
import os
import sys
import unicodedata

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


# ---------------------------------------------------------------------------------------------------------------
# The model


class Linear(torch.nn.Module):
    """nn.Linear's parameters (weight [out, in], bias [out]) under the names BertModel saves."""

    def __init__(self, n_in, n_out, dtype):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.empty(n_out, n_in, dtype=dtype))
        self.bias = torch.nn.Parameter(torch.empty(n_out, dtype=dtype))

    def forward(self, x):
        return x @ self.weight.t() + self.bias


class LayerNorm(torch.nn.Module):
    def __init__(self, n, eps, dtype):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.empty(n, dtype=dtype))
        self.bias = torch.nn.Parameter(torch.empty(n, dtype=dtype))
        self.eps = eps

    def forward(self, x):
        # torch.nn.LayerNorm: biased variance over the last dimension
        mean = x.mean(-1, keepdim=True)
        var = ((x - mean) ** 2).mean(-1, keepdim=True)
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


class Embedding(torch.nn.Module):
    def __init__(self, n, d, dtype):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.empty(n, d, dtype=dtype))

    def forward(self, ids):
        return self.weight[ids]


class Module(torch.nn.Module):
    """A plain container so that state_dict() names follow BertModel's attribute names."""


def gelu(x):
    # ACT2FN["gelu"] = GELUActivation = nn.functional.gelu: x · Φ(x), the exact (erf) form
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


ACT = {"gelu": gelu, "relu": torch.relu, "gelu_new": lambda x: F.gelu(x, approximate="tanh"),
       "silu": F.silu}


class Encoder(torch.nn.Module):
    """BertModel without the pooler: last_hidden_state for (input_ids, token_type_ids, attention_mask).

    model_type "roberta"/"xlm-roberta" switches the positions to create_position_ids_from_input_ids.
    """

    def __init__(self, config, dtype=torch.float64):
        super().__init__()
        self.config = config
        h = config["hidden_size"]
        self.heads = config["num_attention_heads"]
        assert h % self.heads == 0
        self.head_dim = h // self.heads
        eps = config.get("layer_norm_eps", 1e-12)
        self.act = ACT[config.get("hidden_act", "gelu")]
        self.roberta = config["model_type"] in ("roberta", "xlm-roberta")
        self.padding_idx = config.get("pad_token_id", 1 if self.roberta else 0)
        assert config.get("position_embedding_type", "absolute") == "absolute"

        self.embeddings = Module()
        self.embeddings.word_embeddings = Embedding(config["vocab_size"], h, dtype)
        self.embeddings.position_embeddings = Embedding(config["max_position_embeddings"], h, dtype)
        self.embeddings.token_type_embeddings = Embedding(config.get("type_vocab_size", 2), h, dtype)
        self.embeddings.LayerNorm = LayerNorm(h, eps, dtype)
        self.encoder = Module()
        self.encoder.layer = torch.nn.ModuleList()
        ff = config["intermediate_size"]
        for _ in range(config["num_hidden_layers"]):
            layer = Module()
            layer.attention = Module()
            layer.attention.self = Module()
            layer.attention.self.query = Linear(h, h, dtype)
            layer.attention.self.key = Linear(h, h, dtype)
            layer.attention.self.value = Linear(h, h, dtype)
            layer.attention.output = Module()
            layer.attention.output.dense = Linear(h, h, dtype)
            layer.attention.output.LayerNorm = LayerNorm(h, eps, dtype)
            layer.intermediate = Module()
            layer.intermediate.dense = Linear(h, ff, dtype)
            layer.output = Module()
            layer.output.dense = Linear(ff, h, dtype)
            layer.output.LayerNorm = LayerNorm(h, eps, dtype)
            self.encoder.layer.append(layer)

    def position_ids(self, input_ids):
        b, t = input_ids.shape
        if self.roberta:
            # modeling_roberta.create_position_ids_from_input_ids (past_key_values_length = 0)
            mask = input_ids.ne(self.padding_idx).int()
            return (torch.cumsum(mask, dim=1).type_as(mask) * mask).long() + self.padding_idx
        # BertEmbeddings: the registered buffer arange(max_position_embeddings)[:, :seq_length]
        return torch.arange(t, dtype=torch.long).unsqueeze(0).expand(b, t)

    def split_heads(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, input_ids, token_type_ids=None, attention_mask=None):
        b, t = input_ids.shape
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        e = self.embeddings
        x = e.word_embeddings(input_ids) + e.token_type_embeddings(token_type_ids)
        x = x + e.position_embeddings(self.position_ids(input_ids))
        x = e.LayerNorm(x)
        dtype = x.dtype
        extended = attention_mask[:, None, None, :].to(dtype)
        extended = (1.0 - extended) * torch.finfo(dtype).min
        for layer in self.encoder.layer:
            s = layer.attention.self
            q = self.split_heads(s.query(x))
            k = self.split_heads(s.key(x))
            v = self.split_heads(s.value(x))
            scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + extended
            probs = torch.softmax(scores, dim=-1)
            context = (probs @ v).permute(0, 2, 1, 3).reshape(b, t, -1)
            a = layer.attention.output
            x = a.LayerNorm(a.dense(context) + x)
            inner = self.act(layer.intermediate.dense(x))
            x = layer.output.LayerNorm(layer.output.dense(inner) + x)
        return x


def initialise(model, generator, scale=0.3):
    """Random weights large enough that every part matters (BERT's own N(0, 0.02) would make attention uniform)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=generator, dtype=p.dtype))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=generator, dtype=p.dtype))
            elif "embeddings" in name:
                p.copy_(torch.randn(p.shape, generator=generator, dtype=p.dtype))
            else:
                p.copy_(scale * torch.randn(p.shape, generator=generator, dtype=p.dtype))
        # nn.Embedding(padding_idx=pad) leaves that row zero, as a saved BertModel has it
        pad = model.padding_idx
        model.embeddings.word_embeddings.weight[pad].zero_()
        if model.roberta:
            model.embeddings.position_embeddings.weight[pad].zero_()


def build(config, dtype=torch.float32, seed=0):
    """A randomly initialised encoder at any shape (the benchmark builds the real shapes with this)."""
    model = Encoder(config, dtype)
    initialise(model, torch.Generator().manual_seed(seed))
    return model.eval()


# ---------------------------------------------------------------------------------------------------------------
# sentence-transformers pooling


def mean_pooling(token_embeddings, attention_mask):
    """sentence_transformers.models.Pooling, pooling_mode_mean_tokens."""
    mask = attention_mask.unsqueeze(-1).expand(token_embeddings.size()).to(token_embeddings.dtype)
    summed = torch.sum(token_embeddings * mask, 1)
    count = torch.clamp(mask.sum(1), min=1e-9)
    return summed / count


def normalize(embeddings):
    """sentence_transformers.models.Normalize."""
    return F.normalize(embeddings, p=2, dim=1)


def cos_sim(a, b):
    """sentence_transformers.util.cos_sim."""
    return normalize(a) @ normalize(b).t()


# ---------------------------------------------------------------------------------------------------------------
# WordPiece (BertTokenizer), a port of tokenization_bert.BasicTokenizer and WordpieceTokenizer


def _is_whitespace(ch):
    if ch in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(ch) == "Zs"


def _is_control(ch):
    if ch in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(ch).startswith("C")


def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_chinese_char(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokenize(text, lowercase=True):
    cleaned = "".join(" " if _is_whitespace(c) else c for c in text
                      if not (ord(c) == 0 or ord(c) == 0xFFFD or _is_control(c)))
    spaced = "".join(f" {c} " if _is_chinese_char(ord(c)) else c for c in cleaned)
    words = []
    for token in spaced.split():
        if lowercase:
            token = token.lower()
            token = "".join(c for c in unicodedata.normalize("NFD", token) if unicodedata.category(c) != "Mn")
        current = None
        for c in token:
            if _is_punctuation(c):
                words.append(c)
                current = None
            else:
                if current is None:
                    words.append("")
                    current = len(words) - 1
                words[current] += c
    return [w for w in words if w]


def wordpiece(word, vocab, unk="[UNK]", max_chars=100):
    if len(word) > max_chars:
        return [unk]
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        found = None
        while start < end:
            piece = ("##" if start > 0 else "") + word[start:end]
            if piece in vocab:
                found = piece
                break
            end -= 1
        if found is None:
            return [unk]
        pieces.append(found)
        start = end
    return pieces


def encode(text, vocab, max_length=None):
    """[CLS] pieces [SEP] as ids, truncated to max_length (specials included) like truncation="longest_first"."""
    pieces = [p for w in basic_tokenize(text) for p in wordpiece(w, vocab)]
    if max_length is not None:
        pieces = pieces[:max_length - 2]
    return [vocab["[CLS]"]] + [vocab[p] for p in pieces] + [vocab["[SEP]"]]


def pad_batch(rows, pad_id):
    t = max(len(r) for r in rows)
    ids = torch.full((len(rows), t), pad_id, dtype=torch.int64)
    mask = torch.zeros((len(rows), t), dtype=torch.int64)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r, dtype=torch.int64)
        mask[i, :len(r)] = 1
    return ids, mask


# ---------------------------------------------------------------------------------------------------------------
# The tiny folders

SENTENCES = [
    "A cat sat on the mat.",
    "The quick brown fox jumps over the lazy dog, and then it runs far away from the big house near the river.",
    "Café NAÏVE résumé: Zyxqv won't work!",
    "Hello\tworld\u0007 中文",
    "Running unaffable " + "a" * 101 + " dogs",
]
MAX_SEQ_LENGTH = 16  # sentence_bert_config.json; below max_position_embeddings, so truncation is the pipeline's
TOKENIZER_JSON_LENGTH = 12  # tokenizer.json bakes its own truncation/padding, as the real one does (128 vs 256)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = [".", ",", ":", "!", "'", "?",
         "a", "cat", "sat", "on", "the", "mat", "quick", "brown", "fox", "jump", "over", "lazy", "dog", "and",
         "then", "it", "run", "far", "away", "from", "big", "house", "near", "river", "cafe", "na", "res", "won",
         "t", "work", "hello", "world", "中", "un", "##s", "##ning", "##ive", "##ume", "##aff", "##able", "##ing"]
LETTERS = [c for c in "bcdefghijklmnoprstuvwy"]  # no q, x or z: "zyxqv" must become [UNK]


def vocabulary():
    tokens = list(SPECIALS) + list(WORDS)
    for c in LETTERS:
        if c not in tokens:
            tokens.append(c)
    for c in "abcdefghijklmnoprstuvwy":
        if "##" + c not in tokens:
            tokens.append("##" + c)
    return {t: i for i, t in enumerate(tokens)}


def check_padding_is_invisible(ref, ids, types, mask, hidden):
    """Each row alone, unpadded, gives the padded batch's hidden states at its own positions."""
    for i in range(ids.shape[0]):
        n = int(mask[i].sum())
        alone = ref(ids[i:i + 1, :n], types[i:i + 1, :n], mask[i:i + 1, :n])
        assert torch.allclose(alone[0], hidden[i, :n], atol=1e-12, rtol=0), i


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def tokenizer_json(vocab):
    """tokenizer.json in the structure of sentence-transformers/all-MiniLM-L6-v2's (BertTokenizerFast)."""
    def added(token):
        return {"id": vocab[token], "content": token, "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": False, "special": True}

    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    return {
        "version": "1.0",
        "truncation": {"direction": "Right", "max_length": TOKENIZER_JSON_LENGTH, "strategy": "LongestFirst",
                       "stride": 0},
        "padding": {"strategy": {"Fixed": TOKENIZER_JSON_LENGTH}, "direction": "Right", "pad_to_multiple_of": None,
                    "pad_id": vocab["[PAD]"], "pad_type_id": 0, "pad_token": "[PAD]"},
        "added_tokens": [added(t) for t in SPECIALS],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [cls], "tokens": ["[CLS]"]},
                               "[SEP]": {"id": "[SEP]", "ids": [sep], "tokens": ["[SEP]"]}},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


def minilm(out):
    os.makedirs(os.path.join(out, "1_Pooling"), exist_ok=True)
    vocab = vocabulary()
    config = {
        "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "gradient_checkpointing": False,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 32,
        "initializer_range": 0.02,
        "intermediate_size": 64,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 64,
        "model_type": "bert",
        "num_attention_heads": 4,
        "num_hidden_layers": 2,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "transformers_version": "4.8.2",
        "type_vocab_size": 2,
        "use_cache": True,
        "vocab_size": len(vocab),
    }
    model = build(config, torch.float32, seed=1)
    g = torch.Generator().manual_seed(2)
    h = config["hidden_size"]
    tensors = {}
    for name, p in model.state_dict().items():
        tensors[name] = p
        if name == "embeddings.LayerNorm.bias":
            # BertModel's saved buffer (transformers 4.8) sits among the embeddings
            tensors["embeddings.position_ids"] = torch.arange(config["max_position_embeddings"]).unsqueeze(0)
    tensors["pooler.dense.weight"] = 0.3 * torch.randn(h, h, generator=g)
    tensors["pooler.dense.bias"] = 0.1 * torch.randn(h, generator=g)
    safetensors_io.save(os.path.join(out, "model.safetensors"), tensors, {"format": "pt"})

    write_json(os.path.join(out, "config.json"), config)
    write_json(os.path.join(out, "tokenizer.json"), tokenizer_json(vocab))
    write_json(os.path.join(out, "tokenizer_config.json"), {
        "do_lower_case": True, "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
        "cls_token": "[CLS]", "mask_token": "[MASK]", "tokenize_chinese_chars": True, "strip_accents": None,
        "name_or_path": "nreimers/MiniLM-L6-H384-uncased", "do_basic_tokenize": True, "never_split": None,
        "tokenizer_class": "BertTokenizer", "model_max_length": 512})
    write_json(os.path.join(out, "special_tokens_map.json"), {
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
        "mask_token": "[MASK]"})
    with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
        for token in sorted(vocab, key=vocab.get):
            f.write(token + "\n")
    write_json(os.path.join(out, "modules.json"), [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}])
    write_json(os.path.join(out, "1_Pooling", "config.json"), {
        "word_embedding_dimension": h, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False})
    write_json(os.path.join(out, "sentence_bert_config.json"),
               {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False})
    write_json(os.path.join(out, "config_sentence_transformers.json"),
               {"__version__": {"sentence_transformers": "2.0.0", "transformers": "4.6.1", "pytorch": "1.8.1"}})
    write_json(os.path.join(out, "sentences.json"), SENTENCES)

    full = [encode(s, vocab) for s in SENTENCES]
    truncated = [encode(s, vocab, MAX_SEQ_LENGTH) for s in SENTENCES]
    assert any(len(f) > MAX_SEQ_LENGTH for f in full), "one sentence must be truncated"
    assert any(vocab["[UNK]"] in f for f in full)
    ids, mask = pad_batch(truncated, vocab["[PAD]"])
    types = torch.zeros_like(ids)
    ref = Encoder(config, torch.float64)
    ref.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
    with torch.no_grad():
        hidden = ref(ids, types, mask)
        check_padding_is_invisible(ref, ids, types, mask, hidden)
        pooled = mean_pooling(hidden, mask)
        embeddings = normalize(pooled)
        similarity = cos_sim(embeddings, embeddings)
    expected = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types,
                "last_hidden_state": hidden, "mean_pooled": pooled, "sentence_embedding": embeddings,
                "cosine_similarity": similarity}
    for i, f in enumerate(full):
        expected[f"tokens.{i}"] = torch.tensor(f, dtype=torch.int64)
    safetensors_io.save(os.path.join(out, "expected.safetensors"), expected,
                        {"sentences": json.dumps(SENTENCES, ensure_ascii=False), "max_seq_length": MAX_SEQ_LENGTH})
    for s, f in zip(SENTENCES, full):
        inverse = {i: t for t, i in vocab.items()}
        print(repr(s[:40]), len(f), " ".join(inverse[i] for i in f))


def roberta(out):
    os.makedirs(out, exist_ok=True)
    t = 18
    config = {
        "architectures": ["RobertaForMaskedLM"],
        "attention_probs_dropout_prob": 0.1,
        "bos_token_id": 0,
        "classifier_dropout": None,
        "eos_token_id": 2,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 24,
        "initializer_range": 0.02,
        "intermediate_size": 40,
        "layer_norm_eps": 1e-05,
        "max_position_embeddings": t + 2,
        "model_type": "roberta",
        "num_attention_heads": 3,
        "num_hidden_layers": 2,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "transformers_version": "4.40.0",
        "type_vocab_size": 2,
        "use_cache": True,
        "vocab_size": 50,
    }
    model = build(config, torch.float32, seed=3)
    g = torch.Generator().manual_seed(4)
    h, v = config["hidden_size"], config["vocab_size"]
    tensors = {}
    for name, p in model.state_dict().items():
        tensors["roberta." + name] = p
        if name == "embeddings.word_embeddings.weight":
            tensors["roberta.embeddings.position_ids"] = torch.arange(config["max_position_embeddings"]).unsqueeze(0)
    # RobertaForMaskedLM's head (RobertaLMHead): dense, layer_norm, decoder (tied) and bias
    tensors["lm_head.bias"] = 0.1 * torch.randn(v, generator=g)
    tensors["lm_head.dense.weight"] = 0.3 * torch.randn(h, h, generator=g)
    tensors["lm_head.dense.bias"] = 0.1 * torch.randn(h, generator=g)
    tensors["lm_head.layer_norm.weight"] = torch.ones(h)
    tensors["lm_head.layer_norm.bias"] = torch.zeros(h)
    tensors["lm_head.decoder.weight"] = model.embeddings.word_embeddings.weight.detach().clone()
    safetensors_io.save(os.path.join(out, "model.safetensors"), tensors, {"format": "pt"})
    write_json(os.path.join(out, "config.json"), config)

    # <s> … </s> rows of different lengths, the longest filling every usable position; pad = 1
    gen = torch.Generator().manual_seed(5)
    lengths = [t, 7, 12, 3]
    rows, type_rows = [], []
    for n in lengths:
        body = torch.randint(3, v, (n - 2,), generator=gen).tolist()
        rows.append([0] + body + [2])
        split = n // 2  # a sentence pair: second segment gets token type 1
        type_rows.append([0] * split + [1] * (n - split))
    ids, mask = pad_batch(rows, config["pad_token_id"])
    types = torch.zeros_like(ids)
    for i, r in enumerate(type_rows):
        types[i, :len(r)] = torch.tensor(r)
    ref = Encoder(config, torch.float64)
    ref.load_state_dict({k: p.double() for k, p in model.state_dict().items()})
    with torch.no_grad():
        hidden = ref(ids, types, mask)
        no_types = ref(ids, None, mask)
        check_padding_is_invisible(ref, ids, types, mask, hidden)
    safetensors_io.save(os.path.join(out, "expected.safetensors"), {
        "input_ids": ids, "attention_mask": mask, "token_type_ids": types,
        "position_ids": ref.position_ids(ids), "last_hidden_state": hidden,
        "last_hidden_state_without_token_types": no_types})


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 tools/reference/bert.py src/test/resources/reference")
    root = sys.argv[1]
    minilm(os.path.join(root, "minilm"))
    roberta(os.path.join(root, "roberta"))


if __name__ == "__main__":
    main()
