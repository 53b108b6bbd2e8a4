"""DETR object detection (transformers' DetrForObjectDetection with its timm ResNet backbone) in float64, with
DetrImageProcessor and post_process_object_detection, written from the transformers source.

Sources (huggingface/transformers, main as stored in 2026):
- src/transformers/models/detr/modeling_detr.py: DetrFrozenBatchNorm2d (eps 1e-5), DetrConvEncoder (timm
  create_model(features_only=True, out_indices=(1, 2, 3, 4)); the last feature map; the pixel mask resized to it
  with nearest interpolation), DetrSinePositionEmbedding (normalize=True, scale 2 pi, temperature 10000),
  DetrAttention (positions added to queries and keys, not values; scaling head_dim^-0.5), DetrEncoderLayer and
  DetrDecoderLayer (post-LN), DetrDecoder (final layernorm), DetrModel (input_projection, query_position_embeddings,
  zero queries), DetrMLPPredictionHead, DetrForObjectDetection (class_labels_classifier, sigmoid boxes).
- src/transformers/models/detr/configuration_detr.py: the defaults; backbone_kwargs go to timm's create_model.
- timm's resnet.py (ResNet, Bottleneck: the stride on conv2, downsample = 1x1 conv + batch norm as
  "downsample.0"/"downsample.1"; the stem conv1 7x7/2, bn1, relu, maxpool 3x3/2); resnet50 is layers [3, 4, 6, 3],
  channels (64, 128, 256, 512), expansion 4, and kwargs override them.
- src/transformers/models/detr/image_processing_detr.py: get_size_with_aspect_ratio (shortest edge with a longest
  edge cap), resize (PIL, bilinear), rescale, normalize, pad to the batch's largest size (bottom/right, zeros) with a
  pixel_mask, and post_process_object_detection (softmax, drop the no-object class, max, threshold,
  center_to_corners_format, scaled by the target size).
- src/transformers/pipelines/object_detection.py: ObjectDetectionPipeline.postprocess (threshold 0.5, id2label,
  _get_bounding_box: box.int()).

Usage: /usr/bin/python3 tools/reference/detr.py src/test/resources/reference/detr
writes a tiny random DETR folder (config.json, model.safetensors, preprocessor_config.json), the two images it draws
(image-0.png, image-1.png) and expected.safetensors. With --bench H W [THREADS] it instead times float32 forwards at
the real facebook/detr-resnet-50 shapes with random weights (wall and process CPU time; THREADS for
torch.set_num_threads, else PyTorch's default); --real DIR writes such a folder (for timing Perennial:
`perennial bench pipeline object-detection --model DIR --size HxW`).
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

BACKBONE = "model.backbone.conv_encoder.model."
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
RESNETS = {"resnet18": ("basic", [2, 2, 2, 2]), "resnet34": ("basic", [3, 4, 6, 3]),
           "resnet50": ("bottleneck", [3, 4, 6, 3]), "resnet101": ("bottleneck", [3, 4, 23, 3])}


# ---------------------------------------------------------------------------------------------------------------
# parameter names and shapes


def backbone_shapes(cfg):
    """timm's ResNet (Bottleneck blocks) as features_only keeps it: the stem and layer1-4, no fc."""
    kwargs = cfg.get("backbone_kwargs") or {}
    block, layers = RESNETS[cfg["backbone"]]
    assert block == "bottleneck"
    layers = kwargs.get("layers", layers)
    channels = kwargs.get("channels", [64, 128, 256, 512])
    stem = kwargs.get("stem_width", 64)
    c_in = cfg.get("num_channels", 3)
    shapes = {}

    def bn(name, c):
        for p in ("weight", "bias", "running_mean", "running_var"):
            shapes[name + "." + p] = (c,)

    shapes[BACKBONE + "conv1.weight"] = (stem, c_in, 7, 7)
    bn(BACKBONE + "bn1", stem)
    inplanes = stem
    for i, (n, planes) in enumerate(zip(layers, channels)):
        stride = 1 if i == 0 else 2
        for j in range(n):
            at = BACKBONE + "layer%d.%d." % (i + 1, j)
            out = planes * 4
            shapes[at + "conv1.weight"] = (planes, inplanes, 1, 1)
            bn(at + "bn1", planes)
            shapes[at + "conv2.weight"] = (planes, planes, 3, 3)
            bn(at + "bn2", planes)
            shapes[at + "conv3.weight"] = (out, planes, 1, 1)
            bn(at + "bn3", out)
            if j == 0 and (stride != 1 or inplanes != out):
                shapes[at + "downsample.0.weight"] = (out, inplanes, 1, 1)
                bn(at + "downsample.1", out)
            inplanes = out
    return shapes, layers, inplanes


