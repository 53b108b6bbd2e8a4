"""SAM mask generation (transformers' SamModel, the architecture of Zigeng/SlimSAM-uniform-77) in float64, with
SamImageProcessor, SamProcessor's point handling and post_process_masks, written from the transformers source.

Sources (huggingface/transformers, v4.4x as stored in 2026):
- src/transformers/models/sam/modeling_sam.py: SamPatchEmbeddings (conv, stride = patch), SamVisionEncoder (abs
  pos_embed added, SamVisionLayer: pre-LN, window_partition with zero padding / window_unpartition for the windowed
  layers, window_size 0 for global_attn_indexes, residual MLP), SamVisionAttention (qkv, scale head_dim^-0.5,
  get_rel_pos + add_decomposed_rel_pos on the unscaled query, softmax, proj), SamVisionNeck (1x1 conv, SamLayerNorm
  channels_first, 3x3 conv, SamLayerNorm), SamPositionalEmbedding (random Fourier features: 2x-1, @ gaussian
  matrix, 2 pi, [sin, cos]), SamModel.get_image_wide_positional_embeddings ((i + 0.5) / size),
  SamPromptEncoder._embed_points (+0.5, a padding point with label -1 without boxes, normalised by image_size,
  not_a_point_embed for -1, zero for -10, point_embed[0] / [1] for labels 0 / 1), _embed_boxes (+0.5, corners with
  point_embed[2] / [3]), no_mask_embed, SamMaskDecoder (iou_token + mask_tokens before the sparse embeddings,
  SamTwoWayTransformer with SamTwoWayAttentionBlock: skip_first_layer_pe, LayerNorms with layer_norm_eps, the
  final attention's LayerNorm with nn.LayerNorm's default 1e-5; upscale_conv1, SamLayerNorm, GELU, upscale_conv2,
  GELU; output_hypernetworks_mlps and iou_prediction_head as SamFeedForward with ReLU; multimask: outputs 1..3).
- src/transformers/models/sam/configuration_sam.py: the defaults; mlp_dim overrides hidden_size * mlp_ratio (the
  pruned SlimSAM keeps hidden_size 168, mlp_dim 696, 12 heads; convert_sam_to_hf.py get_config "slimsam-77").
- src/transformers/models/sam/image_processing_sam.py: _get_preprocess_shape (longest side, int(x + 0.5)), resize
  (PIL, bilinear), rescale, normalize, pad_image (bottom/right zeros to pad_size), _post_process_masks_pt (bilinear
  to pad_size, crop to the resized size, bilinear to the original size, > 0).
- src/transformers/models/sam/processing_sam.py: _normalize_coordinates (x * new_w / old_w, y * new_h / old_h).

Usage: /usr/bin/python3 tools/reference/sam.py src/test/resources/reference/sam
writes a tiny random SAM folder (config.json, model.safetensors, preprocessor_config.json), the images it draws and
expected.safetensors. --time [N] times a float32 image embedding and N point prompts at the real
Zigeng/SlimSAM-uniform-77 shapes with random weights; --time-automatic [ROUNDS [PER_SIDE]] times automatic mask
generation there (a PER_SIDE x PER_SIDE grid, 32 by default); --real DIR writes such a folder (for timing Perennial).

Automatic mask generation (pipelines/mask_generation.py; image_processing_sam.py's _build_point_grid,
_generate_crop_boxes/_generate_per_layer_crops for crops_n_layers 0, post_process_masks(binarize=False), filter_masks
with _compute_stability_score, _batched_mask_to_box and _is_box_near_crop_edge, _postprocess_for_amg's
torchvision batched_nms) keeps binary masks, not their RLE.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from detr import IMAGENET_MEAN, IMAGENET_STD, draw  # noqa: E402  (the images: a gradient with two rectangles)


# ---------------------------------------------------------------------------------------------------------------
# parameter names and shapes


def vision_dims(cfg):
    v = cfg["vision_config"]
    d = v["hidden_size"]
    mlp = v.get("mlp_dim") or int(d * v.get("mlp_ratio", 4.0))
    grid = v["image_size"] // v["patch_size"]
    return v, d, mlp, grid


def linear_shapes(s, at, out, inp, bias=True):
    s[at + ".weight"] = (out, inp)
    if bias:
        s[at + ".bias"] = (out,)


def shapes(cfg):
    v, d, mlp, grid = vision_dims(cfg)
    p = cfg["prompt_encoder_config"]
    m = cfg["mask_decoder_config"]
    h = m["hidden_size"]
    c = v["output_channels"]
    s = {"shared_image_embedding.positional_embedding": (2, v["num_pos_feats"])}
    s["vision_encoder.patch_embed.projection.weight"] = (d, v["num_channels"], v["patch_size"], v["patch_size"])
    s["vision_encoder.patch_embed.projection.bias"] = (d,)
    s["vision_encoder.pos_embed"] = (1, grid, grid, d)
    hd = d // v["num_attention_heads"]
    for i in range(v["num_hidden_layers"]):
        at = "vision_encoder.layers.%d." % i
        size = grid if i in v["global_attn_indexes"] else v["window_size"]
        s[at + "layer_norm1.weight"] = (d,)
        s[at + "layer_norm1.bias"] = (d,)
        linear_shapes(s, at + "attn.qkv", 3 * d, d, v.get("qkv_bias", True))
        linear_shapes(s, at + "attn.proj", d, d)
        s[at + "attn.rel_pos_h"] = (2 * size - 1, hd)
        s[at + "attn.rel_pos_w"] = (2 * size - 1, hd)
        s[at + "layer_norm2.weight"] = (d,)
        s[at + "layer_norm2.bias"] = (d,)
        linear_shapes(s, at + "mlp.lin1", mlp, d)
        linear_shapes(s, at + "mlp.lin2", d, mlp)
    s["vision_encoder.neck.conv1.weight"] = (c, d, 1, 1)
    s["vision_encoder.neck.layer_norm1.weight"] = (c,)
    s["vision_encoder.neck.layer_norm1.bias"] = (c,)
    s["vision_encoder.neck.conv2.weight"] = (c, c, 3, 3)
    s["vision_encoder.neck.layer_norm2.weight"] = (c,)
    s["vision_encoder.neck.layer_norm2.bias"] = (c,)
    ph = p["hidden_size"]
    mc = p["mask_input_channels"]
    s["prompt_encoder.mask_embed.conv1.weight"] = (mc // 4, 1, 2, 2)
    s["prompt_encoder.mask_embed.conv1.bias"] = (mc // 4,)
    s["prompt_encoder.mask_embed.conv2.weight"] = (mc, mc // 4, 2, 2)
    s["prompt_encoder.mask_embed.conv2.bias"] = (mc,)
    s["prompt_encoder.mask_embed.conv3.weight"] = (ph, mc, 1, 1)
    s["prompt_encoder.mask_embed.conv3.bias"] = (ph,)
    s["prompt_encoder.mask_embed.layer_norm1.weight"] = (mc // 4,)
    s["prompt_encoder.mask_embed.layer_norm1.bias"] = (mc // 4,)
    s["prompt_encoder.mask_embed.layer_norm2.weight"] = (mc,)
    s["prompt_encoder.mask_embed.layer_norm2.bias"] = (mc,)
    s["prompt_encoder.no_mask_embed.weight"] = (1, ph)
    for i in range(p.get("num_point_embeddings", 4)):
        s["prompt_encoder.point_embed.%d.weight" % i] = (1, ph)
    s["prompt_encoder.not_a_point_embed.weight"] = (1, ph)
    tokens = m["num_multimask_outputs"] + 1
    s["mask_decoder.iou_token.weight"] = (1, h)
    s["mask_decoder.mask_tokens.weight"] = (tokens, h)
    internal = h // m["attention_downsample_rate"]

    def attention(at, inner):
        linear_shapes(s, at + ".q_proj", inner, h)
        linear_shapes(s, at + ".k_proj", inner, h)
        linear_shapes(s, at + ".v_proj", inner, h)
        linear_shapes(s, at + ".out_proj", h, inner)

    for i in range(m["num_hidden_layers"]):
        at = "mask_decoder.transformer.layers.%d." % i
        attention(at + "self_attn", h)
        s[at + "layer_norm1.weight"] = (h,)
        s[at + "layer_norm1.bias"] = (h,)
        attention(at + "cross_attn_token_to_image", internal)
        s[at + "layer_norm2.weight"] = (h,)
        s[at + "layer_norm2.bias"] = (h,)
        linear_shapes(s, at + "mlp.lin1", m["mlp_dim"], h)
        linear_shapes(s, at + "mlp.lin2", h, m["mlp_dim"])
        s[at + "layer_norm3.weight"] = (h,)
        s[at + "layer_norm3.bias"] = (h,)
        s[at + "layer_norm4.weight"] = (h,)
        s[at + "layer_norm4.bias"] = (h,)
        attention(at + "cross_attn_image_to_token", internal)
    attention("mask_decoder.transformer.final_attn_token_to_image", internal)
    s["mask_decoder.transformer.layer_norm_final_attn.weight"] = (h,)
    s["mask_decoder.transformer.layer_norm_final_attn.bias"] = (h,)
    s["mask_decoder.upscale_conv1.weight"] = (h, h // 4, 2, 2)
    s["mask_decoder.upscale_conv1.bias"] = (h // 4,)
    s["mask_decoder.upscale_conv2.weight"] = (h // 4, h // 8, 2, 2)
    s["mask_decoder.upscale_conv2.bias"] = (h // 8,)
    s["mask_decoder.upscale_layer_norm.weight"] = (h // 4,)
    s["mask_decoder.upscale_layer_norm.bias"] = (h // 4,)
    for t in range(tokens):
        at = "mask_decoder.output_hypernetworks_mlps.%d." % t
        linear_shapes(s, at + "proj_in", h, h)
        linear_shapes(s, at + "proj_out", h // 8, h)
        linear_shapes(s, at + "layers.0", h, h)
    at = "mask_decoder.iou_prediction_head."
    ih = m["iou_head_hidden_dim"]
    linear_shapes(s, at + "proj_in", ih, h)
    linear_shapes(s, at + "proj_out", tokens, ih)
    for i in range(m["iou_head_depth"] - 2):
        linear_shapes(s, at + "layers.%d" % i, ih, ih)
    return s


def random_weights(cfg, gen, dtype):
    """Random weights with non-trivial norms, biases, positions and relative positions (a wrong rule shows)."""
    w = {}
    for name, shape in shapes(cfg).items():
        if name.endswith("bias"):
            t = torch.randn(shape, generator=gen, dtype=torch.float64) * 0.1
        elif "norm" in name:
            t = 1 + torch.randn(shape, generator=gen, dtype=torch.float64) * 0.1
        elif name == "shared_image_embedding.positional_embedding":
            t = torch.randn(shape, generator=gen, dtype=torch.float64)
        elif "rel_pos" in name or name.endswith("pos_embed") or name.endswith("embed.weight") \
                or "tokens.weight" in name or "token.weight" in name or "point_embed" in name:
            t = torch.randn(shape, generator=gen, dtype=torch.float64) * 0.5
        elif len(shape) == 4:
            fan_in = shape[1] * shape[2] * shape[3]
            if "upscale" in name:
                fan_in = shape[0]
            t = torch.randn(shape, generator=gen, dtype=torch.float64) / math.sqrt(fan_in)
        else:
            t = torch.randn(shape, generator=gen, dtype=torch.float64) / math.sqrt(shape[-1])
        w[name] = t.to(dtype)
    return w


# ---------------------------------------------------------------------------------------------------------------
# the model (modeling_sam.py)


def linear(x, w, name):
    return F.linear(x, w[name + ".weight"], w.get(name + ".bias"))


def layer_norm(x, w, name, eps):
    return F.layer_norm(x, (x.shape[-1],), w[name + ".weight"], w[name + ".bias"], eps)


def layer_norm_channels(x, w, name, eps=1e-6):
    """SamLayerNorm(data_format="channels_first")."""
    u = x.mean(1, keepdim=True)
    s = (x - u).pow(2).mean(1, keepdim=True)
    x = (x - u) / torch.sqrt(s + eps)
    return w[name + ".weight"][:, None, None] * x + w[name + ".bias"][:, None, None]


def rel_pos(size, table):
    """SamVisionAttention.get_rel_pos for q_size == k_size == size (the table is 2 size - 1 long: no resize)."""
    assert table.shape[0] == 2 * size - 1
    q = torch.arange(size)[:, None]
    k = torch.arange(size)[None, :]
    return table[(q - k) + (size - 1)]


def vision_attention(x, w, at, heads):
    """SamVisionAttention.forward over x [B, H, W, D]."""
    b, hh, ww, d = x.shape
    qkv = linear(x, w, at + "qkv").reshape(b, hh * ww, 3, heads, -1).permute(2, 0, 3, 1, 4)
    q, k, v = qkv.reshape(3, b * heads, hh * ww, -1).unbind(0)
    hd = d // heads
    attn = (q * hd ** -0.5) @ k.transpose(-2, -1)
    rh = rel_pos(hh, w[at + "rel_pos_h"])
    rw = rel_pos(ww, w[at + "rel_pos_w"])
    r_q = q.reshape(b * heads, hh, ww, hd)
    rel_h = torch.einsum("bhwc,hkc->bhwk", r_q, rh)
    rel_w = torch.einsum("bhwc,wkc->bhwk", r_q, rw)
    attn = attn.reshape(b * heads, hh, ww, hh, ww) + rel_h[:, :, :, :, None] + rel_w[:, :, :, None, :]
    attn = attn.reshape(b * heads, hh * ww, hh * ww).softmax(-1)
    out = (attn @ v).reshape(b, heads, hh, ww, -1).permute(0, 2, 3, 1, 4).reshape(b, hh, ww, -1)
    return linear(out, w, at + "proj")


def window_partition(x, size):
    b, h, wd, c = x.shape
    ph = (size - h % size) % size
    pw = (size - wd % size) % size
    x = F.pad(x, (0, 0, 0, pw, 0, ph))
    hp, wp = h + ph, wd + pw
    x = x.reshape(b, hp // size, size, wp // size, size, c)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(-1, size, size, c), (hp, wp)


def window_unpartition(windows, size, padded, hw):
    hp, wp = padded
    h, wd = hw
    b = windows.shape[0] // (hp * wp // size // size)
    x = windows.reshape(b, hp // size, wp // size, size, size, -1)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(b, hp, wp, -1)
    return x[:, :h, :wd, :]


def image_embeddings(w, cfg, pixel_values):
    """SamVisionEncoder.forward: [B, output_channels, grid, grid]."""
    v, d, mlp, grid = vision_dims(cfg)
    eps = v.get("layer_norm_eps", 1e-6)
    x = F.conv2d(pixel_values, w["vision_encoder.patch_embed.projection.weight"],
                 w["vision_encoder.patch_embed.projection.bias"], stride=v["patch_size"]).permute(0, 2, 3, 1)
    x = x + w["vision_encoder.pos_embed"]
    for i in range(v["num_hidden_layers"]):
        at = "vision_encoder.layers.%d." % i
        window = 0 if i in v["global_attn_indexes"] else v["window_size"]
        h = layer_norm(x, w, at + "layer_norm1", eps)
        if window > 0:
            hw = h.shape[1], h.shape[2]
            h, padded = window_partition(h, window)
        h = vision_attention(h, w, at + "attn.", v["num_attention_heads"])
        if window > 0:
            h = window_unpartition(h, window, padded, hw)
        x = x + h
        x = x + linear(F.gelu(linear(layer_norm(x, w, at + "layer_norm2", eps), w, at + "mlp.lin1")), w,
                       at + "mlp.lin2")
    x = x.permute(0, 3, 1, 2)
    x = layer_norm_channels(F.conv2d(x, w["vision_encoder.neck.conv1.weight"]), w, "vision_encoder.neck.layer_norm1")
    x = F.conv2d(x, w["vision_encoder.neck.conv2.weight"], padding=1)
    return layer_norm_channels(x, w, "vision_encoder.neck.layer_norm2")


def fourier(w, coords):
    """SamPositionalEmbedding.forward on coordinates already in [0, 1]."""
    matrix = w["shared_image_embedding.positional_embedding"]
    c = (2 * coords - 1).to(matrix.dtype)
    c = c @ matrix
    c = 2 * np.pi * c
    return torch.cat([torch.sin(c), torch.cos(c)], dim=-1)


def image_positions(w, cfg):
    """SamModel.get_image_wide_positional_embeddings: [1, C, grid, grid]."""
    size = cfg["prompt_encoder_config"]["image_size"] // cfg["prompt_encoder_config"]["patch_size"]
    grid = torch.ones((size, size), dtype=torch.float64)
    y = (grid.cumsum(0) - 0.5) / size
    x = (grid.cumsum(1) - 0.5) / size
    return fourier(w, torch.stack([x, y], dim=-1)).permute(2, 0, 1).unsqueeze(0)


def embed_points(w, cfg, points, labels, pad):
    """SamPromptEncoder._embed_points: points [B, P, N, 2] in the resized frame, labels [B, P, N]."""
    size = cfg["prompt_encoder_config"]["image_size"]
    points = points + 0.5
    if pad:
        points = torch.cat([points, torch.zeros(points.shape[0], points.shape[1], 1, 2, dtype=points.dtype)], 2)
        labels = torch.cat([labels, -torch.ones(labels.shape[0], labels.shape[1], 1, dtype=labels.dtype)], 2)
    e = fourier(w, points / size)
    e = torch.where(labels[..., None] == -1, w["prompt_encoder.not_a_point_embed.weight"], e)
    e = torch.where(labels[..., None] != -10, e, torch.zeros((), dtype=e.dtype))
    e = torch.where((labels == 0)[..., None], e + w["prompt_encoder.point_embed.0.weight"], e)
    e = torch.where((labels == 1)[..., None], e + w["prompt_encoder.point_embed.1.weight"], e)
    return e


def embed_boxes(w, cfg, boxes):
    """SamPromptEncoder._embed_boxes: boxes [B, P, 4] (x0, y0, x1, y1) in the resized frame."""
    size = cfg["prompt_encoder_config"]["image_size"]
    b, n = boxes.shape[:2]
    coords = (boxes + 0.5).reshape(b, n, 2, 2)
    e = fourier(w, coords / size).clone()
    e[:, :, 0, :] += w["prompt_encoder.point_embed.2.weight"][0]
    e[:, :, 1, :] += w["prompt_encoder.point_embed.3.weight"][0]
    return e


def two_way_attention(w, at, heads, q, k, v):
    """SamAttention over [B, P, T, H] inputs."""
    q = linear(q, w, at + ".q_proj")
    k = linear(k, w, at + ".k_proj")
    v = linear(v, w, at + ".v_proj")
    b, p, tq, inner = q.shape
    hd = inner // heads

    def split(x):
        return x.reshape(b * p, x.shape[2], heads, hd).transpose(1, 2)

    attn = (split(q) @ split(k).permute(0, 1, 3, 2)) / hd ** 0.5
    out = attn.softmax(-1) @ split(v)
    out = out.transpose(1, 2).reshape(b, p, tq, inner)
    return linear(out, w, at + ".out_proj")


def mask_embedding(w, cfg, masks):
    """SamMaskEmbedding.forward: input_masks [B, 1, 4g, 4g] (low-resolution mask logits) to [B, C, g, g]: conv1
    (2x2, stride 2), SamLayerNorm, GELU (prompt_encoder_config.hidden_act), conv2 (2x2, stride 2), SamLayerNorm,
    GELU, conv3 (1x1)."""
    eps = cfg["prompt_encoder_config"].get("layer_norm_eps", 1e-6)
    at = "prompt_encoder.mask_embed."
    x = F.conv2d(masks, w[at + "conv1.weight"], w[at + "conv1.bias"], stride=2)
    x = F.gelu(layer_norm_channels(x, w, at + "layer_norm1", eps))
    x = F.conv2d(x, w[at + "conv2.weight"], w[at + "conv2.bias"], stride=2)
    x = F.gelu(layer_norm_channels(x, w, at + "layer_norm2", eps))
    return F.conv2d(x, w[at + "conv3.weight"], w[at + "conv3.bias"])


def mask_decoder(w, cfg, embeddings, positions, sparse, multimask=True, dense=None):
    """SamMaskDecoder.forward: masks [B, P, 3 or 1, 4g, 4g], iou [B, P, 3 or 1]. dense: SamPromptEncoder's dense
    embeddings [B, C, g, g] (mask_embed of input_masks), else no_mask_embed expanded; added to the image embeddings
    once per image, then repeated over the point batch (repeat_interleave)."""
    m = cfg["mask_decoder_config"]
    heads = m["num_attention_heads"]
    eps = m.get("layer_norm_eps", 1e-6)
    b, c, gh, gw = embeddings.shape
    p = sparse.shape[1]
    out_tokens = torch.cat([w["mask_decoder.iou_token.weight"], w["mask_decoder.mask_tokens.weight"]], 0)
    out_tokens = out_tokens.repeat(b, p, 1, 1)
    tokens = torch.cat([out_tokens, sparse], 2)
    if dense is None:
        dense = w["prompt_encoder.no_mask_embed.weight"].reshape(1, -1, 1, 1).expand(b, -1, gh, gw)
    image = (embeddings + dense).repeat_interleave(p, 0)
    pos = positions.repeat(b, 1, 1, 1).repeat_interleave(p, 0)
    keys = image.flatten(2).permute(0, 2, 1).unsqueeze(1)
    key_pe = pos.flatten(2).permute(0, 2, 1).unsqueeze(1)
    queries = tokens
    for i in range(m["num_hidden_layers"]):
        at = "mask_decoder.transformer.layers.%d." % i
        if i == 0:
            queries = two_way_attention(w, at + "self_attn", heads, queries, queries, queries)
        else:
            q = queries + tokens
            queries = queries + two_way_attention(w, at + "self_attn", heads, q, q, queries)
        queries = layer_norm(queries, w, at + "layer_norm1", eps)
        q = queries + tokens
        k = keys + key_pe
        queries = layer_norm(queries + two_way_attention(w, at + "cross_attn_token_to_image", heads, q, k, keys),
                             w, at + "layer_norm2", eps)
        mlp = linear(torch.relu(linear(queries, w, at + "mlp.lin1")), w, at + "mlp.lin2")
        queries = layer_norm(queries + mlp, w, at + "layer_norm3", eps)
        q = queries + tokens
        k = keys + key_pe
        keys = layer_norm(keys + two_way_attention(w, at + "cross_attn_image_to_token", heads, k, q, queries),
                          w, at + "layer_norm4", eps)
    q = queries + tokens
    k = keys + key_pe
    queries = queries + two_way_attention(w, "mask_decoder.transformer.final_attn_token_to_image", heads, q, k, keys)
    # SamTwoWayTransformer: nn.LayerNorm(config.hidden_size), so torch's default eps 1e-5
    queries = layer_norm(queries, w, "mask_decoder.transformer.layer_norm_final_attn", 1e-5)
    n_tokens = m["num_multimask_outputs"] + 1
    iou_out = queries[:, :, 0, :]
    mask_out = queries[:, :, 1:1 + n_tokens, :]
    image = keys.transpose(2, 3).reshape(b * p, c, gh, gw)
    up = F.conv_transpose2d(image, w["mask_decoder.upscale_conv1.weight"], w["mask_decoder.upscale_conv1.bias"],
                            stride=2)
    up = F.gelu(layer_norm_channels(up, w, "mask_decoder.upscale_layer_norm"))
    up = F.gelu(F.conv_transpose2d(up, w["mask_decoder.upscale_conv2.weight"], w["mask_decoder.upscale_conv2.bias"],
                                   stride=2))
    hyper = []
    for t in range(n_tokens):
        at = "mask_decoder.output_hypernetworks_mlps.%d." % t
        x = torch.relu(linear(mask_out[:, :, t, :], w, at + "proj_in"))
        x = torch.relu(linear(x, w, at + "layers.0"))
        hyper.append(linear(x, w, at + "proj_out"))
    hyper = torch.stack(hyper, dim=2)
    _, uc, uh, uw = up.shape
    up = up.reshape(b, p, uc, uh * uw)
    masks = (hyper @ up).reshape(b, p, -1, uh, uw)
    at = "mask_decoder.iou_prediction_head."
    x = torch.relu(linear(iou_out, w, at + "proj_in"))
    for i in range(m["iou_head_depth"] - 2):
        x = torch.relu(linear(x, w, at + "layers.%d" % i))
    iou = linear(x, w, at + "proj_out")
    keep = slice(1, None) if multimask else slice(0, 1)
    return masks[:, :, keep], iou[:, :, keep]


def prompt(w, cfg, embeddings, points=None, labels=None, boxes=None, multimask=True, masks=None):
    """SamModel.forward from image embeddings: the prompt encoder, then the mask decoder. masks: input_masks."""
    sparse = None
    if points is not None:
        sparse = embed_points(w, cfg, points, labels, pad=boxes is None)
    if boxes is not None:
        e = embed_boxes(w, cfg, boxes)
        sparse = e if sparse is None else torch.cat([sparse, e], 2)
    dense = None if masks is None else mask_embedding(w, cfg, masks)
    return mask_decoder(w, cfg, embeddings, image_positions(w, cfg), sparse, multimask, dense)


# ---------------------------------------------------------------------------------------------------------------
# SamImageProcessor and SamProcessor


def preprocess_shape(h, wd, longest):
    """_get_preprocess_shape."""
    scale = longest * 1.0 / max(h, wd)
    return int(h * scale + 0.5), int(wd * scale + 0.5)


def preprocess(image, pp):
    """pixel_values [1, 3, pad_h, pad_w] (float32 values in float64), the resized (h, w) and the original."""
    arr = np.array(image.convert("RGB"))
    oh, ow = preprocess_shape(arr.shape[0], arr.shape[1], pp["size"]["longest_edge"])
    arr = np.array(Image.fromarray(arr).resize((ow, oh), resample=pp.get("resample", 2)))
    x = (arr.astype(np.float64) * pp.get("rescale_factor", 1 / 255)).astype(np.float32)
    x = (x - np.array(pp["image_mean"], dtype=np.float32)) / np.array(pp["image_std"], dtype=np.float32)
    pixels = np.zeros((1, 3, pp["pad_size"]["height"], pp["pad_size"]["width"]), dtype=np.float32)
    pixels[0, :, :oh, :ow] = x.transpose(2, 0, 1)
    return torch.from_numpy(pixels).double(), (oh, ow), (image.height, image.width)


def normalize_coordinates(coords, original, longest):
    """SamProcessor._normalize_coordinates for points [..., 2] (x, y) in the original image."""
    old_h, old_w = original
    new_h, new_w = preprocess_shape(old_h, old_w, longest)
    coords = coords.clone().double()
    coords[..., 0] = coords[..., 0] * (new_w / old_w)
    coords[..., 1] = coords[..., 1] * (new_h / old_h)
    return coords


def post_process_masks(masks, original, reshaped, pp):
    """_post_process_masks_pt for one image's masks [P, 3, h, w]: the logits at the original size (not binarised)."""
    pad = (pp["pad_size"]["height"], pp["pad_size"]["width"])
    m = F.interpolate(masks, pad, mode="bilinear", align_corners=False)
    m = m[..., :reshaped[0], :reshaped[1]]
    return F.interpolate(m, original, mode="bilinear", align_corners=False)


