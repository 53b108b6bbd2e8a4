"""CLAP (transformers' ClapModel, laion/clap-htsat-unfused's architecture) in float64, RoBERTa's byte-level BPE
tokenizer, and the zero-shot-audio-classification pipeline, written from the transformers source.

Sources (huggingface/transformers, as stored in 2026):
- src/transformers/models/clap/modeling_clap.py: ClapAudioEncoder.forward (batch_norm over the mel bins through
  transpose(1, 3), reshape_mel2img with the bicubic align_corners resize in time, patch_embed, the stages, norm,
  the grouped reshape and AdaptiveAvgPool1d), ClapAudioPatchEmbed (Conv2d with padding (patch - stride) // 2,
  flatten, LayerNorm), ClapAudioSelfAttention (q·kᵀ/√d + relative_position_bias_table[relative_position_index],
  + the shifted-window mask), ClapAudioLayer (set_shift_and_window_size, roll, window_partition / window_reverse,
  get_attn_mask with -100, layernorm_before/after, intermediate with mlp_ratio), ClapAudioStage (shift_size 0 for
  even blocks, window_size // 2 for odd), ClapAudioPatchMerging (x0 = [0::2, 0::2], x1 = [1::2, 0::2],
  x2 = [0::2, 1::2], x3 = [1::2, 1::2], norm(4C), reduction without bias), ClapProjectionLayer (linear1, ACT2FN,
  linear2), ClapTextEmbeddings (RoBERTa positions: create_position_ids_from_input_ids), ClapTextModel (BERT layers,
  extended attention mask), ClapTextPooler (dense + tanh on the first token), ClapModel.forward (projection,
  L2 normalisation, logits_per_text with exp(logit_scale_t), logits_per_audio with exp(logit_scale_a)).
- src/transformers/models/clap/configuration_clap.py: ClapTextConfig / ClapAudioConfig / ClapConfig defaults;
  ClapConfig copies projection_dim and projection_hidden_act into both sub-configs.
- src/transformers/pipelines/zero_shot_audio_classification.py: ZeroShotAudioClassificationPipeline (the
  feature extractor at its sampling rate, hypothesis_template "This is a sound of {}.", tokenizer padding=True,
  logits_per_audio[0].softmax(0), sorted best first).
- GPT-2/RoBERTa byte-level BPE (tokenization_gpt2.py: bytes_to_unicode, the pre-tokenizer pattern, bpe) and
  RobertaProcessing (<s> ... </s>).

Fused checkpoints (laion/clap-htsat-fused, enable_fusion), from the same modeling_clap.py: ClapAudioPatchEmbed
(proj over channel 0, mel_conv2d with kernel and stride 3x wider over the crops of the clips at is_longer's indices,
permute/flatten side by side, F.pad to the whole's width, fusion_model), ClapAudioAFFBlock (local_att and global_att:
conv 1x1, BatchNorm2d, ReLU, conv 1x1, BatchNorm2d, the global one after AdaptiveAvgPool2d(1); 2·x·w + 2·r·(1 - w)),
ClapAudioEncoder.forward's is_longer_list_idx = torch.where(is_longer == 1)[0].

Usage: /usr/bin/python3 tools/reference/clap.py src/test/resources/reference/clap-model
       /usr/bin/python3 tools/reference/clap.py src/test/resources/reference/clap-model-fused fused
writes a tiny CLAP folder (config.json, model.safetensors with the checkpoint's buffers, preprocessor_config.json,
tokenizer.json, tokenizer_config.json, special_tokens_map.json) and expected.safetensors. build(config, dtype)
gives the model at any (real) shape with random weights, for benchmarks.
"""
import json
import math
import os
import sys
import unicodedata

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clap_features  # noqa: E402
import safetensors_io  # noqa: E402
import clip  # noqa: E402  (GPT-2's byte alphabet and the merge trainer, shared by CLIP and RoBERTa)
from clip import BYTE_ENCODER, write_json  # noqa: E402

TEXT_DEFAULTS = dict(vocab_size=50265, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                     intermediate_size=3072, hidden_act="gelu", max_position_embeddings=514, type_vocab_size=1,
                     layer_norm_eps=1e-12, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                     position_embedding_type="absolute")
AUDIO_DEFAULTS = dict(window_size=8, num_mel_bins=64, spec_size=256, hidden_act="gelu", patch_size=4,
                      patch_stride=[4, 4], hidden_size=768, depths=[2, 2, 6, 2], num_attention_heads=[4, 8, 16, 32],
                      enable_fusion=False, patch_embed_input_channels=1, flatten_patch_embeds=True,
                      patch_embeds_hidden_size=96, enable_patch_layer_norm=True, qkv_bias=True, mlp_ratio=4.0,
                      layer_norm_eps=1e-5, fusion_type=None, aff_block_r=4)