def attention_shapes(at, d):
    return {at + p + "." + k: ((d, d) if k == "weight" else (d,))
            for p in ("k_proj", "v_proj", "q_proj", "out_proj") for k in ("weight", "bias")}


def shapes(cfg):
    s, _, c_out = backbone_shapes(cfg)
    d = cfg["d_model"]
    s["model.input_projection.weight"] = (d, c_out, 1, 1)
    s["model.input_projection.bias"] = (d,)
    s["model.query_position_embeddings.weight"] = (cfg["num_queries"], d)
    for i in range(cfg["encoder_layers"]):
        at = "model.encoder.layers.%d." % i
        s.update(attention_shapes(at + "self_attn.", d))
        s[at + "self_attn_layer_norm.weight"] = (d,)
        s[at + "self_attn_layer_norm.bias"] = (d,)
        s[at + "fc1.weight"] = (cfg["encoder_ffn_dim"], d)
        s[at + "fc1.bias"] = (cfg["encoder_ffn_dim"],)
        s[at + "fc2.weight"] = (d, cfg["encoder_ffn_dim"])
        s[at + "fc2.bias"] = (d,)
        s[at + "final_layer_norm.weight"] = (d,)
        s[at + "final_layer_norm.bias"] = (d,)
    for i in range(cfg["decoder_layers"]):
        at = "model.decoder.layers.%d." % i
        s.update(attention_shapes(at + "self_attn.", d))
        s[at + "self_attn_layer_norm.weight"] = (d,)
        s[at + "self_attn_layer_norm.bias"] = (d,)
        s.update(attention_shapes(at + "encoder_attn.", d))
        s[at + "encoder_attn_layer_norm.weight"] = (d,)
        s[at + "encoder_attn_layer_norm.bias"] = (d,)
        s[at + "fc1.weight"] = (cfg["decoder_ffn_dim"], d)
        s[at + "fc1.bias"] = (cfg["decoder_ffn_dim"],)
        s[at + "fc2.weight"] = (d, cfg["decoder_ffn_dim"])
        s[at + "fc2.bias"] = (d,)
        s[at + "final_layer_norm.weight"] = (d,)
        s[at + "final_layer_norm.bias"] = (d,)
    s["model.decoder.layernorm.weight"] = (d,)
    s["model.decoder.layernorm.bias"] = (d,)
    s["class_labels_classifier.weight"] = (len(cfg["id2label"]) + 1, d)
    s["class_labels_classifier.bias"] = (len(cfg["id2label"]) + 1,)
    for i in range(3):
        s["bbox_predictor.layers.%d.weight" % i] = ((4 if i == 2 else d), d)
        s["bbox_predictor.layers.%d.bias" % i] = ((4 if i == 2 else d),)
    return s


def random_weights(cfg, gen, dtype):
    """Random weights with non-trivial batch norm statistics and biases (so that a wrong rule shows)."""
    w = {}
    for name, shape in shapes(cfg).items():
        if name.endswith("running_var"):
            t = torch.rand(shape, generator=gen, dtype=torch.float64) + 0.5
        elif name.endswith("running_mean") or name.endswith("bias"):
            t = torch.randn(shape, generator=gen, dtype=torch.float64) * 0.1
        elif "norm" in name or name.endswith("bn1.weight") or ".bn" in name or "downsample.1" in name:
            t = 1 + torch.randn(shape, generator=gen, dtype=torch.float64) * 0.1
        elif len(shape) == 4:
            fan_in = shape[1] * shape[2] * shape[3]
            t = torch.randn(shape, generator=gen, dtype=torch.float64) / math.sqrt(fan_in)
        elif name.startswith("class_labels_classifier"):
            t = torch.randn(shape, generator=gen, dtype=torch.float64) * 0.8
        elif name.startswith("model.query_position_embeddings"):
            # spread queries: their cross-attention then differs and so do their labels
            t = torch.randn(shape, generator=gen, dtype=torch.float64) * 4
        else:
            t = torch.randn(shape, generator=gen, dtype=torch.float64) / math.sqrt(shape[-1])
        w[name] = t.to(dtype)
    return w


