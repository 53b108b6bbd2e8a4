"""CLIP (transformers' CLIPModel) in float64, and CLIP's BPE tokenizer, written from the transformers source.

Sources (huggingface/transformers, main as stored in 2026):
- src/transformers/models/clip/modeling_clip.py: CLIPVisionEmbeddings, CLIPTextEmbeddings, CLIPAttention with
  eager_attention_forward, CLIPMLP, CLIPEncoderLayer, CLIPEncoder, CLIPTextTransformer, CLIPVisionTransformer,
  CLIPModel.get_text_features / get_image_features / forward.
- src/transformers/models/clip/configuration_clip.py: CLIPTextConfig / CLIPVisionConfig / CLIPConfig defaults,
  text_config_dict and vision_config_dict (older openai configs) completed with the defaults and overriding.
- src/transformers/models/clip/tokenization_clip.py (bytes_to_unicode, CLIPTokenizer.bpe) and
  src/transformers/convert_slow_tokenizer.py (CLIPConverter: the tokenizer.json pipeline: NFC, \\s+ -> " ",
  lowercase; Split on CLIP's pattern; ByteLevel; BPE with end_of_word_suffix "</w>"; RobertaProcessing adding
  <|startoftext|> ... <|endoftext|>).
- src/transformers/activations.py: QuickGELUActivation, x * sigmoid(1.702 x).

Text pooling. Until transformers 4.5x, CLIPTextTransformer.forward pooled at argmax(input_ids) when
config.eos_token_id == 2 (the wrong eos id that openai's configs carry; PR #24773) and at the first position of
eos_token_id otherwise. main now takes the argmax branch when every row's largest id is 49407 (CLIP's real
<|endoftext|>, the largest id of its vocabulary). For every openai checkpoint (vocabulary 49408, eos 49407, padding
with eos or a lower id) the two rules pick the same position; this reference (and Perennial) keeps the config rule,
which also works for tiny vocabularies. Both are written below (pool_index).

Usage: /usr/bin/python3 tools/reference/clip.py src/test/resources/reference/clip
writes that folder (a tiny openai-style CLIP: config.json, model.safetensors, tokenizer.json, tokenizer_config.json,
special_tokens_map.json, vocab.json, merges.txt, preprocessor_config.json, expected.safetensors) and a sibling
folder "<name>-eos" (a config with a real eos_token_id, one added token above eos, padding with id 0: the
first-eos pooling branch, where argmax would pick another position).
"""
import json
import math
import os
import re
import sys
import unicodedata

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

# ---------------------------------------------------------------------------------------------------------------
# configuration (configuration_clip.py)

TEXT_DEFAULTS = dict(vocab_size=49408, hidden_size=512, intermediate_size=2048, projection_dim=512,
                     num_hidden_layers=12, num_attention_heads=8, max_position_embeddings=77, hidden_act="quick_gelu",
                     layer_norm_eps=1e-5, attention_dropout=0.0, initializer_range=0.02, initializer_factor=1.0,
                     pad_token_id=1, bos_token_id=49406, eos_token_id=49407)
VISION_DEFAULTS = dict(hidden_size=768, intermediate_size=3072, projection_dim=512, num_hidden_layers=12,
                       num_attention_heads=12, num_channels=3, image_size=224, patch_size=32, hidden_act="quick_gelu",
                       layer_norm_eps=1e-5, attention_dropout=0.0, initializer_range=0.02, initializer_factor=1.0)


def sub_config(config, name, defaults):
    """CLIPConfig.__init__: {name}_config completed with the defaults; a {name}_config_dict, completed with the
    defaults in turn, overrides every key."""
    merged = dict(defaults)
    merged.update(config.get(name + "_config") or {})
    legacy = config.get(name + "_config_dict")
    if legacy is not None:
        merged.update(defaults)
        merged.update(legacy)
    return merged


# ---------------------------------------------------------------------------------------------------------------
# the model (modeling_clip.py)

def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


ACT = {"quick_gelu": quick_gelu, "gelu": nn.functional.gelu, "relu": torch.relu,
       "gelu_new": lambda x: nn.functional.gelu(x, approximate="tanh")}