ACT = {"gelu": nn.functional.gelu, "relu": torch.relu, "silu": nn.functional.silu,
       "gelu_new": lambda x: nn.functional.gelu(x, approximate="tanh")}


def sub_configs(config):
    text = dict(TEXT_DEFAULTS)
    text.update(config.get("text_config") or {})
    audio = dict(AUDIO_DEFAULTS)
    audio.update(config.get("audio_config") or {})
    for c in (text, audio):
        c["projection_dim"] = config.get("projection_dim", 512)
        c["projection_hidden_act"] = config.get("projection_hidden_act", "relu")
    return text, audio


# ---------------------------------------------------------------------------------------------------------------
# the audio encoder (HTSAT: a Swin transformer over the mel spectrogram folded into an image)

def window_partition(x, w):
    b, h, wd, c = x.shape
    x = x.view(b, h // w, w, wd // w, w, c)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(-1, w, w, c)


def window_reverse(windows, w, h, wd):
    b = windows.shape[0] // ((h // w) * (wd // w))
    x = windows.view(b, h // w, wd // w, w, w, -1)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(b, h, wd, -1)


class WindowAttention(nn.Module):
    """ClapAudioSelfAttention + ClapAudioSelfOutput."""

    def __init__(self, dim, heads, window, qkv_bias):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.window = window
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * window - 1) ** 2, heads))
        coords = torch.stack(torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij")).flatten(1)
        rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0)
        index = (rel[:, :, 0] + window - 1) * (2 * window - 1) + (rel[:, :, 1] + window - 1)
        self.register_buffer("relative_position_index", index)
        self.query = nn.Linear(dim, dim, bias=qkv_bias)
        self.key = nn.Linear(dim, dim, bias=qkv_bias)
        self.value = nn.Linear(dim, dim, bias=qkv_bias)
        self.dense = nn.Linear(dim, dim)

    def forward(self, x, mask):
        n_windows, n, c = x.shape

        def heads(t):
            return t.view(n_windows, n, self.heads, self.head_dim).permute(0, 2, 1, 3)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(n, n, -1)
        scores = scores + bias.permute(2, 0, 1)[None]
        if mask is not None:
            per_image = mask.shape[0]
            scores = scores.view(n_windows // per_image, per_image, self.heads, n, n) + mask[None, :, None]
            scores = scores.view(-1, self.heads, n, n)
        out = (scores.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(n_windows, n, c)
        return self.dense(out)


class SwinBlock(nn.Module):
    """ClapAudioLayer, in eval mode (no drop path)."""

    def __init__(self, c, dim, heads, resolution, shift):
        super().__init__()
        self.window = c["window_size"]
        self.shift = shift
        if min(resolution) <= self.window:  # set_shift_and_window_size
            self.shift = 0
            self.window = min(resolution)
        eps = c["layer_norm_eps"]
        self.layernorm_before = nn.LayerNorm(dim, eps=eps)
        self.attention = WindowAttention(dim, heads, c["window_size"], c["qkv_bias"])
        self.layernorm_after = nn.LayerNorm(dim, eps=eps)
        self.intermediate = nn.Linear(dim, int(c["mlp_ratio"] * dim))
        self.output = nn.Linear(int(c["mlp_ratio"] * dim), dim)
        self.act = ACT[c["hidden_act"]]

    def mask(self, h, w, dtype):
        if self.shift == 0:
            return None
        img = torch.zeros(1, h, w, 1, dtype=dtype)
        spans = (slice(0, -self.window), slice(-self.window, -self.shift), slice(-self.shift, None))
        region = 0
        for hs in spans:
            for ws in spans:
                img[:, hs, ws, :] = region
                region += 1
        windows = window_partition(img, self.window).view(-1, self.window * self.window)
        diff = windows[:, None, :] - windows[:, :, None]
        return diff.masked_fill(diff != 0, -100.0).masked_fill(diff == 0, 0.0)

    def forward(self, x, h, w):
        b, _, c = x.shape
        assert h % self.window == 0 and w % self.window == 0, "the tiny configs avoid maybe_pad"
        shortcut = x
        x = self.layernorm_before(x).view(b, h, w, c)
        if self.shift:
            x = torch.roll(x, shifts=(-self.shift, -self.shift), dims=(1, 2))
        windows = window_partition(x, self.window).view(-1, self.window * self.window, c)
        out = self.attention(windows, self.mask(h, w, x.dtype))
        x = window_reverse(out.view(-1, self.window, self.window, c), self.window, h, w)
        if self.shift:
            x = torch.roll(x, shifts=(self.shift, self.shift), dims=(1, 2))
        x = shortcut + x.reshape(b, h * w, c)
        return x + self.output(self.act(self.intermediate(self.layernorm_after(x))))


class PatchMerging(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = nn.LayerNorm(4 * dim)

    def forward(self, x, h, w):
        b, _, c = x.shape
        x = x.view(b, h, w, c)
        x = torch.cat([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]], -1)
        return self.reduction(self.norm(x.view(b, -1, 4 * c)))


class Stage(nn.Module):
    def __init__(self, c, dim, resolution, depth, heads, last):
        super().__init__()
        self.resolution = resolution
        self.blocks = nn.ModuleList([SwinBlock(c, dim, heads, resolution, 0 if i % 2 == 0 else c["window_size"] // 2)
                                     for i in range(depth)])
        self.downsample = None if last else PatchMerging(dim)

    def forward(self, x):
        h, w = self.resolution
        for block in self.blocks:
            x = block(x, h, w)
        return x if self.downsample is None else self.downsample(x, h, w)


class AFFBlock(nn.Module):
    """ClapAudioAFFBlock: attentional feature fusion of the whole's patches with the crops'."""

    def __init__(self, c):
        super().__init__()
        channels = c["patch_embeds_hidden_size"]
        inter = int(channels // c["aff_block_r"])
        self.local_att = nn.Sequential(nn.Conv2d(channels, inter, 1), nn.BatchNorm2d(inter), nn.ReLU(),
                                       nn.Conv2d(inter, channels, 1), nn.BatchNorm2d(channels))
        self.global_att = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(channels, inter, 1), nn.BatchNorm2d(inter),
                                        nn.ReLU(), nn.Conv2d(inter, channels, 1), nn.BatchNorm2d(channels))

    def forward(self, x, residual):
        a = x + residual
        w = torch.sigmoid(self.local_att(a) + self.global_att(a))
        return 2 * x * w + 2 * residual * (1 - w)


class PatchEmbed(nn.Module):
    def __init__(self, c):
        super().__init__()
        p, s = c["patch_size"], c["patch_stride"]
        padding = ((p - s[0]) // 2, (p - s[1]) // 2)
        self.fusion = c["enable_fusion"]
        scale = 4 if self.fusion and c["fusion_type"] == "channel_map" else 1
        self.proj = nn.Conv2d(c["patch_embed_input_channels"] * scale, c["patch_embeds_hidden_size"], kernel_size=p,
                              stride=s, padding=padding)
        self.norm = nn.LayerNorm(c["patch_embeds_hidden_size"]) if c["enable_patch_layer_norm"] else None
        if self.fusion:
            self.fusion_model = AFFBlock(c)
            self.mel_conv2d = nn.Conv2d(c["patch_embed_input_channels"], c["patch_embeds_hidden_size"],
                                        kernel_size=(p, p * 3), stride=(s[0], s[1] * 3), padding=padding)

    def forward(self, x, longer_idx=None):
        if self.fusion:
            # ClapAudioPatchEmbed.forward: proj over channel 0 (the whole), mel_conv2d over the crops of the
            # clips at longer_idx, their patches side by side along the width, padded to the whole's, fused
            whole = self.proj(x[:, 0:1, :, :])
            width = whole.size(-1)
            if len(longer_idx) > 0:
                local = x[longer_idx, 1:, :, :].contiguous()
                b, ch, h, w = local.shape
                local = self.mel_conv2d(local.view(b * ch, 1, h, w))
                _, f, h, w = local.shape
                local = local.view(b, ch, f, h, w).permute((0, 2, 3, 1, 4)).contiguous().flatten(3)
                local = nn.functional.pad(local, (0, width - local.size(-1)), "constant", 0)
                whole[longer_idx] = self.fusion_model(whole[longer_idx], local)
            x = whole
        else:
            x = self.proj(x)
        x = x.flatten(2).transpose(1, 2)
        return x if self.norm is None else self.norm(x)


class AudioEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.patch_embed = PatchEmbed(c)
        grid = (c["spec_size"] // c["patch_stride"][0], c["spec_size"] // c["patch_stride"][1])
        n = len(c["depths"])
        self.resolutions = [(grid[0] // 2 ** i, grid[1] // 2 ** i) for i in range(n)]
        base = c["patch_embeds_hidden_size"]
        self.layers = nn.ModuleList([Stage(c, base * 2 ** i, self.resolutions[i], c["depths"][i],
                                           c["num_attention_heads"][i], i == n - 1) for i in range(n)])
        self.batch_norm = nn.BatchNorm2d(c["num_mel_bins"])
        self.norm = nn.LayerNorm(base * 2 ** (n - 1))
        self.freq_ratio = c["spec_size"] // c["num_mel_bins"]

    def mel2img(self, x):
        _, _, t, f = x.shape
        width = self.c["spec_size"] * self.freq_ratio
        height = self.c["spec_size"] // self.freq_ratio
        assert t <= width and f <= height
        if t < width:
            x = nn.functional.interpolate(x, (width, f), mode="bicubic", align_corners=True)
        if f < height:
            x = nn.functional.interpolate(x, (x.shape[2], height), mode="bicubic", align_corners=True)
        b, ch, t, f = x.shape
        x = x.reshape(b, ch * self.freq_ratio, t // self.freq_ratio, f).permute(0, 1, 3, 2)
        return x.reshape(b, ch, f * self.freq_ratio, t // self.freq_ratio)

    def forward(self, features, is_longer=None):
        x = self.batch_norm(features.transpose(1, 3)).transpose(1, 3)
        longer_idx = torch.where(is_longer == 1)[0] if self.c["enable_fusion"] else None
        x = self.mel2img(x)
        frames = x.shape[2]
        x = self.patch_embed(x, longer_idx)
        for stage in self.layers:
            x = stage(x)
        x = self.norm(x)
        b, _, ch = x.shape
        depth = len(self.c["depths"])
        fs = frames // 2 ** (depth - 1) // self.c["patch_stride"][0]
        ts = frames // 2 ** (depth - 1) // self.c["patch_stride"][1]
        x = x.permute(0, 2, 1).reshape(b, ch, fs, ts)
        c_freq_bin = fs // self.freq_ratio
        x = x.reshape(b, ch, fs // c_freq_bin, c_freq_bin, ts).permute(0, 1, 3, 2, 4).reshape(b, ch, c_freq_bin, -1)
        return nn.functional.adaptive_avg_pool1d(x.flatten(2), 1).flatten(1)


# ---------------------------------------------------------------------------------------------------------------
# the text encoder (RoBERTa with BERT's pooler)

class TextLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, ff = c["hidden_size"], c["intermediate_size"]
        self.heads = c["num_attention_heads"]
        self.query, self.key, self.value = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.attention_out = nn.Linear(d, d)
        self.attention_norm = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.intermediate = nn.Linear(d, ff)
        self.output = nn.Linear(ff, d)
        self.output_norm = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.act = ACT[c["hidden_act"]]

    def forward(self, x, mask):
        b, t, d = x.shape
        hd = d // self.heads

        def heads(z):
            return z.view(b, t, self.heads, hd).transpose(1, 2)

        scores = heads(self.query(x)) @ heads(self.key(x)).transpose(-1, -2) / math.sqrt(hd) + mask
        context = (scores.softmax(-1) @ heads(self.value(x))).transpose(1, 2).reshape(b, t, d)
        x = self.attention_norm(self.attention_out(context) + x)
        return self.output_norm(self.output(self.act(self.intermediate(x))) + x)

    def state(self, prefix):
        names = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
                 "attention_out": "attention.output.dense", "attention_norm": "attention.output.LayerNorm",
                 "intermediate": "intermediate.dense", "output": "output.dense", "output_norm": "output.LayerNorm"}
        out = {}
        for module, name in names.items():
            for p in ("weight", "bias"):
                out[prefix + name + "." + p] = getattr(getattr(self, module), p)
        return out


class TextModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.c = c
        self.word_embeddings = nn.Embedding(c["vocab_size"], d)
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], d)
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], d)
        self.embedding_norm = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.layers = nn.ModuleList([TextLayer(c) for _ in range(c["num_hidden_layers"])])
        self.pooler = nn.Linear(d, d)

    def forward(self, ids, attention_mask):
        pad = self.c["pad_token_id"]
        not_pad = ids.ne(pad).long()
        positions = torch.cumsum(not_pad, 1) * not_pad + pad
        x = self.word_embeddings(ids) + self.token_type_embeddings(torch.zeros_like(ids))
        x = self.embedding_norm(x + self.position_embeddings(positions))
        mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, mask)
        return torch.tanh(self.pooler(x[:, 0]))

    def state(self):
        p = "text_model."
        out = {p + "embeddings.word_embeddings.weight": self.word_embeddings.weight,
               p + "embeddings.position_embeddings.weight": self.position_embeddings.weight,
               p + "embeddings.token_type_embeddings.weight": self.token_type_embeddings.weight,
               p + "embeddings.LayerNorm.weight": self.embedding_norm.weight,
               p + "embeddings.LayerNorm.bias": self.embedding_norm.bias}
        for i, layer in enumerate(self.layers):
            out.update(layer.state(p + "encoder.layer.%d." % i))
        out[p + "pooler.dense.weight"] = self.pooler.weight
        out[p + "pooler.dense.bias"] = self.pooler.bias
        return out


class Projection(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.linear1 = nn.Linear(c["hidden_size"], c["projection_dim"])
        self.linear2 = nn.Linear(c["projection_dim"], c["projection_dim"])
        self.act = ACT[c["projection_hidden_act"]]

    def forward(self, x):
        return self.linear2(self.act(self.linear1(x)))


class ClapReference(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.text_config, self.audio_config = sub_configs(config)
        scale = math.log(config.get("logit_scale_init_value", 1 / 0.07))
        self.logit_scale_a = nn.Parameter(torch.tensor(scale))
        self.logit_scale_t = nn.Parameter(torch.tensor(scale))
        self.text = TextModel(self.text_config)
        self.text_projection = Projection(self.text_config)
        self.audio_encoder = AudioEncoder(self.audio_config)
        self.audio_projection = Projection(self.audio_config)

    def audio_embeds(self, features, is_longer=None):
        e = self.audio_projection(self.audio_encoder(features, is_longer))
        return e / e.norm(p=2, dim=-1, keepdim=True)

    def text_embeds(self, ids, mask):
        e = self.text_projection(self.text(ids, mask))
        return e / e.norm(p=2, dim=-1, keepdim=True)

    def forward(self, features, ids, mask, is_longer=None):
        a, t = self.audio_embeds(features, is_longer), self.text_embeds(ids, mask)
        return dict(audio_embeds=a, text_embeds=t, logits_per_audio=a @ t.t() * self.logit_scale_a.exp(),
                    logits_per_text=t @ a.t() * self.logit_scale_t.exp())

    def checkpoint(self):
        """The state under laion/clap-htsat-unfused's names, buffers included (position_ids, token_type_ids,
        relative_position_index, num_batches_tracked: transformers registers them as persistent)."""
        out = {"logit_scale_a": self.logit_scale_a, "logit_scale_t": self.logit_scale_t}
        out.update(self.text.state())
        n = self.text_config["max_position_embeddings"]
        out["text_model.embeddings.position_ids"] = torch.arange(n)[None]
        out["text_model.embeddings.token_type_ids"] = torch.zeros(1, n, dtype=torch.int64)
        for name in ("linear1", "linear2"):
            for p in ("weight", "bias"):
                out["text_projection.%s.%s" % (name, p)] = getattr(getattr(self.text_projection, name), p)
                out["audio_projection.%s.%s" % (name, p)] = getattr(getattr(self.audio_projection, name), p)
        enc = "audio_model.audio_encoder."
        for name, t in self.audio_encoder.state_dict().items():
            name = name.replace(".attention.dense.", ".attention.output.dense.")
            name = name.replace(".attention.query.", ".attention.self.query.")
            name = name.replace(".attention.key.", ".attention.self.key.")
            name = name.replace(".attention.value.", ".attention.self.value.")
            name = name.replace(".attention.relative_position", ".attention.self.relative_position")
            name = name.replace(".intermediate.", ".intermediate.dense.").replace(".output.", ".output.dense.")
            name = name.replace(".attention.output.dense.dense.", ".attention.output.dense.")
            out[enc + name] = t
        return out


def build(config, dtype=torch.float32):
    """A reference ClapModel for config (a config.json dict) with default-initialised weights, in dtype."""
    return ClapReference(config).to(dtype).eval()


# ---------------------------------------------------------------------------------------------------------------
# RoBERTa's byte-level BPE

BOS, PAD, EOS, UNK, MASK = "<s>", "<pad>", "</s>", "<unk>", "<mask>"


def pre_tokenize(text):
    """GPT-2's pattern 's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+, tried in
    order at each position (python's re has no \\p{..})."""
    def letter(ch):
        return unicodedata.category(ch).startswith("L")

    def number(ch):
        return unicodedata.category(ch).startswith("N")

    def other(ch):
        return not (ch.isspace() or letter(ch) or number(ch))

    out, i, n = [], 0, len(text)
    while i < n:
        hit = next((s for s in ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d") if text.startswith(s, i)), None)
        if hit:
            out.append(hit)
            i += len(hit)
            continue
        j = i + 1 if text[i] == " " and i + 1 < n else i
        matched = False
        for klass in (letter, number, other):
            if j < n and klass(text[j]):
                k = j
                while k < n and klass(text[k]):
                    k += 1
                out.append(text[i:k])
                i = k
                matched = True
                break
        if matched:
            continue
        k = i
        while k < n and text[k].isspace():
            k += 1
        if k < n and k - i > 1:  # \s+(?!\S): leave the last space to the next word
            k -= 1
        out.append(text[i:k])
        i = k
    return out


def bpe(word, ranks):
    symbols = list(word)
    while len(symbols) > 1:
        pairs = [(ranks.get(p, math.inf), p) for p in zip(symbols, symbols[1:])]
        best, pair = min(pairs)
        if best == math.inf:
            break
        merged, k = [], 0
        while k < len(symbols):
            if k < len(symbols) - 1 and (symbols[k], symbols[k + 1]) == pair:
                merged.append(symbols[k] + symbols[k + 1])
                k += 2
            else:
                merged.append(symbols[k])
                k += 1
        symbols = merged
    return symbols


def words(text):
    return ["".join(BYTE_ENCODER[b] for b in w.encode("utf-8")) for w in pre_tokenize(text)]


def encode(text, vocab, ranks):
    """<s> BPE ids </s> (RobertaProcessing, no truncation)."""
    return [vocab[BOS]] + [vocab[s] for w in words(text) for s in bpe(w, ranks)] + [vocab[EOS]]


def batch(texts, vocab, ranks):
    rows = [encode(t, vocab, ranks) for t in texts]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [vocab[PAD]] * (width - len(r)) for r in rows], dtype=torch.int64)
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], dtype=torch.int64)
    return ids, mask


def roberta_vocab(merges, specials=(BOS, PAD, EOS, UNK)):
    """roberta-base's order: <s> <pad> </s> <unk> (or `specials`), the byte characters, the merges' results, <mask>
    last."""
    tokens = list(specials) + list(BYTE_ENCODER.values())
    for a, b in merges:
        if a + b not in tokens:
            tokens.append(a + b)
    tokens.append(MASK)
    return {t: i for i, t in enumerate(tokens)}


def tokenizer_json(vocab, merges):
    """tokenizer.json as RobertaConverter writes it (laion/clap-htsat-unfused's structure)."""
    def added(token, lstrip=False):
        return {"id": vocab[token], "content": token, "single_word": False, "lstrip": lstrip, "rstrip": False,
                "normalized": token != MASK, "special": True}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(BOS), added(PAD), added(EOS), added(UNK), added(MASK, True)],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "RobertaProcessing", "sep": [EOS, vocab[EOS]], "cls": [BOS, vocab[BOS]],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
    }


# ---------------------------------------------------------------------------------------------------------------
# the tiny folder

CORPUS = ("this is a sound of a dog . this is a sound of rain . this is a sound of a car engine . "
          "the dog barks in the rain . a siren and a bell ring . birds sing in the morning . ") * 3
TEXTS = ["This is a sound of a dog.", "rain on a window", "A siren, a bell and birds singing in the morning!"]
LABELS = ["a dog", "rain", "a car engine", "birds"]
TEMPLATE = "This is a sound of {}."
SECONDS = 2


def config_json(vocab_size):
    """config.json as ClapConfig.save_pretrained writes it (transformers 4.3x), tiny; the shape rules of HTSAT
    hold: spec_size 64 / num_mel_bins 16 = freq_ratio 4, a 16×16 patch grid in windows of 4, three stages."""
    return {
        "architectures": ["ClapModel"],
        "audio_config": {
            "aff_block_r": 4, "attention_probs_dropout_prob": 0.0, "depths": [2, 2, 2], "drop_path_rate": 0.0,
            "enable_fusion": False, "enable_patch_layer_norm": True, "flatten_patch_embeds": True,
            "fusion_type": None, "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 32,
            "initializer_factor": 1.0, "layer_norm_eps": 1e-05, "mlp_ratio": 2.0, "model_type": "clap_audio_model",
            "num_attention_heads": [2, 2, 4], "num_classes": 527, "num_hidden_layers": 3, "num_mel_bins": 16,
            "patch_embed_input_channels": 1, "patch_embeds_hidden_size": 8, "patch_size": 4, "patch_stride": [4, 4],
            "projection_dim": 16, "projection_hidden_act": "relu", "qkv_bias": True, "spec_size": 64,
            "window_size": 4},
        "hidden_size": 32,
        "initializer_factor": 1.0,
        "logit_scale_init_value": 14.285714285714285,
        "model_type": "clap",
        "num_hidden_layers": 5,
        "projection_dim": 16,
        "projection_hidden_act": "relu",
        "text_config": {
            "attention_probs_dropout_prob": 0.1, "bos_token_id": 0, "classifier_dropout": None, "eos_token_id": 2,
            "fusion_hidden_size": 768, "fusion_num_hidden_layers": 2, "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1, "hidden_size": 32, "initializer_factor": 1.0, "initializer_range": 0.02,
            "intermediate_size": 64, "layer_norm_eps": 1e-05, "max_position_embeddings": 40,
            "model_type": "clap_text_model", "num_attention_heads": 2, "num_hidden_layers": 2, "pad_token_id": 1,
            "position_embedding_type": "absolute", "projection_dim": 16, "projection_hidden_act": "relu",
            "type_vocab_size": 1, "use_cache": True, "vocab_size": vocab_size},
        "torch_dtype": "float32",
        "transformers_version": "4.33.0",
    }


FUSED_SECONDS = 1


def fused_config_json(vocab_size):
    """A tiny fused ClapModel (enable_fusion, as laion/clap-htsat-fused): 64 mel bins (_random_mel_fusion shrinks
    to 64), spec_size 128 (freq_ratio 2, a 32×32 grid in windows of 4), aff_block_r 4 (a 2-channel AFF block)."""
    config = config_json(vocab_size)
    config["audio_config"].update({"enable_fusion": True, "num_mel_bins": 64, "spec_size": 128})
    return config




PREPROCESSOR = {
    "chunk_length_s": 10, "feature_extractor_type": "ClapFeatureExtractor", "feature_size": 16,
    "fft_window_size": 1024, "frequency_max": 14000, "frequency_min": 50, "hop_length": 480,
    "max_length_s": SECONDS, "n_fft": 1024, "nb_frequency_bins": 513, "nb_max_frames": 1 + SECONDS * 100,
    "nb_max_samples": SECONDS * 48000, "padding": "repeatpad", "padding_side": "right", "padding_value": 0.0,
    "processor_class": "ClapProcessor", "return_attention_mask": False, "sampling_rate": 48000, "top_db": None,
    "truncation": "rand_trunc"}


FUSED_PREPROCESSOR = dict(PREPROCESSOR, feature_size=64, max_length_s=FUSED_SECONDS,
                          nb_max_frames=1 + FUSED_SECONDS * 100, nb_max_samples=FUSED_SECONDS * 48000,
                          truncation="fusion")


def randomize(model, generator):
    """Weights that make every parameter matter (norms near 1 with biases, linears of variance 1/fan_in), two
    different logit scales, a batch norm with its own statistics; float32-exact."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "logit_scale_a":
                p.fill_(math.log(10.0))
            elif name == "logit_scale_t":
                p.fill_(math.log(25.0))
            elif "norm" in name:
                base = 1.0 if name.endswith("weight") else 0.0
                p.copy_(base + 0.1 * torch.randn(p.shape, generator=generator, dtype=torch.float64))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=generator, dtype=torch.float64))
            elif "fusion_model" in name and p.dim() == 1 and name.endswith("weight"):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=generator, dtype=torch.float64))
            elif "relative_position_bias_table" in name:
                p.copy_(0.5 * torch.randn(p.shape, generator=generator, dtype=torch.float64))
            else:
                p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64) / math.sqrt(p[0].numel()))
            p.copy_(p.float().double())
        bn = model.audio_encoder.batch_norm
        bn.running_mean.copy_((-40.0 + 5 * torch.randn(bn.running_mean.shape, generator=generator,
                                                       dtype=torch.float64)).float().double())
        bn.running_var.copy_((100.0 + 20 * torch.rand(bn.running_var.shape, generator=generator,
                                                      dtype=torch.float64)).float().double())
        bn.num_batches_tracked.fill_(1000)
        for name, b in model.named_buffers():
            if "fusion_model" in name and name.endswith("running_mean"):
                b.copy_((0.1 * torch.randn(b.shape, generator=generator, dtype=torch.float64)).float().double())
            elif "fusion_model" in name and name.endswith("running_var"):
                b.copy_((1.0 + 0.5 * torch.rand(b.shape, generator=generator, dtype=torch.float64)).float().double())


def pipeline_features(samples):
    """ClapFeatureExtractor._get_input_mel for a clip not longer than max_length ("repeatpad"), at this config."""
    max_length = SECONDS * 48000
    waveform = np.tile(samples, int(max_length / len(samples)))
    waveform = np.pad(waveform, (0, max_length - waveform.shape[0]), mode="constant", constant_values=0)
    slaney = clap_features.mel_filter_bank(513, PREPROCESSOR["feature_size"], 50, 14000, 48000, "slaney", "slaney")
    return clap_features.log_mel_spectrogram(waveform, slaney)


def special(token):
    return {"content": token, "lstrip": token == MASK, "normalized": token != MASK, "rstrip": False,
            "single_word": False}


def main(out_dir, fused=False):
    os.makedirs(out_dir, exist_ok=True)
    merges = clip.train_merges(CORPUS, 60, words, end_of_word="")
    vocab = roberta_vocab(merges)
    ranks = {m: r for r, m in enumerate(merges)}
    write_json(os.path.join(out_dir, "tokenizer.json"), tokenizer_json(vocab, merges))
    write_json(os.path.join(out_dir, "special_tokens_map.json"),
               {"bos_token": special(BOS), "cls_token": special(BOS), "eos_token": special(EOS),
                "mask_token": special(MASK), "pad_token": special(PAD), "sep_token": special(EOS),
                "unk_token": special(UNK)})
    write_json(os.path.join(out_dir, "tokenizer_config.json"), {
        "add_prefix_space": False, "bos_token": BOS, "clean_up_tokenization_spaces": True, "cls_token": BOS,
        "eos_token": EOS, "errors": "replace", "mask_token": MASK, "model_max_length": 512, "pad_token": PAD,
        "processor_class": "ClapProcessor", "sep_token": EOS, "tokenizer_class": "RobertaTokenizer",
        "trim_offsets": True, "unk_token": UNK})
    write_json(os.path.join(out_dir, "preprocessor_config.json"), FUSED_PREPROCESSOR if fused else PREPROCESSOR)
    config = fused_config_json(len(vocab)) if fused else config_json(len(vocab))
    write_json(os.path.join(out_dir, "config.json"), config)

    generator = torch.Generator().manual_seed(2024)
    model = build(config, torch.float64)
    randomize(model, generator)
    safetensors_io.save(os.path.join(out_dir, "model.safetensors"),
                        {k: (v.float() if v.is_floating_point() else v) for k, v in model.checkpoint().items()},
                        {"format": "pt"})

    if fused:
        write_fused_expected(out_dir, model, generator, vocab, ranks)
        return
    with torch.no_grad():
        frames = 1 + SECONDS * 100
        features = (-50 + 15 * torch.randn(2, 1, frames, 16, generator=generator, dtype=torch.float64)).float().double()
        ids, mask = batch(TEXTS, vocab, ranks)
        expected = {"input_features": features, "input_ids": ids, "attention_mask": mask}
        expected.update(model(features, ids, mask))
        # the pipeline: a 0.7 s clip at 48 kHz, repeat-padded to 2 s, and the labels in the template
        samples = clap_features.signal(33600, 5)
        mel = torch.from_numpy(pipeline_features(samples).astype(np.float64))[None, None]
        hypotheses = [TEMPLATE.replace("{}", label) for label in LABELS]
        label_ids, label_mask = batch(hypotheses, vocab, ranks)
        out = model(mel, label_ids, label_mask)
        expected["pipeline_features"] = mel
        expected["pipeline_input_ids"] = label_ids
        expected["pipeline_scores"] = out["logits_per_audio"][0].softmax(0)
    safetensors_io.save(os.path.join(out_dir, "expected.safetensors"), expected,
                        {"texts": json.dumps(TEXTS), "labels": json.dumps(LABELS), "template": TEMPLATE,
                         "pipeline_audio": "clap_features.signal(33600, 5) at 48000 Hz",
                         "note": "embeds are normalised (ClapModel.forward); pipeline_scores in the labels' order"})


FUSED_CROPS = [3, 25, 50]  # a 1.5 s clip: 151 frames, 51 crop starts in thirds [0, 17), [17, 34), [34, 51)


def write_fused_expected(out_dir, model, generator, vocab, ranks):
    """The fused model on a batch of a 1.5 s clip (longer: the whole shrunk and three pinned crops) and a 0.7 s one
    (repeat-padded, its mel 4 times, not longer), then the pipeline on the 0.7 s clip alone, which
    ClapFeatureExtractor.__call__ marks longer (no clip of the batch is, so one drawn at random is)."""
    with torch.no_grad():
        long_mel, long_flag, _ = clap_features.fusion_input_mel(clap_features.signal(72000, 21), FUSED_CROPS,
                                                                FUSED_SECONDS)
        short_mel, short_flag, _ = clap_features.fusion_input_mel(clap_features.signal(33600, 5), None,
                                                                  FUSED_SECONDS)
        assert long_flag and not short_flag
        features = torch.from_numpy(np.stack([long_mel, short_mel]).astype(np.float64))
        is_longer = torch.tensor([[True], [False]])
        ids, mask = batch(TEXTS, vocab, ranks)
        expected = {"input_features": features.float(), "is_longer": is_longer.long(), "input_ids": ids,
                    "attention_mask": mask}
        expected.update(model(features, ids, mask, is_longer))
        hypotheses = [TEMPLATE.replace("{}", label) for label in LABELS]
        label_ids, label_mask = batch(hypotheses, vocab, ranks)
        out = model(features[1:], label_ids, label_mask, torch.tensor([[True]]))
        expected["pipeline_input_ids"] = label_ids
        expected["pipeline_scores"] = out["logits_per_audio"][0].softmax(0)
    safetensors_io.save(os.path.join(out_dir, "expected.safetensors"), expected,
                        {"texts": json.dumps(TEXTS), "labels": json.dumps(LABELS), "template": TEMPLATE,
                         "audio": "clap_features.signal(72000, 21) with crops %s, clap_features.signal(33600, 5); "
                                  "48000 Hz" % FUSED_CROPS,
                         "pipeline_audio": "clap_features.signal(33600, 5) at 48000 Hz, is_longer true",
                         "note": "input_features are float32 (exact); embeds are normalised (ClapModel.forward); "
                                 "pipeline_scores in the labels' order"})


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/reference/clap-model",
         len(sys.argv) > 2 and sys.argv[2] == "fused")
