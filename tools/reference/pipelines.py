"""End-to-end expectations for the pipelines on the tiny reference folders (run with Debian's /usr/bin/python3).

zero-shot-image-classification as transformers' ZeroShotImageClassificationPipeline computes it, built only from
the other references here: PNG images drawn with PIL, pixel values from images.clip_pixel_values (the slow
CLIPImageProcessor), hypotheses "This is a photo of {label}." tokenized by clip.batch (padding=True), the float64
CLIP of clip.py loaded from the committed clip/ folder, then softmax of logits_per_image over the labels.
usage: /usr/bin/python3 tools/reference/pipelines.py src/test/resources/reference
"""
import json
import os
import sys

import torch
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip  # noqa: E402
import clip_image_processing as images  # noqa: E402
import safetensors_io  # noqa: E402

LABELS = ["cat", "dog", "red square", "a blue circle"]
TEMPLATE = "This is a photo of {}."


def draw(out):
    """Three images of odd sizes and aspect ratios, saved as PNG so that Java reads the same pixels."""
    made = []
    for name, size, shape, colour in [("red_square.png", (53, 37), "rect", (220, 30, 30)),
                                      ("blue_circle.png", (29, 61), "ellipse", (20, 40, 200)),
                                      ("stripes.png", (40, 40), "stripes", (10, 160, 40))]:
        img = Image.new("RGB", size, (255, 255, 255))
        d = ImageDraw.Draw(img)
        w, h = size
        if shape == "rect":
            d.rectangle([w // 5, h // 5, w * 4 // 5, h * 4 // 5], fill=colour)
        elif shape == "ellipse":
            d.ellipse([3, 5, w - 4, h - 6], fill=colour)
        else:
            for x in range(0, w, 6):
                d.rectangle([x, 0, x + 2, h], fill=colour)
        img.save(os.path.join(out, name))
        made.append(name)
    return made


def main(root):
    folder = os.path.join(root, "clip")
    out = os.path.join(root, "pipelines")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(folder, "preprocessor_config.json")) as f:
        processor = json.load(f)
    with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
        merges = [tuple(line.split()) for line in f.read().splitlines()[1:] if line]
    ranks = {m: i for i, m in enumerate(merges)}
    model = clip.build(config, torch.float64)
    weights = safetensors_io.load(os.path.join(folder, "model.safetensors"))
    model.load_state_dict({k: v.double() for k, v in weights.items()}, strict=False)
    model.eval()

    files = draw(out)
    pixels = torch.stack([torch.from_numpy(images.clip_pixel_values(Image.open(os.path.join(out, f)), processor))
                          for f in files]).double()
    context = config["text_config"]["max_position_embeddings"]
    ids, mask = clip.batch([TEMPLATE.format(l) for l in LABELS], vocab, ranks, context, vocab[clip.EOS])
    result = clip.forward(model, pixels, ids, mask)
    probs = result["logits_per_image"].softmax(dim=1)
    expected = {"zero_shot_probs": probs, "pixel_values": pixels, "input_ids": ids}
    safetensors_io.save(os.path.join(out, "expected.safetensors"), expected)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump({"images": files, "labels": LABELS, "template": TEMPLATE}, f, indent=1)
        f.write("\n")
    print("probs", probs)


if __name__ == "__main__":
    main(sys.argv[1])