# ---------------------------------------------------------------------------------------------------------------
# the model (modeling_detr.py, timm resnet.py)


def frozen_bn(x, w, name):
    """DetrFrozenBatchNorm2d.forward."""
    scale = w[name + ".weight"] * (w[name + ".running_var"] + 1e-5).rsqrt()
    bias = w[name + ".bias"] - w[name + ".running_mean"] * scale
    return x * scale.reshape(1, -1, 1, 1) + bias.reshape(1, -1, 1, 1)


def conv(x, w, name, stride=1, padding=0):
    return torch.nn.functional.conv2d(x, w[name], None, stride, padding)


def backbone(x, w, cfg):
    _, layers, _ = backbone_shapes(cfg)
    x = torch.relu(frozen_bn(conv(x, w, BACKBONE + "conv1.weight", 2, 3), w, BACKBONE + "bn1"))
    x = torch.nn.functional.max_pool2d(x, 3, 2, 1)
    for i, n in enumerate(layers):
        for j in range(n):
            at = BACKBONE + "layer%d.%d." % (i + 1, j)
            stride = 2 if (i > 0 and j == 0) else 1
            h = torch.relu(frozen_bn(conv(x, w, at + "conv1.weight"), w, at + "bn1"))
            h = torch.relu(frozen_bn(conv(h, w, at + "conv2.weight", stride, 1), w, at + "bn2"))
            h = frozen_bn(conv(h, w, at + "conv3.weight"), w, at + "bn3")
            if at + "downsample.0.weight" in w:
                x = frozen_bn(conv(x, w, at + "downsample.0.weight", stride), w, at + "downsample.1")
            x = torch.relu(h + x)
    return x


def sine_positions(mask, d_model):
    """DetrSinePositionEmbedding(embedding_dim=d_model // 2, normalize=True), in float64 here."""
    dim = d_model // 2
    y = mask.cumsum(1, dtype=torch.float64)
    x = mask.cumsum(2, dtype=torch.float64)
    scale = 2 * math.pi
    y = y / (y[:, -1:, :] + 1e-6) * scale
    x = x / (x[:, :, -1:] + 1e-6) * scale
    dim_t = torch.arange(dim, dtype=torch.float64)
    dim_t = 10000 ** (2 * torch.div(dim_t, 2, rounding_mode="floor") / dim)
    px = x[:, :, :, None] / dim_t
    py = y[:, :, :, None] / dim_t
    px = torch.stack((px[:, :, :, 0::2].sin(), px[:, :, :, 1::2].cos()), dim=4).flatten(3)
    py = torch.stack((py[:, :, :, 0::2].sin(), py[:, :, :, 1::2].cos()), dim=4).flatten(3)
    return torch.cat((py, px), dim=3).permute(0, 3, 1, 2)


def linear(x, w, name):
    return torch.nn.functional.linear(x, w[name + ".weight"], w[name + ".bias"])


def layer_norm(x, w, name):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w[name + ".weight"], w[name + ".bias"], 1e-5)


def attention(w, name, heads, queries, keys, values, key_mask):
    """DetrAttention: q = q_proj(hidden + pos) * head_dim^-0.5, k = k_proj(keys + pos), v = v_proj(values);
    key_mask [B, S] (True: a real pixel) hides padding with -inf before the softmax."""
    b, t, d = queries.shape
    s = keys.shape[1]
    hd = d // heads
    q = (linear(queries, w, name + "q_proj") * hd ** -0.5).view(b, t, heads, hd).transpose(1, 2)
    k = linear(keys, w, name + "k_proj").view(b, s, heads, hd).transpose(1, 2)
    v = linear(values, w, name + "v_proj").view(b, s, heads, hd).transpose(1, 2)
    scores = q @ k.transpose(2, 3)
    if key_mask is not None:
        scores = scores.masked_fill(~key_mask[:, None, None, :], float("-inf"))
    out = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
    return linear(out, w, name + "out_proj")