# ---------------------------------------------------------------------------------------------------------------
# automatic mask generation (pipelines/mask_generation.py with image_processing_sam.py's helpers), crops_n_layers 0


def build_point_grid(n):
    """_build_point_grid: n x n points in [0, 1]^2, x fastest."""
    offset = 1 / (2 * n)
    side = np.linspace(offset, 1 - offset, n)
    xs = np.tile(side[None, :], (n, 1))
    ys = np.tile(side[:, None], (1, n))
    return np.stack([xs, ys], axis=-1).reshape(-1, 2)


def per_layer_crops(original):
    """_generate_per_layer_crops with crop_n_layers 0: the whole image [0, 0, W, H]."""
    return [[0, 0, original[1], original[0]]]


def grid_points(n, original, longest):
    """_generate_crop_images for the whole-image crop: the grid scaled by (W, H), then _normalize_coordinates."""
    points = build_point_grid(n) * np.array(original)[None, ::-1]
    return normalize_coordinates(torch.from_numpy(points), original, longest)


def stability_score(masks, mask_threshold, offset):
    """_compute_stability_score: |logits > t + offset| / |logits > t - offset| per mask [N, H, W]."""
    inter = (masks > (mask_threshold + offset)).sum(-1, dtype=torch.int16).sum(-1, dtype=torch.int32)
    union = (masks > (mask_threshold - offset)).sum(-1, dtype=torch.int16).sum(-1, dtype=torch.int32)
    return inter / union


