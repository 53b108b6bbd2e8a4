#!/usr/bin/python3
"""The reference for 'perennial bench pipeline': the same encoders at the same shapes in plain PyTorch eager.

Builds the real checkpoints' shapes (the config.json values PipelineBenchmark.ModelShape writes) with
tools/reference's modules (bert.py: BertModel's forward; clip.py: CLIPModel's towers) in float32 with random
weights, under torch.no_grad(), and times what 'perennial bench pipeline' times:
- feature-extraction: last_hidden_state of random ids [B, --seq], sentence-transformers' mean pooling and
  F.normalize (sentences/s);
- zero-shot-image-classification / image-feature-extraction: CLIP's image embeddings (vision tower,
  visual_projection) of random pixel values [B, 3, 224, 224], normalised (images/s).
Warm-up batches first, then --iterations timed batches per batch size; prints one JSON line with the same keys
(ms per batch median/min/max, items_per_second at the median). With Pillow and NumPy installed, it also times
CLIPImageProcessor's work on a synthetic 640x480 JPEG (decode, shortest edge 224 bicubic, centre crop, rescale,
normalise) for preprocess_ms_per_image and preprocess_share.
Runs with Debian's python3-torch (PyTorch 1.13, /usr/bin/python3) and the OpenMP build of OpenBLAS.
"""
import argparse, io, json, os, statistics, sys, time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "reference"))
import bert  # noqa: E402
import clip  # noqa: E402


def clip_config(text_hidden, text_inter, text_heads, vision_hidden, vision_inter, vision_layers, vision_heads, patch,
                projection):
    return {"model_type": "clip", "projection_dim": projection, "logit_scale_init_value": 2.6592,
            "text_config": {"vocab_size": 49408, "hidden_size": text_hidden, "intermediate_size": text_inter,
                            "num_hidden_layers": 12, "num_attention_heads": text_heads,
                            "max_position_embeddings": 77, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5,
                            "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1},
            "vision_config": {"hidden_size": vision_hidden, "intermediate_size": vision_inter,
                              "num_hidden_layers": vision_layers, "num_attention_heads": vision_heads,
                              "num_channels": 3, "image_size": 224, "patch_size": patch,
                              "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5}}


SHAPES = {
    "minilm-l6": ("sentence-transformers/all-MiniLM-L6-v2", {
        "model_type": "bert", "vocab_size": 30522, "hidden_size": 384, "num_hidden_layers": 6,
        "num_attention_heads": 12, "intermediate_size": 1536, "hidden_act": "gelu", "max_position_embeddings": 512,
        "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0, "position_embedding_type": "absolute"}),
    "clip-b32": ("openai/clip-vit-base-patch32", clip_config(512, 2048, 8, 768, 3072, 12, 12, 32, 512)),
    "clip-l14": ("openai/clip-vit-large-patch14", clip_config(768, 3072, 12, 1024, 4096, 24, 16, 14, 768)),
}
IMAGE_TASKS = ("zero-shot-image-classification", "image-feature-extraction")


def timed(batch, warmup, iterations, body, preprocess_ms):
    for _ in range(warmup):
        body()
    ms = []
    for _ in range(iterations):
        start = time.perf_counter()
        body()
        ms.append((time.perf_counter() - start) * 1000)
    median = statistics.median(ms)
    share = None if preprocess_ms is None else preprocess_ms / (preprocess_ms + median / batch)
    return dict(batch=batch, ms_median=median, ms_min=min(ms), ms_max=max(ms),
                items_per_second=batch / (median / 1000), preprocess_share=share)


def preprocess_ms_per_image(repeats):
    """Median ms to decode a synthetic 640x480 JPEG with PIL and to do CLIPImageProcessor's steps on it with PIL and
    NumPy; (None, None) without them."""
    try:
        import numpy as np
        from PIL import Image
    except ImportError:
        return None, None
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:480, 0:640]
    noise = lambda: rng.integers(-12, 13, size=(480, 640))
    rgb = np.stack([255 * x // 640 + noise(), 255 * y // 480 + noise(),
                    128 + (100 * np.sin((x + y) / 37.0)).astype(int) + noise()], axis=-1)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(buffer, format="JPEG", quality=75)
    data = buffer.getvalue()
    mean = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
    std = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)

    def process(image):
        w, h = image.size
        scale = 224 / min(w, h)
        image = image.resize((max(224, round(w * scale)), max(224, round(h * scale))), Image.BICUBIC)
        w, h = image.size
        left, top = (w - 224) // 2, (h - 224) // 2
        image = image.crop((left, top, left + 224, top + 224))
        pixels = (np.asarray(image, dtype=np.float32) * (1 / 255) - mean) / std
        return pixels.transpose(2, 0, 1).copy()

    decode, pixels = [], []
    for i in range(repeats + 20):
        start = time.perf_counter()
        image = Image.open(io.BytesIO(data)).convert("RGB")
        decoded = time.perf_counter()
        process(image)
        if i >= 20:
            decode.append((decoded - start) * 1000)
            pixels.append((time.perf_counter() - decoded) * 1000)
    return statistics.median(decode), statistics.median(pixels)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("task", choices=("feature-extraction",) + IMAGE_TASKS)
    p.add_argument("--model-shape", required=True, choices=sorted(SHAPES))
    p.add_argument("--batch", default="1,32")
    p.add_argument("--seq", type=int, default=32)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    a = p.parse_args()
    batches = [int(b) for b in a.batch.split(",")]
    checkpoint, config = SHAPES[a.model_shape]
    images = a.task in IMAGE_TASKS
    if images != (config["model_type"] == "clip"):
        sys.exit(f"task {a.task} does not run on {a.model_shape}")
    torch.manual_seed(0)
    results = []
    preprocess = decode = pixel_values = None
    with torch.no_grad():
        if images:
            decode, pixel_values = preprocess_ms_per_image(max(20, a.iterations))
            preprocess = None if decode is None else decode + pixel_values
            model = clip.build(config, torch.float32).eval()
            parameters = sum(t.numel() for t in model.parameters())
            for b in batches:
                pixels = torch.rand(b, 3, 224, 224) * 4 - 2
                results.append(timed(b, a.warmup, a.iterations,
                                     lambda: F.normalize(model.image_embeds(pixels), p=2, dim=-1).numpy(),
                                     preprocess))
        else:
            model = bert.build(config, torch.float32)
            parameters = sum(t.numel() for t in model.parameters())
            for b in batches:
                ids = torch.randint(0, config["vocab_size"], (b, a.seq))
                types = torch.zeros_like(ids)
                mask = torch.ones_like(ids)

                def body():
                    hidden = model(ids, types, mask)
                    return bert.normalize(bert.mean_pooling(hidden, mask)).numpy()

                results.append(timed(b, a.warmup, a.iterations, body, None))
    out = dict(task=a.task, model_shape=a.model_shape, checkpoint=checkpoint,
               unit="images" if images else "sentences", seq=None if images else a.seq, parameters=parameters,
               warmup=a.warmup, iterations=a.iterations, threads=torch.get_num_threads(),
               preprocess_ms_per_image=preprocess, decode_ms_per_image=decode,
               pixel_values_ms_per_image=pixel_values, results=results, torch=torch.__version__)
    print(json.dumps({k: v for k, v in out.items() if v is not None}))


if __name__ == "__main__":
    main()
