"""transformers' slow (PIL + numpy) CLIPImageProcessor, written from image_processing_clip.py and
image_transforms.py: shared by images.py (the image package's expectations) and pipelines.py (end to end)."""
import math

import numpy as np
from PIL import Image


def size_dict(size, default_to_square):
    """image_processing_utils.get_size_dict for the forms a preprocessor_config.json holds."""
    if isinstance(size, dict):
        return size
    if isinstance(size, int):
        return {"height": size, "width": size} if default_to_square else {"shortest_edge": size}
    return {"height": size[0], "width": size[1]}


def clip_pixel_values(image, cfg):
    arr = np.array(image.convert("RGB"))  # do_convert_rgb, to_numpy_array: (H, W, 3) uint8
    if cfg.get("do_resize", True):
        size = size_dict(cfg.get("size", {"shortest_edge": 224}), default_to_square=False)
        h, w = arr.shape[:2]
        if "shortest_edge" in size:
            # image_transforms.get_resize_output_image_size(default_to_square=False)
            short, long = (w, h) if w <= h else (h, w)
            new_short, new_long = size["shortest_edge"], int(size["shortest_edge"] * long / short)
            oh, ow = (new_long, new_short) if w <= h else (new_short, new_long)
        else:
            oh, ow = size["height"], size["width"]
        # image_transforms.resize: to_pil_image (uint8, no rescale), PIL resize, back to numpy
        arr = np.array(Image.fromarray(arr).resize((ow, oh), resample=cfg.get("resample", 3)))
    if cfg.get("do_center_crop", True):
        crop = size_dict(cfg.get("crop_size", 224), default_to_square=True)
        img = arr.transpose(2, 0, 1)  # center_crop works channels first
        oh, ow = img.shape[1:]
        ch, cw = crop["height"], crop["width"]
        top = (oh - ch) // 2
        bottom = top + ch
        left = (ow - cw) // 2
        right = left + cw
        if top >= 0 and bottom <= oh and left >= 0 and right <= ow:
            img = img[..., top:bottom, left:right]
        else:
            nh, nw = max(ch, oh), max(cw, ow)
            new = np.zeros_like(img, shape=img.shape[:-2] + (nh, nw))
            top_pad = math.ceil((nh - oh) / 2)
            left_pad = math.ceil((nw - ow) / 2)
            new[..., top_pad:top_pad + oh, left_pad:left_pad + ow] = img
            top += top_pad
            bottom += top_pad
            left += left_pad
            right += left_pad
            img = new[..., max(0, top):min(nh, bottom), max(0, left):min(nw, right)]
        arr = img.transpose(1, 2, 0)
    if cfg.get("do_rescale", True):
        arr = (arr.astype(np.float64) * cfg.get("rescale_factor", 1 / 255)).astype(np.float32)
    if cfg.get("do_normalize", True):
        if not np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype(np.float32)
        mean = cfg.get("image_mean", [0.48145466, 0.4578275, 0.40821073])
        std = cfg.get("image_std", [0.26862954, 0.26130258, 0.27577711])
        mean = np.array(mean if isinstance(mean, list) else [mean] * 3, dtype=arr.dtype)
        std = np.array(std if isinstance(std, list) else [std] * 3, dtype=arr.dtype)
        arr = (arr - mean) / std
    return np.ascontiguousarray(arr.transpose(2, 0, 1))