def forward(w, cfg, pixel_values, pixel_mask):
    """DetrForObjectDetection.forward: logits [B, Q, labels + 1] and pred_boxes [B, Q, 4] (cx, cy, w, h)."""
    features = backbone(pixel_values, w, cfg)
    mask = torch.nn.functional.interpolate(pixel_mask[None].float(), size=features.shape[-2:])[0].bool()
    pos = sine_positions(mask, cfg["d_model"]).to(features.dtype)
    x = torch.nn.functional.conv2d(features, w["model.input_projection.weight"], w["model.input_projection.bias"])
    b = x.shape[0]
    x = x.flatten(2).permute(0, 2, 1)
    pos = pos.flatten(2).permute(0, 2, 1)
    keys = mask.flatten(1)
    act = torch.relu
    for i in range(cfg["encoder_layers"]):
        at = "model.encoder.layers.%d." % i
        x = layer_norm(x + attention(w, at + "self_attn.", cfg["encoder_attention_heads"], x + pos, x + pos, x, keys),
                       w, at + "self_attn_layer_norm")
        x = layer_norm(x + linear(act(linear(x, w, at + "fc1")), w, at + "fc2"), w, at + "final_layer_norm")
    query_pos = w["model.query_position_embeddings.weight"].unsqueeze(0).repeat(b, 1, 1)
    h = torch.zeros_like(query_pos)
    for i in range(cfg["decoder_layers"]):
        at = "model.decoder.layers.%d." % i
        heads = cfg["decoder_attention_heads"]
        h = layer_norm(h + attention(w, at + "self_attn.", heads, h + query_pos, h + query_pos, h, None),
                       w, at + "self_attn_layer_norm")
        h = layer_norm(h + attention(w, at + "encoder_attn.", heads, h + query_pos, x + pos, x, keys),
                       w, at + "encoder_attn_layer_norm")
        h = layer_norm(h + linear(act(linear(h, w, at + "fc1")), w, at + "fc2"), w, at + "final_layer_norm")
    h = layer_norm(h, w, "model.decoder.layernorm")
    logits = linear(h, w, "class_labels_classifier")
    boxes = torch.relu(linear(h, w, "bbox_predictor.layers.0"))
    boxes = torch.relu(linear(boxes, w, "bbox_predictor.layers.1"))
    boxes = linear(boxes, w, "bbox_predictor.layers.2").sigmoid()
    return logits, boxes


# ---------------------------------------------------------------------------------------------------------------
# DetrImageProcessor (image_processing_detr.py)


def size_with_aspect_ratio(height, width, size, max_size):
    """get_size_with_aspect_ratio: (oh, ow)."""
    raw_size = None
    if max_size is not None:
        lo = float(min(height, width))
        hi = float(max(height, width))
        if hi / lo * size > max_size:
            raw_size = max_size * lo / hi
            size = int(round(raw_size))
    if (height <= width and height == size) or (width <= height and width == size):
        return height, width
    if width < height:
        ow = size
        oh = int(raw_size * height / width) if raw_size is not None else int(size * height / width)
    else:
        oh = size
        ow = int(raw_size * width / height) if raw_size is not None else int(size * width / height)
    return oh, ow


def processor_size(pp):
    """The legacy {"size": N, "max_size": M} or {"shortest_edge", "longest_edge"}."""
    size = pp["size"]
    if isinstance(size, dict):
        return size["shortest_edge"], size.get("longest_edge")
    return size, pp.get("max_size")


def preprocess(images, pp):
    """pixel_values [B, 3, H, W] float64 holding float32 values and pixel_mask [B, H, W] int64."""
    short, long = processor_size(pp)
    arrays = []
    for im in images:
        arr = np.array(im.convert("RGB"))
        oh, ow = size_with_aspect_ratio(arr.shape[0], arr.shape[1], short, long)
        arr = np.array(Image.fromarray(arr).resize((ow, oh), resample=pp.get("resample", 2)))
        x = (arr.astype(np.float64) * pp.get("rescale_factor", 1 / 255)).astype(np.float32)
        x = (x - np.array(pp["image_mean"], dtype=np.float32)) / np.array(pp["image_std"], dtype=np.float32)
        arrays.append(x.transpose(2, 0, 1))
    h = max(a.shape[1] for a in arrays)
    w = max(a.shape[2] for a in arrays)
    pixels = np.zeros((len(arrays), 3, h, w), dtype=np.float32)
    mask = np.zeros((len(arrays), h, w), dtype=np.int64)
    for i, a in enumerate(arrays):
        pixels[i, :, :a.shape[1], :a.shape[2]] = a
        mask[i, :a.shape[1], :a.shape[2]] = 1
    return torch.from_numpy(pixels).double(), torch.from_numpy(mask)