class Attention(nn.Module):
    """CLIPAttention with eager_attention_forward: softmax(q k^T * head_dim^-0.5 + mask) v."""

    def __init__(self, c):
        super().__init__()
        self.heads = c["num_attention_heads"]
        d = c["hidden_size"]
        self.head_dim = d // self.heads
        assert self.head_dim * self.heads == d
        self.scale = self.head_dim ** -0.5
        self.k_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d)
        self.q_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x, mask):
        b, t, d = x.shape
        q = self.q_proj(x).view(b, t, -1, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, -1, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, -1, self.head_dim).transpose(1, 2)
        w = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        if mask is not None:
            w = w + mask
        w = torch.softmax(w, dim=-1)
        out = torch.matmul(w, v).transpose(1, 2).reshape(b, t, d)
        return self.out_proj(out)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.act = ACT[c["hidden_act"]]
        self.fc1 = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.fc2 = nn.Linear(c["intermediate_size"], c["hidden_size"])

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class EncoderLayer(nn.Module):
    """CLIPEncoderLayer: pre-LayerNorm attention and MLP, each with a residual."""

    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.self_attn = Attention(c)
        self.layer_norm1 = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.mlp = MLP(c)
        self.layer_norm2 = nn.LayerNorm(d, eps=c["layer_norm_eps"])

    def forward(self, x, mask):
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.mlp(self.layer_norm2(x))


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layers = nn.ModuleList([EncoderLayer(c) for _ in range(c["num_hidden_layers"])])

    def forward(self, x, mask=None):
        for layer in self.layers:
            x = layer(x, mask)
        return x


class TextEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.token_embedding = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.position_embedding = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])

    def forward(self, input_ids):
        t = input_ids.shape[-1]
        if t > self.position_embedding.weight.shape[0]:
            raise ValueError("sequence longer than max_position_embeddings")
        positions = torch.arange(t)[None, :]
        return self.token_embedding(input_ids) + self.position_embedding(positions)


def pool_index(input_ids, eos_token_id, rule="config"):
    """The eos position per row. rule "config": transformers until 4.5x (argmax when the config's eos_token_id is
    2); rule "main": transformers main (argmax when every row's largest id is 49407). Otherwise the first position
    of eos_token_id (0 when a row has none, as argmax of all zeros)."""
    if rule == "config":
        legacy = eos_token_id == 2
    elif rule == "main":
        legacy = bool(torch.all(input_ids.max(dim=-1).values == 49407))
    else:  # "argmax", to show where the legacy rule would pool
        legacy = True
    if legacy:
        return input_ids.to(torch.int).argmax(dim=-1)
    return (input_ids.to(torch.int) == eos_token_id).int().argmax(dim=-1)


class TextTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.embeddings = TextEmbeddings(c)
        self.encoder = Encoder(c)
        self.final_layer_norm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, input_ids, attention_mask=None, rule="config"):
        x = self.embeddings(input_ids)
        b, t = input_ids.shape
        # masking_utils.create_causal_mask: key j is visible to query i when j <= i and attention_mask[j] is 1;
        # eager attention adds 0 there and the dtype's minimum elsewhere (older versions: causal mask + expanded
        # padding mask, both of finfo.min; the same where a row has any visible key)
        allowed = torch.ones(t, t, dtype=torch.bool).tril()[None, None, :, :].expand(b, 1, t, t)
        if attention_mask is not None:
            allowed = allowed & attention_mask.bool()[:, None, None, :]
        mask = torch.zeros(b, 1, t, t, dtype=x.dtype).masked_fill(~allowed, torch.finfo(x.dtype).min)
        h = self.final_layer_norm(self.encoder(x, mask))
        idx = pool_index(input_ids, self.config["eos_token_id"], rule)
        return h[torch.arange(b), idx]


class VisionEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.image_size = c["image_size"]
        self.class_embedding = nn.Parameter(torch.randn(d))
        self.patch_embedding = nn.Conv2d(c["num_channels"], d, kernel_size=c["patch_size"],
                                         stride=c["patch_size"], bias=False)
        self.num_positions = (c["image_size"] // c["patch_size"]) ** 2 + 1
        self.position_embedding = nn.Embedding(self.num_positions, d)

    def forward(self, pixel_values):
        b, _, h, w = pixel_values.shape
        if h != self.image_size or w != self.image_size:
            raise ValueError("image size does not match the model")
        patches = self.patch_embedding(pixel_values.to(self.patch_embedding.weight.dtype))
        patches = patches.flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(b, 1, -1)
        x = torch.cat([cls, patches], dim=1)
        return x + self.position_embedding(torch.arange(self.num_positions)[None, :])


class VisionTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.embeddings = VisionEmbeddings(c)
        self.pre_layrnorm = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.encoder = Encoder(c)
        self.post_layernorm = nn.LayerNorm(d, eps=c["layer_norm_eps"])

    def forward(self, pixel_values):
        x = self.encoder(self.pre_layrnorm(self.embeddings(pixel_values)))
        return self.post_layernorm(x[:, 0, :])


class CLIPReference(nn.Module):
    """CLIPModel: parameter names are the checkpoint's (state_dict() gives them)."""

    def __init__(self, config):
        super().__init__()
        self.text_config = sub_config(config, "text", TEXT_DEFAULTS)
        self.vision_config = sub_config(config, "vision", VISION_DEFAULTS)
        projection = config.get("projection_dim", 512)
        self.text_model = TextTransformer(self.text_config)
        self.vision_model = VisionTransformer(self.vision_config)
        self.visual_projection = nn.Linear(self.vision_config["hidden_size"], projection, bias=False)
        self.text_projection = nn.Linear(self.text_config["hidden_size"], projection, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(float(config.get("logit_scale_init_value", 2.6592))))

    def image_embeds(self, pixel_values):
        """get_image_features: visual_projection(post_layernorm(CLS)), not normalised."""
        return self.visual_projection(self.vision_model(pixel_values))

    def text_embeds(self, input_ids, attention_mask=None, rule="config"):
        """get_text_features: text_projection(final_layer_norm(h) at the eos position), not normalised."""
        return self.text_projection(self.text_model(input_ids, attention_mask, rule))

    def forward(self, pixel_values, input_ids, attention_mask=None):
        image = self.image_embeds(pixel_values)
        text = self.text_embeds(input_ids, attention_mask)
        # _get_vector_norm: (sum x^2)^0.5
        image_n = image / torch.pow(torch.sum(image ** 2, dim=-1, keepdim=True), 0.5)
        text_n = text / torch.pow(torch.sum(text ** 2, dim=-1, keepdim=True), 0.5)
        logits_per_text = torch.matmul(text_n, image_n.t()) * self.logit_scale.exp()
        return dict(image_embeds=image, text_embeds=text, logits_per_text=logits_per_text,
                    logits_per_image=logits_per_text.t())


def build(config, dtype=torch.float32):
    """A reference CLIPModel for config (a config.json dict) with random weights, in dtype (real shapes work)."""
    return CLIPReference(config).to(dtype)


def forward(model, pixel_values, input_ids, attention_mask=None):
    with torch.no_grad():
        return model(pixel_values, input_ids, attention_mask)


# ---------------------------------------------------------------------------------------------------------------
# the tokenizer (tokenization_clip.py, convert_slow_tokenizer.CLIPConverter)

BOS, EOS = "<|startoftext|>", "<|endoftext|>"


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_ENCODER = bytes_to_unicode()


def normalize(text):
    """The fast tokenizer's normalizer: NFC, every whitespace run to one space, lowercase."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).lower()


def _letter(c):
    return unicodedata.category(c).startswith("L")


def _number(c):
    return unicodedata.category(c).startswith("N")


def pre_tokenize(text):
    """findall of <\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+
    (python's re has no \\p{..}: the alternatives are tried in order at each position, leftmost first)."""
    fixed = [BOS, EOS, "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"]
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        hit = next((f for f in fixed if text.startswith(f, i)), None)
        if hit:
            out.append(hit)
            i += len(hit)
        elif _letter(c):
            j = i
            while j < n and _letter(text[j]):
                j += 1
            out.append(text[i:j])
            i = j
        elif _number(c):
            out.append(c)
            i += 1
        elif not c.isspace():
            j = i
            while j < n and not (text[j].isspace() or _letter(text[j]) or _number(text[j])):
                j += 1
            out.append(text[i:j])
            i = j
        else:
            i += 1
    return out


def words(text):
    """Each pre-token's UTF-8 bytes mapped to bytes_to_unicode's characters."""
    return ["".join(BYTE_ENCODER[b] for b in w.encode("utf-8")) for w in pre_tokenize(normalize(text))]


def bpe(word, ranks):
    """CLIPTokenizer.bpe: the last symbol carries </w>; merge the lowest-ranked adjacent pair until none is known."""
    symbols = list(word[:-1]) + [word[-1] + "</w>"]
    while len(symbols) > 1:
        pairs = [(ranks.get((a, b), math.inf), k) for k, (a, b) in enumerate(zip(symbols, symbols[1:]))]
        best, _ = min(pairs)
        if best == math.inf:
            break
        first, second = next((a, b) for a, b in zip(symbols, symbols[1:]) if ranks.get((a, b)) == best)
        merged, k = [], 0
        while k < len(symbols):
            if k < len(symbols) - 1 and symbols[k] == first and symbols[k + 1] == second:
                merged.append(first + second)
                k += 2
            else:
                merged.append(symbols[k])
                k += 1
        symbols = merged
    return symbols


def encode(text, vocab, ranks):
    """<|startoftext|> BPE ids <|endoftext|> (no truncation)."""
    ids = [vocab[BOS]]
    for w in words(text):
        ids.extend(vocab[s] for s in bpe(w, ranks))
    return ids + [vocab[EOS]]


def batch(texts, vocab, ranks, context, pad_id):
    """tokenizer(texts, padding=True, truncation=True, max_length=context): the content is cut so that bos and eos
    still fit; rows are padded on the right with pad_id to the longest."""
    rows = []
    for text in texts:
        ids = encode(text, vocab, ranks)
        if len(ids) > context:
            ids = ids[:context - 1] + [ids[-1]]
        rows.append(ids)
    width = max(len(r) for r in rows)
    input_ids = torch.tensor([r + [pad_id] * (width - len(r)) for r in rows], dtype=torch.int64)
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], dtype=torch.int64)
    return input_ids, mask