def batched_mask_to_box(masks):
    """_batched_mask_to_box: [N, H, W] bool to inclusive xyxy [N, 4] (int64), [0, 0, 0, 0] for an empty mask."""
    if torch.numel(masks) == 0:
        return torch.zeros(*masks.shape[:-2], 4)
    n, height, width = masks.shape
    in_height, _ = torch.max(masks, dim=-1)
    coords = in_height * torch.arange(height)[None, :]
    bottom, _ = torch.max(coords, dim=-1)
    coords = coords + height * (~in_height)
    top, _ = torch.min(coords, dim=-1)
    in_width, _ = torch.max(masks, dim=-2)
    coords = in_width * torch.arange(width)[None, :]
    right, _ = torch.max(coords, dim=-1)
    coords = coords + width * (~in_width)
    left, _ = torch.min(coords, dim=-1)
    empty = (right < left) | (bottom < top)
    return torch.stack([left, top, right, bottom], dim=-1) * (~empty).unsqueeze(-1)


def is_box_near_crop_edge(boxes, crop_box, orig_box, atol=20.0):
    """_is_box_near_crop_edge."""
    crop = torch.as_tensor(crop_box, dtype=torch.float)
    orig = torch.as_tensor(orig_box, dtype=torch.float)
    left, top = crop_box[0], crop_box[1]
    boxes = (boxes + torch.tensor([[left, top, left, top]])).float()
    near_crop = torch.isclose(boxes, crop[None, :], atol=atol, rtol=0)
    near_image = torch.isclose(boxes, orig[None, :], atol=atol, rtol=0)
    return torch.any(torch.logical_and(near_crop, ~near_image), dim=1)