def post_process(logits, boxes, threshold, target_sizes):
    """post_process_object_detection: per image (scores, labels, boxes xyxy in pixels), in query order."""
    prob = logits.softmax(-1)
    scores, labels = prob[..., :-1].max(-1)
    cx, cy, bw, bh = boxes.unbind(-1)
    corners = torch.stack([cx - 0.5 * bw, cy - 0.5 * bh, cx + 0.5 * bw, cy + 0.5 * bh], dim=-1)
    results = []
    for i, (h, w) in enumerate(target_sizes):
        scaled = corners[i] * torch.tensor([w, h, w, h], dtype=corners.dtype)
        keep = scores[i] > threshold
        results.append((scores[i][keep], labels[i][keep], scaled[keep]))
    return results


# ---------------------------------------------------------------------------------------------------------------
# the tiny folder


def tiny_config():
    labels = {"0": "N/A", "1": "person", "2": "bicycle", "3": "car", "4": "N/A", "5": "cat"}
    return {
        "activation_dropout": 0.0, "activation_function": "relu", "architectures": ["DetrForObjectDetection"],
        "attention_dropout": 0.0, "auxiliary_loss": False, "backbone": "resnet50", "backbone_config": None,
        "backbone_kwargs": {"in_chans": 3, "out_indices": [1, 2, 3, 4], "layers": [1, 2, 1, 1],
                            "channels": [4, 8, 8, 16], "stem_width": 8},
        "bbox_cost": 5, "bbox_loss_coefficient": 5, "ce_loss_coefficient": 1, "class_cost": 1, "d_model": 16,
        "decoder_attention_heads": 2, "decoder_ffn_dim": 24, "decoder_layerdrop": 0.0, "decoder_layers": 2,
        "dice_loss_coefficient": 1, "dilation": False, "dropout": 0.1, "encoder_attention_heads": 4,
        "encoder_ffn_dim": 20, "encoder_layerdrop": 0.0, "encoder_layers": 2, "eos_coefficient": 0.1,
        "giou_cost": 2, "giou_loss_coefficient": 2, "id2label": labels,
        "init_std": 0.02, "init_xavier_std": 1.0, "is_encoder_decoder": True,
        "label2id": {v: int(k) for k, v in labels.items()}, "mask_loss_coefficient": 1,
        "max_position_embeddings": 1024, "model_type": "detr", "num_channels": 3, "num_hidden_layers": 2,
        "num_queries": 7, "position_embedding_type": "sine", "scale_embedding": False, "torch_dtype": "float32",
        "transformers_version": "4.47.0", "use_pretrained_backbone": False, "use_timm_backbone": True,
    }


def tiny_preprocessor():
    # the legacy form facebook/detr-resnet-50's preprocessor_config.json has (size + max_size), smaller
    return {"do_normalize": True, "do_resize": True, "feature_extractor_type": "DetrFeatureExtractor",
            "format": "coco_detection", "image_mean": IMAGENET_MEAN, "image_std": IMAGENET_STD,
            "max_size": 100, "size": 64}