def train_merges(corpus, count, pre_tokens=None, end_of_word="</w>"):
    """A tiny BPE vocabulary in CLIP's layout: the most frequent adjacent pair (ties: the smallest) merged first.
    pre_tokens (CLIP's words() by default) splits the corpus; the last symbol of a word carries end_of_word."""
    freq = {}
    for w in (pre_tokens or words)(corpus):
        freq[w] = freq.get(w, 0) + 1
    split = {w: list(w[:-1]) + [w[-1] + end_of_word] for w in freq}
    merges = []
    for _ in range(count):
        pairs = {}
        for w, symbols in split.items():
            for p in zip(symbols, symbols[1:]):
                pairs[p] = pairs.get(p, 0) + freq[w]
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        if pairs[best] < 2:
            break
        merges.append(best)
        for w, symbols in split.items():
            out, k = [], 0
            while k < len(symbols):
                if k < len(symbols) - 1 and (symbols[k], symbols[k + 1]) == best:
                    out.append(symbols[k] + symbols[k + 1])
                    k += 2
                else:
                    out.append(symbols[k])
                    k += 1
            split[w] = out
    return merges


def clip_vocab(merges):
    """CLIP's vocab.json order: the 256 byte characters, the same with </w>, each merge's result, bos, eos."""
    tokens = list(BYTE_ENCODER.values())
    tokens += [t + "</w>" for t in tokens]
    for a, b in merges:
        if a + b not in tokens:
            tokens.append(a + b)
    tokens += [BOS, EOS]
    return {t: i for i, t in enumerate(tokens)}


