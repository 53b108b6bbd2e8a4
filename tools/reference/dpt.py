"""DPT-Hybrid depth estimation (transformers' DPTForDepthEstimation with is_hybrid true and its BiT backbone, as
Intel/dpt-hybrid-midas) in float64, with DPTImageProcessor and the depth-estimation pipeline's post-processing,
written from the transformers source.

Sources (huggingface/transformers, main as stored in 2026):
- src/transformers/models/bit/modeling_bit.py: get_padding_value ("SAME": static padding for stride 1 and odd
  kernels, else DynamicPad2d), WeightStandardizedConv2d (batch_norm over each output filter, training=True, eps 1e-8
  as every BiT conv passes it), BitGroupNormActivation (group_norm eps 1e-5, then hidden_act unless
  apply_activation=False), DynamicPad2d (TF "SAME": pad max((ceil(x/s)-1)*s + (k-1)*d + 1 - x, 0), half before),
  BitMaxPool2d (3x3/2 after the dynamic pad, value 0), BitEmbeddings (conv 7x7/2, pad Identity for SAME, norm, pool),
  BitBottleneckLayer (non-pre-activation: conv1/norm1, conv2/norm2 with the stride, conv3/norm3 without activation,
  downsample = 1x1 conv with the stride + norm without activation on the first layer of a stage, relu(x + shortcut)),
  make_div, BitEncoder (stage strides 1, 2, 2; out channels make_div(hidden_size * width_factor)), BitBackbone
  (feature maps of stage1..3 from the encoder's hidden states).
- src/transformers/models/dpt/modeling_dpt.py: DPTViTHybridEmbeddings (backbone feature_maps[-1] through the 1x1
  projection, cls token, positions by _resize_pos_embed: bilinear, align_corners=False, to height // patch_size by
  width // patch_size; feature maps 0 and 1 kept as intermediate activations), DPTViTLayer (pre-LN, eager
  attention scaled by head_size^-0.5, gelu MLP), DPTForDepthEstimation.forward (hybrid: intermediate activations +
  encoder hidden states [1:] at backbone_out_indices[2:], before the final layernorm), DPTReassembleStage
  (_init_reassemble_dpt_hybrid: stages in neck_ignore_stages pass through; the others: readout "project" =
  Linear(2h, h) + hidden_act over cat(tokens, cls), then DPTReassembleLayer: 1x1 projection and resize: transposed
  conv for factor > 1, identity for 1, 3x3 conv with stride 1/factor and padding 1 for factor < 1), DPTNeck (3x3 convs
  without bias to fusion_hidden_size), DPTFeatureFusionStage / DPTFeatureFusionLayer (deepest first; a residual of
  another size resized bilinear align_corners=False; residual_layer1 on it, residual_layer2, x2 bilinear
  align_corners=True, 1x1 projection), DPTPreActResidualLayer (relu, conv, relu, conv, + input; bias unless batch
  norm), DPTDepthEstimationHead (conv 3x3 to f/2, x2 bilinear align_corners=True, conv 3x3 to 32, relu, conv 1x1 to
  1, relu; squeeze).
- src/transformers/models/dpt/image_processing_dpt.py: get_resize_output_image_size (constrain_to_multiple_of with
  Python's round, half to even; keep_aspect_ratio scales by whichever of the two factors is nearer 1), resize (PIL,
  bicubic by default), rescale (float64 product cast to float32), normalize (float32), post_process_depth_estimation
  (bicubic, align_corners=False, to the target size).
- src/transformers/pipelines/depth_estimation.py: DepthEstimationPipeline.postprocess (target size = the image's
  (height, width); depth image = uint8((d - min) / (max - min) * 255)).

transformers' hybrid embeddings refuse a size other than image_size and the reassemble stage reshapes the tokens to
a square, so transformers runs the hybrid on square inputs only; here the token grid is (height // 16, width // 16),
the same for square inputs, which also lets a keep_aspect_ratio processor's input through (checked below).

Usage: /usr/bin/python3 tools/reference/dpt.py src/test/resources/reference/dpt
writes a tiny random DPT-Hybrid folder laid out as Intel/dpt-hybrid-midas (config.json, model.safetensors,
preprocessor_config.json), the two images it draws and expected.safetensors. --real DIR writes a folder at
Intel/dpt-hybrid-midas's shapes with random float32 weights (for timing Perennial); --time DIR IMAGE N times the
depth-estimation pipeline on that folder in float32 (processor, model, post-processing) N times.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from detr import draw  # noqa: E402  (the same drawn images: a gradient with two rectangles)

BIT = "dpt.embeddings.backbone.bit."


# ---------------------------------------------------------------------------------------------------------------
# parameter names and shapes


def make_div(value, divisor=8):
    """modeling_bit.make_div."""
    new_value = max(divisor, int(value + divisor / 2) // divisor * divisor)
    if new_value < 0.9 * value:
        new_value += divisor
    return new_value


def bit_stages(cfg):
    """(in, out, mid, stride, depth) per BiT stage (BitEncoder; no dilation at DPT's output stride 16)."""
    b = cfg["backbone_config"]
    stages = []
    prev = b["embedding_size"]
    current = 4
    for i, (depth, hidden) in enumerate(zip(b["depths"], b["hidden_sizes"])):
        out = make_div(hidden * b.get("width_factor", 1))
        stride = 1 if i == 0 else 2
        assert current < b.get("output_stride", 32), "dilated BiT stages are not written here"
        stages.append((prev, out, make_div(out * 0.25), stride, depth))
        prev = out
        current *= stride
    return stages


def shapes(cfg):
    b = cfg["backbone_config"]
    s = {}

    def gn(name, c):
        s[name + ".weight"] = (c,)
        s[name + ".bias"] = (c,)

    s[BIT + "embedder.convolution.weight"] = (b["embedding_size"], cfg["num_channels"], 7, 7)
    gn(BIT + "embedder.norm", b["embedding_size"])
    for i, (cin, out, mid, stride, depth) in enumerate(bit_stages(cfg)):
        for j in range(depth):
            at = BIT + "encoder.stages.%d.layers.%d." % (i, j)
            if j == 0:
                s[at + "downsample.conv.weight"] = (out, cin, 1, 1)
                gn(at + "downsample.norm", out)
            s[at + "conv1.weight"] = (mid, cin if j == 0 else out, 1, 1)
            gn(at + "norm1", mid)
            s[at + "conv2.weight"] = (mid, mid, 3, 3)
            gn(at + "norm2", mid)
            s[at + "conv3.weight"] = (out, mid, 1, 1)
            gn(at + "norm3", out)
    h = cfg["hidden_size"]
    patches = (cfg["image_size"] // cfg["patch_size"]) ** 2
    s["dpt.embeddings.cls_token"] = (1, 1, h)
    s["dpt.embeddings.position_embeddings"] = (1, patches + 1, h)
    s["dpt.embeddings.projection.weight"] = (h, cfg["backbone_featmap_shape"][1], 1, 1)
    s["dpt.embeddings.projection.bias"] = (h,)
    inter = cfg["intermediate_size"]
    for i in range(cfg["num_hidden_layers"]):
        at = "dpt.encoder.layer.%d." % i
        for p in ("query", "key", "value"):
            s[at + "attention.attention.%s.weight" % p] = (h, h)
            s[at + "attention.attention.%s.bias" % p] = (h,)
        s[at + "attention.output.dense.weight"] = (h, h)
        s[at + "attention.output.dense.bias"] = (h,)
        s[at + "intermediate.dense.weight"] = (inter, h)
        s[at + "intermediate.dense.bias"] = (inter,)
        s[at + "output.dense.weight"] = (h, inter)
        s[at + "output.dense.bias"] = (h,)
        gn(at + "layernorm_before", h)
        gn(at + "layernorm_after", h)
    gn("dpt.layernorm", h)
    neck = cfg["neck_hidden_sizes"]
    for i, factor in enumerate(cfg["reassemble_factors"]):
        if i in cfg["neck_ignore_stages"]:
            continue
        s["neck.reassemble_stage.readout_projects.%d.0.weight" % i] = (h, 2 * h)
        s["neck.reassemble_stage.readout_projects.%d.0.bias" % i] = (h,)
        s["neck.reassemble_stage.layers.%d.projection.weight" % i] = (neck[i], h, 1, 1)
        s["neck.reassemble_stage.layers.%d.projection.bias" % i] = (neck[i],)
        if factor > 1:
            s["neck.reassemble_stage.layers.%d.resize.weight" % i] = (neck[i], neck[i], factor, factor)
            s["neck.reassemble_stage.layers.%d.resize.bias" % i] = (neck[i],)
        elif factor < 1:
            s["neck.reassemble_stage.layers.%d.resize.weight" % i] = (neck[i], neck[i], 3, 3)
            s["neck.reassemble_stage.layers.%d.resize.bias" % i] = (neck[i],)
    f = cfg["fusion_hidden_size"]
    for i, c in enumerate(neck):
        s["neck.convs.%d.weight" % i] = (f, c, 3, 3)
    for i in range(len(neck)):
        at = "neck.fusion_stage.layers.%d." % i
        s[at + "projection.weight"] = (f, f, 1, 1)
        s[at + "projection.bias"] = (f,)
        for r in ("residual_layer1", "residual_layer2"):
            for c in ("convolution1", "convolution2"):
                s[at + "%s.%s.weight" % (r, c)] = (f, f, 3, 3)
                s[at + "%s.%s.bias" % (r, c)] = (f,)
    s["head.head.0.weight"] = (f // 2, f, 3, 3)
    s["head.head.0.bias"] = (f // 2,)
    s["head.head.2.weight"] = (32, f // 2, 3, 3)
    s["head.head.2.bias"] = (32,)
    s["head.head.4.weight"] = (1, 32, 1, 1)
    s["head.head.4.bias"] = (1,)
    return s


def random_weights(cfg, gen, dtype):
    """Random weights with non-trivial norms and biases (so that a wrong rule shows); filters get a mean and scale
    of their own, which weight standardization must remove."""
    w = {}
    for name, shape in shapes(cfg).items():
        if name.endswith("bias"):
            t = torch.randn(shape, generator=gen, dtype=torch.float64) * 0.1
        elif "norm" in name:
            t = 1 + torch.randn(shape, generator=gen, dtype=torch.float64) * 0.1
        elif name.startswith(BIT):
            t = torch.randn(shape, generator=gen, dtype=torch.float64) * 0.5 + 0.2
        elif len(shape) == 4:
            fan_in = shape[1] * shape[2] * shape[3]
            t = torch.randn(shape, generator=gen, dtype=torch.float64) / math.sqrt(fan_in)
        elif name.endswith("cls_token") or name.endswith("position_embeddings"):
            t = torch.randn(shape, generator=gen, dtype=torch.float64) * 0.5
        else:
            t = torch.randn(shape, generator=gen, dtype=torch.float64) / math.sqrt(shape[-1])
        w[name] = t.to(dtype)
    # the last head conv gives depths of about 1, mostly positive after the relu (a few zeros check it), so that
    # float32's rounding stays well inside the tests' 1e-5
    w["head.head.4.weight"] = (w["head.head.4.weight"].double() * 0.25).to(dtype)
    w["head.head.4.bias"] = torch.full((1,), 1.25, dtype=dtype)
    return w


# ---------------------------------------------------------------------------------------------------------------
# BiT (modeling_bit.py)


def dynamic_pad(x, k, stride, value=0.0):
    """DynamicPad2d."""
    def amount(n):
        return max((math.ceil(n / stride) - 1) * stride + (k - 1) + 1 - n, 0)
    ph = amount(x.shape[-2])
    pw = amount(x.shape[-1])
    if ph > 0 or pw > 0:
        x = torch.nn.functional.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2], value=value)
    return x


def ws_conv(x, weight, stride=1):
    """WeightStandardizedConv2d with padding "SAME" and eps 1e-8."""
    flat = weight.reshape(weight.shape[0], -1)
    mean = flat.mean(1, keepdim=True)
    var = flat.var(1, unbiased=False, keepdim=True)
    std_weight = ((flat - mean) / torch.sqrt(var + 1e-8)).reshape(weight.shape)
    k = weight.shape[-1]
    if stride == 1 and (k - 1) % 2 == 0:
        return torch.nn.functional.conv2d(x, std_weight, None, 1, (k - 1) // 2)
    return torch.nn.functional.conv2d(dynamic_pad(x, k, stride), std_weight, None, stride, 0)


def group_norm(x, w, name, groups, act=True):
    x = torch.nn.functional.group_norm(x, groups, w[name + ".weight"], w[name + ".bias"], 1e-5)
    return torch.relu(x) if act else x


def bit_backbone(x, w, cfg):
    """BitBackbone: the feature maps of stage1, stage2 and stage3."""
    g = cfg["backbone_config"]["num_groups"]
    x = ws_conv(x, w[BIT + "embedder.convolution.weight"], 2)
    x = group_norm(x, w, BIT + "embedder.norm", g)
    x = torch.nn.functional.max_pool2d(dynamic_pad(x, 3, 2), 3, 2)
    features = []
    for i, (_, _, _, stride, depth) in enumerate(bit_stages(cfg)):
        for j in range(depth):
            at = BIT + "encoder.stages.%d.layers.%d." % (i, j)
            s = stride if j == 0 else 1
            shortcut = x
            if j == 0:
                shortcut = group_norm(ws_conv(x, w[at + "downsample.conv.weight"], s), w, at + "downsample.norm", g,
                                      act=False)
            h = group_norm(ws_conv(x, w[at + "conv1.weight"]), w, at + "norm1", g)
            h = group_norm(ws_conv(h, w[at + "conv2.weight"], s), w, at + "norm2", g)
            h = group_norm(ws_conv(h, w[at + "conv3.weight"]), w, at + "norm3", g, act=False)
            x = torch.relu(h + shortcut)
        features.append(x)
    return features


# ---------------------------------------------------------------------------------------------------------------
# DPT (modeling_dpt.py)


def linear(x, w, name):
    return torch.nn.functional.linear(x, w[name + ".weight"], w[name + ".bias"])


def layer_norm(x, w, name, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w[name + ".weight"], w[name + ".bias"], eps)


def conv(x, w, name, padding=0, stride=1, bias=True):
    return torch.nn.functional.conv2d(x, w[name + ".weight"], w[name + ".bias"] if bias else None, stride, padding)


def resize_positions(pos, gh, gw):
    """DPTViTHybridEmbeddings._resize_pos_embed."""
    tok = pos[:, :1]
    grid = pos[0, 1:]
    old = int(math.sqrt(len(grid)))
    grid = grid.reshape(1, old, old, -1).permute(0, 3, 1, 2)
    grid = torch.nn.functional.interpolate(grid, size=(gh, gw), mode="bilinear")
    grid = grid.permute(0, 2, 3, 1).reshape(1, gh * gw, -1)
    return torch.cat([tok, grid], dim=1)


def vit_layer(x, w, at, cfg):
    """DPTViTLayer."""
    b, t, h = x.shape
    heads = cfg["num_attention_heads"]
    hd = h // heads
    eps = cfg["layer_norm_eps"]
    n = layer_norm(x, w, at + "layernorm_before", eps)

    def split(name):
        return linear(n, w, at + "attention.attention." + name).view(b, t, heads, hd).transpose(1, 2)

    q, k, v = split("query"), split("key"), split("value")
    probs = (q @ k.transpose(-1, -2) * hd ** -0.5).softmax(-1)
    context = (probs @ v).transpose(1, 2).reshape(b, t, h)
    x = x + linear(context, w, at + "attention.output.dense")
    m = torch.nn.functional.gelu(linear(layer_norm(x, w, at + "layernorm_after", eps), w, at + "intermediate.dense"))
    return x + linear(m, w, at + "output.dense")


def residual_unit(x, w, at):
    """DPTPreActResidualLayer without batch norm (biases on)."""
    h = conv(torch.relu(x), w, at + "convolution1", 1)
    h = conv(torch.relu(h), w, at + "convolution2", 1)
    return h + x


def forward(w, cfg, pixel_values):
    """DPTForDepthEstimation.forward (hybrid): predicted_depth [B, H', W'] and the intermediate tensors."""
    b, _, height, width = pixel_values.shape
    ps = cfg["patch_size"]
    gh, gw = height // ps, width // ps
    stages = bit_backbone(pixel_values, w, cfg)
    x = conv(stages[-1], w, "dpt.embeddings.projection").flatten(2).transpose(1, 2)
    x = torch.cat([w["dpt.embeddings.cls_token"].expand(b, -1, -1), x], dim=1)
    x = x + resize_positions(w["dpt.embeddings.position_embeddings"], gh, gw)
    hidden = []
    for i in range(cfg["num_hidden_layers"]):
        x = vit_layer(x, w, "dpt.encoder.layer.%d." % i, cfg)
        hidden.append(x)
    features = list(stages[:2]) + [hidden[i] for i in cfg["backbone_out_indices"][2:]]
    reassembled = []
    for i, (f, factor) in enumerate(zip(features, cfg["reassemble_factors"])):
        if i not in cfg["neck_ignore_stages"]:
            cls, tokens = f[:, 0], f[:, 1:]
            readout = cls.unsqueeze(1).expand_as(tokens)
            proj = linear(torch.cat((tokens, readout), -1), w, "neck.reassemble_stage.readout_projects.%d.0" % i)
            f = torch.nn.functional.gelu(proj).permute(0, 2, 1).reshape(b, -1, gh, gw)
            at = "neck.reassemble_stage.layers.%d." % i
            f = conv(f, w, at + "projection")
            if factor > 1:
                f = torch.nn.functional.conv_transpose2d(f, w[at + "resize.weight"], w[at + "resize.bias"],
                                                         stride=int(factor))
            elif factor < 1:
                f = conv(f, w, at + "resize", 1, int(1 / factor))
        reassembled.append(f)
    neck = [conv(f, w, "neck.convs.%d" % i, 1, bias=False) for i, f in enumerate(reassembled)]
    fused = None
    for i, f in enumerate(neck[::-1]):
        at = "neck.fusion_stage.layers.%d." % i
        if fused is None:
            fused = f
        else:
            if fused.shape != f.shape:
                f = torch.nn.functional.interpolate(f, size=fused.shape[2:], mode="bilinear", align_corners=False)
            fused = fused + residual_unit(f, w, at + "residual_layer1.")
        fused = residual_unit(fused, w, at + "residual_layer2.")
        fused = torch.nn.functional.interpolate(fused, scale_factor=2, mode="bilinear", align_corners=True)
        fused = conv(fused, w, at + "projection")
    h = conv(fused, w, "head.head.0", 1)
    h = torch.nn.functional.interpolate(h, scale_factor=2, mode="bilinear", align_corners=True)
    h = torch.relu(conv(h, w, "head.head.2", 1))
    depth = torch.relu(conv(h, w, "head.head.4")).squeeze(1)
    return depth, {"stage1": stages[0], "stage2": stages[1], "stage3": stages[2], "last_hidden": hidden[-1]}


# ---------------------------------------------------------------------------------------------------------------
# DPTImageProcessor and the pipeline's post-processing


def resize_output_size(height, width, out_h, out_w, keep_aspect_ratio, multiple):
    """image_processing_dpt.get_resize_output_image_size: (new_height, new_width)."""
    def constrain(val):
        return round(val / multiple) * multiple  # min_val 0, max_val None as resize() calls it

    scale_h = out_h / height
    scale_w = out_w / width
    if keep_aspect_ratio:
        if abs(1 - scale_w) < abs(1 - scale_h):
            scale_h = scale_w
        else:
            scale_w = scale_h
    return constrain(scale_h * height), constrain(scale_w * width)


def preprocess(image, pp):
    """pixel_values [1, 3, H, W] float64 holding float32 values."""
    arr = np.array(image.convert("RGB"))
    size = pp["size"]
    oh, ow = resize_output_size(arr.shape[0], arr.shape[1], size["height"], size["width"],
                                pp.get("keep_aspect_ratio", False), pp.get("ensure_multiple_of", 1))
    arr = np.array(Image.fromarray(arr).resize((ow, oh), resample=pp.get("resample", 3)))
    x = (arr.astype(np.float64) * pp.get("rescale_factor", 1 / 255)).astype(np.float32)
    x = (x - np.array(pp["image_mean"], dtype=np.float32)) / np.array(pp["image_std"], dtype=np.float32)
    return torch.from_numpy(x.transpose(2, 0, 1)[None].copy()).double()


def post_process(depth, height, width):
    """post_process_depth_estimation for one prediction [H', W'] to (height, width)."""
    return torch.nn.functional.interpolate(depth[None, None], size=(height, width), mode="bicubic",
                                           align_corners=False)[0, 0]


def depth_image(depth):
    """DepthEstimationPipeline.postprocess's picture: uint8((d - min) / (max - min) * 255)."""
    d = depth.numpy()
    d = (d - d.min()) / (d.max() - d.min())
    return torch.from_numpy((d * 255).astype("uint8").astype(np.int64))


# ---------------------------------------------------------------------------------------------------------------
# the tiny folder


def bit_config(depths, hidden_sizes, embedding_size, groups):
    """BitConfig.to_dict() as DPTConfig writes it into backbone_config."""
    names = ["stem"] + ["stage%d" % i for i in range(1, len(depths) + 1)]
    return {"depths": depths, "drop_path_rate": 0.0, "embedding_dynamic_padding": True,
            "embedding_size": embedding_size, "global_padding": "SAME", "hidden_act": "relu",
            "hidden_sizes": hidden_sizes, "layer_type": "bottleneck", "model_type": "bit", "num_channels": 3,
            "num_groups": groups, "out_features": ["stage1", "stage2", "stage3"], "out_indices": [1, 2, 3],
            "output_stride": 32, "stage_names": names, "stem_type": "same", "width_factor": 1}


def tiny_config():
    return {
        "architectures": ["DPTForDepthEstimation"], "attention_probs_dropout_prob": 0.0,
        "auxiliary_loss_weight": 0.4, "backbone_config": bit_config([1, 2, 1], [16, 32, 64, 128], 8, 4),
        "backbone_featmap_shape": [1, 64, 4, 4], "backbone_out_indices": [0, 1, 2, 3], "fusion_hidden_size": 8,
        "head_in_index": -1, "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "hidden_size": 16, "image_size": 64,
        "initializer_range": 0.02, "intermediate_size": 24, "is_hybrid": True, "layer_norm_eps": 1e-12,
        "model_type": "dpt", "neck_hidden_sizes": [16, 32, 16, 16], "neck_ignore_stages": [0, 1],
        "num_attention_heads": 2, "num_channels": 3, "num_hidden_layers": 4, "patch_size": 16, "qkv_bias": True,
        "readout_type": "project", "reassemble_factors": [1, 1, 1, 0.5], "semantic_classifier_dropout": 0.1,
        "semantic_loss_ignore_index": 255, "torch_dtype": "float32", "transformers_version": "4.47.0",
        "use_auxiliary_head": True, "use_batch_norm_in_fusion_residual": False,
    }


def processor_config(size):
    """Intel/dpt-hybrid-midas's preprocessor_config.json (DPTImageProcessor(size=384) saved), at another size."""
    return {"do_normalize": True, "do_pad": False, "do_rescale": True, "do_resize": True, "ensure_multiple_of": 1,
            "image_mean": [0.5, 0.5, 0.5], "image_processor_type": "DPTImageProcessor",
            "image_std": [0.5, 0.5, 0.5], "keep_aspect_ratio": False, "resample": 3,
            "rescale_factor": 0.00392156862745098, "size": {"height": size, "width": size}, "size_divisor": None}


RESIZE_CASES = [
    # height, width, size height, size width, keep_aspect_ratio, ensure_multiple_of
    (480, 640, 384, 384, 0, 1), (480, 640, 384, 384, 1, 32), (640, 480, 384, 384, 1, 32),
    (100, 100, 80, 80, 0, 32), (100, 300, 80, 80, 0, 32), (37, 101, 64, 64, 1, 14), (720, 1280, 518, 518, 1, 14),
    (500, 250, 384, 512, 1, 16), (60, 90, 64, 64, 1, 16), (333, 333, 384, 384, 1, 1),
]


def write_tiny(out):
    os.makedirs(out, exist_ok=True)
    cfg = tiny_config()
    pp = processor_config(64)
    gen = torch.Generator().manual_seed(22)
    w32 = random_weights(cfg, gen, torch.float32)
    safetensors_io.save(os.path.join(out, "model.safetensors"), w32, {"format": "pt"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump(pp, f, indent=2)
    images = [draw(90, 60, 1), draw(40, 120, 2)]
    for i, im in enumerate(images):
        im.save(os.path.join(out, "image-%d.png" % i))
    w = {k: v.double() for k, v in w32.items()}
    pixels = torch.cat([preprocess(im, pp) for im in images])
    depth, inner = forward(w, cfg, pixels)
    tensors = {"pixel_values": pixels.float(), "predicted_depth": depth}
    tensors.update(inner)
    for i, im in enumerate(images):
        d = post_process(depth[i], im.height, im.width)
        tensors["depth_%d" % i] = d
        tensors["depth_image_%d" % i] = depth_image(d)
    # keep_aspect_ratio with ensure_multiple_of 16: a 64x96 input (a token grid of 4x6, positions resized, fusion
    # residuals of other sizes resized)
    keep = dict(pp, keep_aspect_ratio=True, ensure_multiple_of=16)
    keep_pixels = preprocess(images[0], keep)
    keep_depth, _ = forward(w, cfg, keep_pixels)
    tensors["keep_pixel_values"] = keep_pixels.float()
    tensors["keep_predicted_depth"] = keep_depth
    tensors["keep_depth_0"] = post_process(keep_depth[0], images[0].height, images[0].width)
    cases = torch.tensor(RESIZE_CASES, dtype=torch.int64)
    tensors["resize_cases"] = cases
    tensors["resize_expected"] = torch.tensor([resize_output_size(*c[:4], bool(c[4]), c[5]) for c in RESIZE_CASES],
                                              dtype=torch.int64)
    safetensors_io.save(os.path.join(out, "expected.safetensors"), tensors)
    print("wrote", out, "depth", tuple(depth.shape), "range %.4f..%.4f" % (depth.min(), depth.max()),
          "keep", tuple(keep_depth.shape))


def real_config():
    """Intel/dpt-hybrid-midas's config.json (its keys; the BiT backbone as DPTConfig fills it in)."""
    cfg = tiny_config()
    cfg.update({"backbone_config": bit_config([3, 4, 9], [256, 512, 1024, 2048], 64, 32),
                "backbone_featmap_shape": [1, 1024, 24, 24], "backbone_out_indices": [2, 5, 8, 11],
                "fusion_hidden_size": 256, "hidden_size": 768, "image_size": 384, "intermediate_size": 3072,
                "neck_hidden_sizes": [256, 512, 768, 768], "num_attention_heads": 12, "num_hidden_layers": 12})
    return cfg


def write_real(out):
    """A folder at the real shapes with random float32 weights, for timing Perennial against --time."""
    os.makedirs(out, exist_ok=True)
    cfg = real_config()
    w = random_weights(cfg, torch.Generator().manual_seed(0), torch.float32)
    safetensors_io.save(os.path.join(out, "model.safetensors"), w, {"format": "pt"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump(processor_config(384), f, indent=2)
    print("wrote", out)


def time_pipeline(folder, image_path, n):
    """The depth-estimation pipeline in float32 on folder's weights: processor, forward, post-processing and the
    depth picture, timed per image."""
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(folder, "preprocessor_config.json")) as f:
        pp = json.load(f)
    w = safetensors_io.load(os.path.join(folder, "model.safetensors"))
    image = Image.open(image_path)
    image.load()
    with torch.no_grad():
        for i in range(n):
            start = time.perf_counter()
            depth, _ = forward(w, cfg, preprocess(image, pp).float())
            d = post_process(depth[0], image.height, image.width)
            depth_image(d)
            print("image %d: %.3f s" % (i, time.perf_counter() - start), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "--real":
        write_real(sys.argv[2])
    elif sys.argv[1] == "--time":
        time_pipeline(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        write_tiny(sys.argv[1])