def nms(boxes, scores, threshold):
    """torchvision.ops.batched_nms with one class (what _postprocess_for_amg calls), as its CPU kernel nms_kernel_impl
    computes it in float32: stable sort by descending score, areas (x2 - x1) (y2 - y1), IoU inter / (a + b - inter),
    suppressed when > threshold; the kept indices in descending score order."""
    boxes = boxes.float()
    scores = scores.float()
    order = sorted(range(len(scores)), key=lambda i: -scores[i].item())
    x1, y1, x2, y2 = boxes.unbind(1)
    areas = (x2 - x1) * (y2 - y1)
    suppressed = [False] * len(order)
    keep = []
    for a, i in enumerate(order):
        if suppressed[i]:
            continue
        keep.append(i)
        for j in order[a + 1:]:
            if suppressed[j]:
                continue
            w_ = torch.clamp(torch.min(x2[i], x2[j]) - torch.max(x1[i], x1[j]), min=0)
            h_ = torch.clamp(torch.min(y2[i], y2[j]) - torch.max(y1[i], y1[j]), min=0)
            inter = w_ * h_
            ovr = inter / (areas[i] + areas[j] - inter)
            if ovr.item() > threshold:
                suppressed[j] = True
    return torch.tensor(keep, dtype=torch.int64)