def tokenizer_json(vocab, merges):
    """tokenizer.json as CLIPConverter writes it (openai/clip-vit-base-patch32's structure)."""
    def added(token):
        return {"id": vocab[token], "content": token, "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": True, "special": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [added(BOS), added(EOS)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"},
            {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
            {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d"
                                                   "|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"},
             "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]},
        "post_processor": {"type": "RobertaProcessing", "sep": [EOS, vocab[EOS]], "cls": [BOS, vocab[BOS]],
                           "trim_offsets": False, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": EOS, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
    }


def special(token):
    return {"content": token, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}


# ---------------------------------------------------------------------------------------------------------------
# the tiny folders

CORPUS = ("a photo of a cat . a photo of a dog . a photo of two dogs . a photo of a cat on a sofa . "
          "the cat and the dog sit on the red sofa . a photo of the afternoon sun . two cats , two dogs ! "
          "it's a photo of a bird . a picture of a fluffy cat . the window of the house .") * 3
TEXTS = ["a photo of a cat",
         "a photo of a dog",
         "A  PHOTO of two Dogs,\tit's 2 dogs!!",
         "a photo of a very fluffy cat sitting on the red sofa next to the window in the afternoon sun",
         "Café au lait (zebra)"]
CONTEXT = 16


def randomize(model, generator):
    """Weights that make every parameter matter: norms near 1 with biases, linears of variance 1/fan_in."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "logit_scale":
                p.fill_(1.5)
            elif "layer_norm" in name or "layrnorm" in name or "layernorm" in name:
                base = 1.0 if name.endswith("weight") else 0.0
                p.copy_(base + 0.1 * torch.randn(p.shape, generator=generator, dtype=torch.float64))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=generator, dtype=torch.float64))
            elif name.endswith("class_embedding"):
                p.copy_(0.5 * torch.randn(p.shape, generator=generator, dtype=torch.float64))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64) / math.sqrt(fan_in))
            p.copy_(p.float().double())  # the float32 checkpoint holds exactly these values


def config_json(vocab_size, eos_token_id, pad_token_id, vision_act):
    """config.json as CLIPConfig.save_pretrained writes it (transformers 4.4x), tiny."""
    return {
        "architectures": ["CLIPModel"],
        "initializer_factor": 1.0,
        "logit_scale_init_value": 2.6592,
        "model_type": "clip",
        "projection_dim": 16,
        "text_config": {
            "attention_dropout": 0.0, "bos_token_id": 0, "dropout": 0.0, "eos_token_id": eos_token_id,
            "hidden_act": "quick_gelu", "hidden_size": 32, "initializer_factor": 1.0, "initializer_range": 0.02,
            "intermediate_size": 64, "layer_norm_eps": 1e-05, "max_position_embeddings": CONTEXT,
            "model_type": "clip_text_model", "num_attention_heads": 4, "num_hidden_layers": 2,
            "pad_token_id": pad_token_id, "projection_dim": 16, "vocab_size": vocab_size},
        "torch_dtype": "float32",
        "transformers_version": "4.46.0",
        "vision_config": {
            "attention_dropout": 0.0, "dropout": 0.0, "hidden_act": vision_act, "hidden_size": 48, "image_size": 32,
            "initializer_factor": 1.0, "initializer_range": 0.02, "intermediate_size": 96, "layer_norm_eps": 1e-05,
            "model_type": "clip_vision_model", "num_attention_heads": 4, "num_channels": 3, "num_hidden_layers": 2,
            "patch_size": 8, "projection_dim": 16},
    }


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


def make_model(config, seed):
    generator = torch.Generator().manual_seed(seed)
    model = build(config, torch.float64)
    randomize(model, generator)
    return model, generator


def save_weights(model, path):
    safetensors_io.save(path, {k: v.float() for k, v in model.state_dict().items()}, {"format": "pt"})


def outputs(model, pixel_values, input_ids, mask):
    out = forward(model, pixel_values, input_ids, mask)
    out["probs"] = out["logits_per_image"].softmax(dim=1)
    out["logit_scale"] = model.logit_scale.detach().exp().reshape(1)
    return out


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    merges = train_merges(CORPUS, 80)
    vocab = clip_vocab(merges)
    eos = vocab[EOS]

    # tokenizer files
    write_json(os.path.join(out_dir, "tokenizer.json"), tokenizer_json(vocab, merges))
    write_json(os.path.join(out_dir, "vocab.json"), vocab)
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(a + " " + b + "\n" for a, b in merges))
    write_json(os.path.join(out_dir, "special_tokens_map.json"),
               {"bos_token": special(BOS), "eos_token": special(EOS), "pad_token": EOS, "unk_token": special(EOS)})
    write_json(os.path.join(out_dir, "tokenizer_config.json"), {
        "add_prefix_space": False,
        "added_tokens_decoder": {str(vocab[t]): dict(special(t), special=True) for t in (BOS, EOS)},
        "bos_token": BOS, "clean_up_tokenization_spaces": True, "do_lower_case": True, "eos_token": EOS,
        "errors": "replace", "model_max_length": CONTEXT, "pad_token": EOS, "tokenizer_class": "CLIPTokenizer",
        "unk_token": EOS})
    write_json(os.path.join(out_dir, "preprocessor_config.json"), {
        "crop_size": {"height": 32, "width": 32}, "do_center_crop": True, "do_convert_rgb": True,
        "do_normalize": True, "do_rescale": True, "do_resize": True,
        "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_processor_type": "CLIPImageProcessor",
        "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3, "rescale_factor": 0.00392156862745098,
        "size": {"shortest_edge": 32}})

    # the legacy model: eos_token_id 2 (argmax pooling), padding with eos
    config = config_json(len(vocab), 2, 1, "quick_gelu")
    write_json(os.path.join(out_dir, "config.json"), config)
    model, generator = make_model(config, 1234)
    save_weights(model, os.path.join(out_dir, "model.safetensors"))
    pixel_values = torch.randn(3, 3, 32, 32, generator=generator, dtype=torch.float64)
    input_ids, mask = batch(TEXTS, vocab, ranks := {m: r for r, m in enumerate(merges)}, CONTEXT, eos)
    expected = {"pixel_values": pixel_values, "input_ids": input_ids, "attention_mask": mask}
    expected.update(outputs(model, pixel_values, input_ids, mask))
    for i, text in enumerate(TEXTS):
        expected["token_ids.%d" % i] = torch.tensor(encode(text, vocab, ranks), dtype=torch.int64)
    safetensors_io.save(os.path.join(out_dir, "expected.safetensors"), expected,
                        {"texts": json.dumps(TEXTS), "context_length": CONTEXT,
                         "note": "image_embeds/text_embeds are get_image_features/get_text_features (not normalised);"
                                 " probs = softmax(logits_per_image, dim=1); token_ids.i: text i untruncated"})

    # the first-eos model: a real eos_token_id, one added token (id = len(vocab)) above eos, padding with id 0
    eos_dir = out_dir.rstrip("/") + "-eos"
    os.makedirs(eos_dir, exist_ok=True)
    config2 = config_json(len(vocab) + 1, eos, 0, "gelu")
    write_json(os.path.join(eos_dir, "config.json"), config2)
    model2, generator2 = make_model(config2, 99)
    save_weights(model2, os.path.join(eos_dir, "model.safetensors"))
    concept = len(vocab)
    rows = [encode("a photo of", vocab, ranks)[:-1] + [concept, eos],
            encode("a photo of a dog", vocab, ranks),
            [vocab[BOS], concept] + encode("two cats", vocab, ranks)[1:]]
    width = max(len(r) for r in rows)
    ids2 = torch.tensor([r + [0] * (width - len(r)) for r in rows], dtype=torch.int64)
    mask2 = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], dtype=torch.int64)
    pixels2 = torch.randn(2, 3, 32, 32, generator=generator2, dtype=torch.float64)
    expected2 = {"pixel_values": pixels2, "input_ids": ids2, "attention_mask": mask2}
    expected2.update(outputs(model2, pixels2, ids2, mask2))
    with torch.no_grad():
        argmax_embeds = model2.text_projection(model2.text_model(ids2, mask2, rule="argmax"))
        assert pool_index(ids2, eos, "config").tolist() != ids2.argmax(-1).tolist()
        assert (argmax_embeds - expected2["text_embeds"]).abs().max() > 1e-3
    expected2["eos_positions"] = pool_index(ids2, eos, "config").to(torch.int64)
    safetensors_io.save(os.path.join(eos_dir, "expected.safetensors"), expected2,
                        {"note": "eos_token_id is the real eos: pooled at its first position; id %d is an added "
                                 "token above it, where argmax would pool" % concept})

    print("vocab", len(vocab), "merges", len(merges), "eos", eos)
    print("input_ids", input_ids.tolist())
    print("logits_per_image", expected["logits_per_image"])
    print("eos rows", ids2.tolist(), "positions", expected2["eos_positions"].tolist())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/reference/clip")