def draw(width, height, seed):
    """A smooth gradient with two filled rectangles."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    arr = np.stack([(xx * 255 // max(1, width - 1)), (yy * 255 // max(1, height - 1)),
                    ((xx + yy) * 97) % 256], axis=-1).astype(np.uint8)
    for _ in range(2):
        x0, y0 = rng.integers(0, width // 2), rng.integers(0, height // 2)
        x1, y1 = x0 + rng.integers(4, width // 2), y0 + rng.integers(4, height // 2)
        arr[y0:y1, x0:x1] = rng.integers(0, 256, 3)
    return Image.fromarray(arr)


def write_tiny(out):
    os.makedirs(out, exist_ok=True)
    cfg = tiny_config()
    pp = tiny_preprocessor()
    gen = torch.Generator().manual_seed(22)
    w32 = random_weights(cfg, gen, torch.float32)
    safetensors_io.save(os.path.join(out, "model.safetensors"), w32, {"format": "pt"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump(pp, f, indent=2)
    # a wide image (no longest-edge cap) and a tall one (capped: the rounded raw size)
    images = [draw(90, 60, 1), draw(40, 120, 2)]
    for i, im in enumerate(images):
        im.save(os.path.join(out, "image-%d.png" % i))
    pixel_values, pixel_mask = preprocess(images, pp)
    w = {k: v.double() for k, v in w32.items()}
    logits, boxes = forward(w, cfg, pixel_values, pixel_mask)
    single_logits, single_boxes = forward(w, cfg, *preprocess(images[1:], pp))
    sizes = [(im.height, im.width) for im in images]
    threshold = 0.985
    tensors = {"pixel_values": pixel_values, "pixel_mask": pixel_mask, "logits": logits, "pred_boxes": boxes,
               "single_logits": single_logits, "single_pred_boxes": single_boxes,
               "threshold": torch.tensor([threshold], dtype=torch.float64),
               "target_sizes": torch.tensor(sizes, dtype=torch.int64)}
    kept = 0
    for i, (s, l, b) in enumerate(post_process(logits, boxes, threshold, sizes)):
        tensors["scores_%d" % i] = s
        tensors["labels_%d" % i] = l
        tensors["boxes_%d" % i] = b
        # ObjectDetectionPipeline._get_bounding_box: box.int() truncates toward zero
        tensors["int_boxes_%d" % i] = b.to(torch.int64)
        kept += len(s)
    # ObjectDetectionPipeline: each image alone (no padding), its detections at its own size
    for i, im in enumerate(images):
        alone_logits, alone_boxes = forward(w, cfg, *preprocess([im], pp))
        s, l, b = post_process(alone_logits, alone_boxes, threshold, [(im.height, im.width)])[0]
        tensors["pipeline_scores_%d" % i] = s
        tensors["pipeline_labels_%d" % i] = l
        tensors["pipeline_boxes_%d" % i] = b.to(torch.int64)
        kept += len(s)
    assert 0 < kept < 4 * cfg["num_queries"], "the threshold should keep some detections and drop others"
    safetensors_io.save(os.path.join(out, "expected.safetensors"), tensors)
    print("wrote", out, "logits", tuple(logits.shape), "pixels", tuple(pixel_values.shape), "kept", kept)


def real_config():
    """facebook/detr-resnet-50's shapes (its config.json's keys; labels by number)."""
    cfg = tiny_config()
    labels = {str(i): str(i) for i in range(91)}
    cfg.update({"backbone_kwargs": None, "d_model": 256, "encoder_layers": 6, "decoder_layers": 6,
                "encoder_attention_heads": 8, "decoder_attention_heads": 8, "encoder_ffn_dim": 2048,
                "decoder_ffn_dim": 2048, "num_queries": 100, "num_hidden_layers": 6, "id2label": labels,
                "label2id": {v: int(k) for k, v in labels.items()}})
    return cfg


def write_real(out):
    """A folder at the real shapes with random float32 weights, for timing Perennial against bench()."""
    os.makedirs(out, exist_ok=True)
    cfg = real_config()
    w = random_weights(cfg, torch.Generator().manual_seed(0), torch.float32)
    safetensors_io.save(os.path.join(out, "model.safetensors"), w, {"format": "pt"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    pp = dict(tiny_preprocessor(), size=800, max_size=1333)
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump(pp, f, indent=2)
    print("wrote", out)


def bench(height, width, threads=None):
    """Forwards at facebook/detr-resnet-50's shapes with random float32 weights."""
    if threads is not None:
        torch.set_num_threads(threads)
    cfg = real_config()
    w = random_weights(cfg, torch.Generator().manual_seed(0), torch.float32)
    pixels = torch.randn(1, 3, height, width)
    mask = torch.ones(1, height, width, dtype=torch.int64)
    with torch.no_grad():
        for i in range(3):
            start, cpu = time.perf_counter(), time.process_time()
            logits, boxes = forward(w, cfg, pixels, mask)
            print("forward %d: %.3f s, CPU %.3f s, %d threads" % (i, time.perf_counter() - start,
                                                                  time.process_time() - cpu, torch.get_num_threads()),
                  tuple(logits.shape), tuple(boxes.shape))


if __name__ == "__main__":
    if sys.argv[1] == "--bench":
        bench(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else None)
    elif sys.argv[1] == "--real":
        write_real(sys.argv[2])
    else:
        write_tiny(sys.argv[1])