AMG_DEFAULTS = {"points_per_batch": 64, "points_per_crop": 32, "pred_iou_thresh": 0.88, "stability_score_thresh": 0.95,
                "stability_score_offset": 1.0, "mask_threshold": 0.0, "crops_nms_thresh": 0.7}


def automatic_masks(w, cfg, pp, image, params, clock=None):
    """MaskGenerationPipeline: preprocess (the grid, the embedding once), _forward per points_per_batch (SamModel with
    multimask output, post_process_masks without binarising, filter_masks), postprocess (batched_nms over all the
    kept masks' boxes). Returns the steps' tensors; clock, a dict, gets the seconds of the embedding and the rest."""
    began = time.perf_counter()
    longest = pp["size"]["longest_edge"]
    pixels, reshaped, original = preprocess(image, pp)
    emb = image_embeddings(w, cfg, pixels.to(w["vision_encoder.pos_embed"].dtype))
    embedded = time.perf_counter()
    points = grid_points(params["points_per_crop"], original, longest)
    crop_box = per_layer_crops(original)[0]
    n = points.shape[0]
    low, ious, stability, kept, kept_boxes, kept_scores, kept_masks, logits_all = [], [], [], [], [], [], [], []
    for start in range(0, n, params["points_per_batch"]):
        batch = points[start:start + params["points_per_batch"]]
        masks, iou = prompt(w, cfg, emb, batch[None, :, None, :], torch.ones(1, batch.shape[0], 1, dtype=torch.int64))
        logits = post_process_masks(masks[0], original, reshaped, pp)
        low.append(masks[0])
        logits_all.append(logits)
        # filter_masks
        flat_iou = iou[0].flatten(0, 1)
        flat = logits.flatten(0, 1)
        keep = torch.ones(flat.shape[0], dtype=torch.bool)
        if params["pred_iou_thresh"] > 0:
            keep = keep & (flat_iou > params["pred_iou_thresh"])
        score = stability_score(flat, params["mask_threshold"], params["stability_score_offset"])
        if params["stability_score_thresh"] > 0:
            keep = keep & (score > params["stability_score_thresh"])
        ious.append(flat_iou)
        stability.append(score)
        binary = flat[keep] > params["mask_threshold"]
        boxes = batched_mask_to_box(binary)
        edge = ~is_box_near_crop_edge(boxes, crop_box, [0, 0, original[1], original[0]])
        index = torch.nonzero(keep)[:, 0][edge] + 3 * start
        kept.append(index)
        kept_boxes.append(boxes[edge])
        kept_scores.append(flat_iou[keep][edge])
        kept_masks.append(binary[edge])
    kept, kept_boxes, kept_scores = torch.cat(kept), torch.cat(kept_boxes), torch.cat(kept_scores)
    kept_masks = torch.cat(kept_masks)
    order = nms(kept_boxes, kept_scores, params["crops_nms_thresh"])
    if clock is not None:
        clock["embedding_s"] = embedded - began
        clock["grid_s"] = time.perf_counter() - embedded
    return {"embeddings": emb, "points": points, "low_res_masks": torch.cat(low), "iou_scores": torch.cat(ious),
            "stability_scores": torch.cat(stability), "logits": torch.cat(logits_all), "kept": kept,
            "kept_boxes": kept_boxes, "nms_keep": order, "masks": kept_masks[order], "scores": kept_scores[order],
            "boxes": kept_boxes[order], "areas": kept_masks[order].flatten(1).sum(1)}


# ---------------------------------------------------------------------------------------------------------------
# the tiny folder


def tiny_config():
    vision = {"hidden_size": 24, "output_channels": 16, "num_hidden_layers": 3, "num_attention_heads": 2,
              "num_channels": 3, "image_size": 64, "patch_size": 8, "hidden_act": "gelu", "layer_norm_eps": 1e-06,
              "attention_dropout": 0.0, "initializer_range": 1e-10, "qkv_bias": True, "mlp_ratio": 4.0,
              "use_abs_pos": True, "use_rel_pos": True, "window_size": 3, "global_attn_indexes": [1],
              "num_pos_feats": 8, "mlp_dim": 40, "model_type": ""}
    prompt_cfg = {"hidden_size": 16, "image_size": 64, "patch_size": 8, "mask_input_channels": 8,
                  "num_point_embeddings": 4, "hidden_act": "gelu", "layer_norm_eps": 1e-06, "model_type": ""}
    decoder = {"hidden_size": 16, "hidden_act": "relu", "mlp_dim": 24, "num_hidden_layers": 2,
               "num_attention_heads": 2, "attention_downsample_rate": 2, "num_multimask_outputs": 3,
               "iou_head_depth": 3, "iou_head_hidden_dim": 12, "layer_norm_eps": 1e-06, "model_type": ""}
    return {"architectures": ["SamModel"], "initializer_range": 0.02, "mask_decoder_config": decoder,
            "model_type": "sam", "prompt_encoder_config": prompt_cfg, "torch_dtype": "float32",
            "transformers_version": "4.36.0.dev0", "vision_config": vision}


def tiny_preprocessor():
    # the keys SamImageProcessor.save_pretrained writes (Zigeng/SlimSAM-uniform-77's), with a small size
    return {"do_convert_rgb": True, "do_normalize": True, "do_pad": True, "do_rescale": True, "do_resize": True,
            "image_mean": IMAGENET_MEAN, "image_processor_type": "SamImageProcessor", "image_std": IMAGENET_STD,
            "pad_size": {"height": 64, "width": 64}, "processor_class": "SamProcessor", "resample": 2,
            "rescale_factor": 0.00392156862745098, "size": {"longest_edge": 64}}


def write_tiny(out):
    os.makedirs(out, exist_ok=True)
    cfg = tiny_config()
    pp = tiny_preprocessor()
    w32 = random_weights(cfg, torch.Generator().manual_seed(22), torch.float32)
    # SamModel's tied copy (_tied_weights_keys) as older checkpoints hold it beside the shared one
    w32["prompt_encoder.shared_embedding.positional_embedding"] = w32["shared_image_embedding.positional_embedding"]
    safetensors_io.save(os.path.join(out, "model.safetensors"), w32, {"format": "pt"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump(pp, f, indent=2)
    w = {k: v.double() for k, v in w32.items()}
    tensors = {}
    longest = pp["size"]["longest_edge"]
    # a wide image and a tall one; each with point prompts (original pixels) and labels, the wide one with a box
    images = [draw(90, 60, 1), draw(40, 120, 2)]
    prompts = [
        {"points": [[[30.0, 20.0]], [[70.0, 45.0]]], "labels": [[1], [1]]},
        {"points": [[[10.0, 100.0], [30.0, 15.0], [5.0, 5.0]]], "labels": [[1, 0, -1]]},
    ]
    for i, (im, pr) in enumerate(zip(images, prompts)):
        im.save(os.path.join(out, "image-%d.png" % i))
        pixels, reshaped, original = preprocess(im, pp)
        emb = image_embeddings(w, cfg, pixels)
        points = torch.tensor(pr["points"], dtype=torch.float64).unsqueeze(0)
        labels = torch.tensor(pr["labels"], dtype=torch.int64).unsqueeze(0)
        moved = normalize_coordinates(points, original, longest)
        masks, iou = prompt(w, cfg, emb, moved, labels)
        logits = post_process_masks(masks[0], original, reshaped, pp)
        tensors.update({"pixel_values_%d" % i: pixels, "image_embeddings_%d" % i: emb,
                        "input_points_%d" % i: points, "input_labels_%d" % i: labels,
                        "moved_points_%d" % i: moved, "pred_masks_%d" % i: masks, "iou_scores_%d" % i: iou,
                        "mask_logits_%d" % i: logits, "masks_%d" % i: (logits > 0).to(torch.uint8),
                        "reshaped_size_%d" % i: torch.tensor(reshaped), "original_size_%d" % i: torch.tensor(original)})
        near = (logits.abs() < 1e-4).sum().item()
        print("image", i, "embeddings", tuple(emb.shape), "masks", tuple(masks.shape), "logits", tuple(logits.shape),
              "near 0:", near, "mask share %.2f" % (logits > 0).double().mean().item())
    # a box (x0, y0, x1, y1) alone and a box with a point, on the first image; single-mask output too
    pixels, reshaped, original = preprocess(images[0], pp)
    emb = tensors["image_embeddings_0"]
    box = normalize_coordinates(torch.tensor([[[12.0, 8.0], [60.0, 50.0]]], dtype=torch.float64), original,
                                longest).reshape(1, 1, 4)
    masks, iou = prompt(w, cfg, emb, boxes=box)
    tensors.update({"box_0": box, "box_pred_masks_0": masks, "box_iou_scores_0": iou})
    point = tensors["moved_points_0"][:, :1]
    masks, iou = prompt(w, cfg, emb, point, tensors["input_labels_0"][:, :1], boxes=box)
    tensors.update({"box_point_pred_masks_0": masks, "box_point_iou_scores_0": iou})
    masks, iou = prompt(w, cfg, emb, point, tensors["input_labels_0"][:, :1], multimask=False)
    tensors.update({"single_pred_masks_0": masks, "single_iou_scores_0": iou})
    tensors["image_positional_embeddings"] = image_positions(w, cfg)
    # a mask prompt: the first click's best low-resolution mask fed back with the click, as transformers users pass a
    # previous pred_masks as input_masks [1, 1, 4g, 4g]
    best = tensors["iou_scores_0"][0, 0].argmax()
    mask_input = tensors["pred_masks_0"][0, 0, best][None, None]
    masks, iou = prompt(w, cfg, emb, point, tensors["input_labels_0"][:, :1], masks=mask_input)
    tensors.update({"mask_input_0": mask_input, "mask_embedding_0": mask_embedding(w, cfg, mask_input),
                    "mask_pred_masks_0": masks, "mask_iou_scores_0": iou})
    # automatic mask generation on the first image: an 8 x 8 grid in batches of 24 (the last one short); the
    # thresholds suit the random model, whose logits stay small (transformers' defaults would keep nothing)
    params = dict(AMG_DEFAULTS, points_per_crop=8, points_per_batch=24, pred_iou_thresh=0.05,
                  stability_score_thresh=0.01, stability_score_offset=0.05, mask_threshold=0.1, crops_nms_thresh=0.9)
    amg = automatic_masks(w, cfg, pp, images[0], params)
    for level in (params["mask_threshold"] + d for d in (-params["stability_score_offset"], 0,
                                                         params["stability_score_offset"])):
        assert (amg["logits"] - level).abs().min() > 1e-9, "a logit sits on a threshold"
    assert (amg["iou_scores"] - params["pred_iou_thresh"]).abs().min() > 1e-9
    stable = amg["stability_scores"].double()
    assert (stable[~stable.isnan()] - params["stability_score_thresh"]).abs().min() > 1e-6
    print("automatic: %d masks, %d pass the thresholds, %d after NMS" % (amg["iou_scores"].numel(),
                                                                         amg["kept"].numel(), amg["nms_keep"].numel()))
    tensors["amg_params"] = torch.tensor([params[k] for k in ("points_per_crop", "points_per_batch",
                                                              "pred_iou_thresh", "stability_score_thresh",
                                                              "stability_score_offset", "mask_threshold",
                                                              "crops_nms_thresh")], dtype=torch.float64)
    for k in ("points", "low_res_masks", "iou_scores", "stability_scores", "kept", "kept_boxes", "nms_keep",
              "scores", "boxes", "areas"):
        tensors["amg_" + k] = amg[k].double() if k == "stability_scores" else amg[k]
    tensors["amg_masks"] = amg["masks"].to(torch.uint8)
    safetensors_io.save(os.path.join(out, "expected.safetensors"), tensors)
    print("wrote", out)


def real_config():
    """Zigeng/SlimSAM-uniform-77's shapes (convert_sam_to_hf.py get_config "slimsam-77"; SamConfig's defaults)."""
    cfg = tiny_config()
    cfg["vision_config"].update({"hidden_size": 168, "output_channels": 256, "num_hidden_layers": 12,
                                 "num_attention_heads": 12, "image_size": 1024, "patch_size": 16, "window_size": 14,
                                 "global_attn_indexes": [2, 5, 8, 11], "num_pos_feats": 128, "mlp_dim": 696})
    cfg["prompt_encoder_config"].update({"hidden_size": 256, "image_size": 1024, "patch_size": 16,
                                         "mask_input_channels": 16})
    cfg["mask_decoder_config"].update({"hidden_size": 256, "mlp_dim": 2048, "num_attention_heads": 8,
                                       "iou_head_hidden_dim": 256})
    return cfg


def real_preprocessor():
    return dict(tiny_preprocessor(), pad_size={"height": 1024, "width": 1024}, size={"longest_edge": 1024})


def write_real(out):
    """A folder at the real shapes with random float32 weights, for timing Perennial against time_real()."""
    os.makedirs(out, exist_ok=True)
    cfg = real_config()
    w = random_weights(cfg, torch.Generator().manual_seed(0), torch.float32)
    safetensors_io.save(os.path.join(out, "model.safetensors"), w, {"format": "pt"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump(real_preprocessor(), f, indent=2)
    print("wrote", out)


def time_real(prompts):
    """Image embeddings and point prompts at Zigeng/SlimSAM-uniform-77's shapes in float32: seconds each."""
    cfg = real_config()
    w = random_weights(cfg, torch.Generator().manual_seed(0), torch.float32)
    pixels = torch.randn(1, 3, 1024, 1024)
    with torch.no_grad():
        for i in range(2):
            start = time.perf_counter()
            emb = image_embeddings(w, cfg, pixels)
            embed_s = time.perf_counter() - start
            start = time.perf_counter()
            for j in range(prompts):
                points = torch.tensor([[[[100.0 + 50 * j, 400.0]]]])
                masks, iou = prompt(w, cfg, emb, points, torch.ones(1, 1, 1, dtype=torch.int64))
            prompt_s = (time.perf_counter() - start) / prompts
            print(json.dumps({"run": i, "embedding_s": round(embed_s, 4), "prompt_s": round(prompt_s, 5),
                              "images_per_s": round(1 / embed_s, 3), "prompts_per_s": round(1 / prompt_s, 2),
                              "threads": torch.get_num_threads(),
                              "masks": list(masks.shape)}), flush=True)


def time_automatic(rounds, per_side):
    """Automatic mask generation (transformers' defaults, a per_side x per_side grid) at Zigeng/SlimSAM-uniform-77's
    shapes in float32 on a 640 x 480 image: seconds per image, the embedding and the grid apart."""
    cfg = real_config()
    w = random_weights(cfg, torch.Generator().manual_seed(0), torch.float32)
    rng = np.random.default_rng(0)
    params = dict(AMG_DEFAULTS, points_per_crop=per_side)
    with torch.no_grad():
        for i in range(rounds):
            image = Image.fromarray(rng.integers(0, 256, (480, 640, 3), dtype=np.uint8))
            clock = {}
            start = time.perf_counter()
            out = automatic_masks(w, cfg, real_preprocessor(), image, params, clock)
            total = time.perf_counter() - start
            print(json.dumps({"run": i, "image_s": round(total, 3), "embedding_s": round(clock["embedding_s"], 3),
                              "grid_s": round(clock["grid_s"], 3), "clicks": per_side * per_side,
                              "masks": int(out["nms_keep"].numel()), "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "--time-automatic":
        time_automatic(int(sys.argv[2]) if len(sys.argv) > 2 else 2, int(sys.argv[3]) if len(sys.argv) > 3 else 32)
    elif sys.argv[1] == "--time":
        time_real(int(sys.argv[2]) if len(sys.argv) > 2 else 10)
    elif sys.argv[1] == "--real":
        write_real(sys.argv[2])
    else:
        write_tiny(sys.argv[1])
