"""Reference images and the outputs Hugging Face's slow (PIL + numpy) image pipeline gives for them.

Run with Debian's Python, which has Pillow 9.4.0 and numpy (not the pyenv one):

    /usr/bin/python3 tools/reference/images.py src/test/resources/reference/images

It writes, deterministically (fixed seeds):
- files/: the test images, written by PIL (PNG in every mode, JPEG incl. CMYK and EXIF orientations, GIF, BMP, WebP);
- expected/*.gz: gzipped raw arrays, uint8 (HWC RGB) or float32 little-endian (CHW);
- index.json: what each expected array is.

The expected values come from:
- decode: transformers.image_utils.load_image = PIL.Image.open -> ImageOps.exif_transpose -> convert("RGB");
- resize: PIL Image.resize((w, h), resample) on the decoded RGB image;
- clip: CLIPImageProcessor.preprocess (the slow, numpy one) re-written here from transformers' source, step by step:
  image_processing_clip.py resize (get_resize_output_image_size with default_to_square=False for shortest_edge),
  image_transforms.center_crop (zero padding when the crop is larger), rescale (float64 multiply, then float32),
  normalize (float32, mean and std cast to float32), then channels first.
"""
import gzip
import io
import json
import math
import os
import sys

import numpy as np
from PIL import Image, ImageOps, features

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clip_image_processing import clip_pixel_values, size_dict  # noqa: E402,F401

OUT = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/reference/images"
FILES = os.path.join(OUT, "files")
EXPECTED = os.path.join(OUT, "expected")
os.makedirs(FILES, exist_ok=True)
os.makedirs(EXPECTED, exist_ok=True)

index = {"pil_version": Image.__version__, "numpy_version": np.__version__,
         "libjpeg": features.version("jpg"), "decode": [], "resize": [], "clip": []}


def save_array(name, arr):
    """Writes arr's raw little-endian bytes gzipped (mtime 0, so reruns give identical files)."""
    arr = np.ascontiguousarray(arr)
    if arr.dtype == np.float32:
        arr = arr.astype("<f4")
    path = os.path.join(EXPECTED, name + ".gz")
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(arr.tobytes())
    return "expected/" + name + ".gz"


def smooth(rng, h, w, c, noise=12):
    """A smooth random picture with some noise (compresses well but exercises every rounding path)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    out = np.zeros((h, w, c))
    for ch in range(c):
        a, b, p, q = rng.uniform(0.02, 0.3, 4)
        out[..., ch] = 127.5 + 110 * np.sin(a * x + p * 7) * np.cos(b * y + q * 5)
    out += rng.normal(0, noise, out.shape)
    out[0, 0] = 0          # clip paths: pure black and white pixels
    out[-1, -1] = 255
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def load_image(path):
    """transformers.image_utils.load_image for a path."""
    im = Image.open(path)
    im = ImageOps.exif_transpose(im)
    return im.convert("RGB")


def decode_case(name, note):
    im = load_image(os.path.join(FILES, name))
    arr = np.array(im)
    index["decode"].append({"file": "files/" + name, "width": im.width, "height": im.height,
                            "expected": save_array("decode-" + name + ".u8", arr), "note": note})


rng = np.random.default_rng(20261203)

# --- lossless sources ---
portrait = smooth(rng, 80, 48, 3)
landscape = smooth(rng, 67, 101, 3)
tiny = smooth(rng, 5, 3, 3, noise=40)
large = smooth(rng, 240, 320, 3, noise=0.6)
Image.fromarray(portrait, "RGB").save(os.path.join(FILES, "portrait.png"))
Image.fromarray(landscape, "RGB").save(os.path.join(FILES, "landscape.png"))
Image.fromarray(tiny, "RGB").save(os.path.join(FILES, "tiny.png"))
Image.fromarray(large, "RGB").save(os.path.join(FILES, "large.png"), optimize=True)
decode_case("portrait.png", "RGB PNG")
decode_case("landscape.png", "RGB PNG")
decode_case("tiny.png", "3x5 RGB PNG")

rgba = np.concatenate([smooth(rng, 30, 40, 3), np.tile(np.linspace(0, 255, 40).astype(np.uint8), (30, 1))[..., None]], axis=2)
Image.fromarray(rgba, "RGBA").save(os.path.join(FILES, "rgba.png"))
decode_case("rgba.png", "RGBA PNG, alpha 0..255: convert('RGB') drops alpha without compositing")

gray = smooth(rng, 17, 31, 1)[..., 0]
Image.fromarray(gray, "L").save(os.path.join(FILES, "gray.png"))
decode_case("gray.png", "8-bit grayscale PNG")

la = np.stack([gray, 255 - gray], axis=2)
Image.fromarray(la, "LA").save(os.path.join(FILES, "la.png"))
decode_case("la.png", "grayscale + alpha PNG")

pal = Image.fromarray(smooth(rng, 23, 37, 3), "RGB").quantize(colors=200, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
pal.info["transparency"] = 5
pal.save(os.path.join(FILES, "palette.png"), transparency=5)
decode_case("palette.png", "palette PNG with a transparent index: palette colours, transparency ignored")

bits = (smooth(rng, 9, 13, 1)[..., 0] > 128)
Image.fromarray(bits).convert("1").save(os.path.join(FILES, "bilevel.png"))
decode_case("bilevel.png", "1-bit PNG")

g16 = (np.arange(10 * 20, dtype=np.uint32).reshape(10, 20) * 331 % 65536).astype(np.uint16)
g16[0, :8] = [0, 1, 100, 254, 255, 256, 300, 65535]
Image.fromarray(g16, "I;16").save(os.path.join(FILES, "gray16.png"))
decode_case("gray16.png", "16-bit grayscale PNG: PIL opens mode I, convert('RGB') clips values to 0..255")


def write_png(path, arr, bit_depth, color_type, width=None):
    """A PNG written by hand (Pillow cannot write 16-bit colour): one IDAT, filter 0 on every row."""
    import struct
    import zlib
    h, w = arr.shape[0], width or arr.shape[1]
    raw = arr.astype(">u2").tobytes() if bit_depth == 16 else arr.astype(np.uint8).tobytes()
    stride = len(raw) // h
    data = b"".join(b"\0" + raw[y * stride:(y + 1) * stride] for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(data, 9)))
        f.write(chunk(b"IEND", b""))


rgb16 = (smooth(rng, 9, 14, 3).astype(np.uint16) * 257 + rng.integers(0, 257, (9, 14, 3))).astype(np.uint16)
write_png(os.path.join(FILES, "rgb16.png"), rgb16, 16, 2)
decode_case("rgb16.png", "16-bit RGB PNG: PIL keeps the high byte")
rgba16 = np.concatenate([rgb16, rng.integers(0, 65536, (9, 14, 1))], axis=2).astype(np.uint16)
write_png(os.path.join(FILES, "rgba16.png"), rgba16, 16, 6)
decode_case("rgba16.png", "16-bit RGBA PNG: high byte, alpha dropped")
la16 = rng.integers(0, 65536, (7, 11, 2)).astype(np.uint16)
write_png(os.path.join(FILES, "la16.png"), la16, 16, 4)
decode_case("la16.png", "16-bit grayscale + alpha PNG: PIL opens LA, high byte")
gray4 = rng.integers(0, 16, (6, 10)).astype(np.uint8)
packed = np.zeros((6, 5), np.uint8)
packed[:] = (gray4[:, 0::2] << 4) | gray4[:, 1::2]
write_png(os.path.join(FILES, "gray4.png"), packed, 4, 0, width=10)
decode_case("gray4.png", "4-bit grayscale PNG: PIL scales by 17")

Image.fromarray(smooth(rng, 12, 18, 3), "RGB").save(os.path.join(FILES, "rgb-trns.png"), transparency=(10, 20, 30))
decode_case("rgb-trns.png", "RGB PNG with a tRNS colour: ignored by convert('RGB')")
Image.fromarray(gray, "L").save(os.path.join(FILES, "gray-trns.png"), transparency=7)
decode_case("gray-trns.png", "grayscale PNG with a tRNS value: ignored")
Image.fromarray(gray, "L").save(os.path.join(FILES, "gray.bmp"))
decode_case("gray.bmp", "8-bit grayscale (palette) BMP")
pal.save(os.path.join(FILES, "palette.bmp"))
decode_case("palette.bmp", "8-bit palette BMP")

# --- EXIF orientation (PNG eXIf: lossless; JPEG APP1: through the JPEG decoder) ---
base = smooth(rng, 16, 24, 3)
for o in range(1, 9):
    exif = Image.Exif()
    exif[0x0112] = o
    Image.fromarray(base, "RGB").save(os.path.join(FILES, f"exif-{o}.png"), exif=exif.tobytes())
    decode_case(f"exif-{o}.png", f"PNG eXIf orientation {o}")
    Image.fromarray(base, "RGB").save(os.path.join(FILES, f"exif-{o}.jpg"), exif=exif.tobytes(), quality=95)
    decode_case(f"exif-{o}.jpg", f"JPEG EXIF orientation {o}")

# PNG orientation from text chunks: XMP (iTXt, plain and compressed) and ImageMagick's "Raw profile type exif" (zTXt)
from PIL import PngImagePlugin  # noqa: E402
for o, compressed in ((6, False), (8, True)):
    inner = (f'tiff:Orientation="{o}"/>' if not compressed
             else f'><tiff:Orientation>{o}</tiff:Orientation></rdf:Description>')
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" ' + inner + '</rdf:RDF></x:xmpmeta>')
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp, zip=compressed)
    Image.fromarray(base, "RGB").save(os.path.join(FILES, f"xmp-{o}.png"), pnginfo=info)
    decode_case(f"xmp-{o}.png", f"PNG XMP tiff:Orientation {o}" + (" (compressed iTXt)" if compressed else ""))
exif = Image.Exif()
exif[0x0112] = 3
data = exif.tobytes()
hexed = data.hex()
profile = "\nexif\n" + f"{len(data):8d}" + "\n" + "\n".join(hexed[i:i + 72] for i in range(0, len(hexed), 72)) + "\n"
info = PngImagePlugin.PngInfo()
info.add_text("Raw profile type exif", profile, zip=True)
Image.fromarray(base, "RGB").save(os.path.join(FILES, "raw-profile-3.png"), pnginfo=info)
decode_case("raw-profile-3.png", "PNG 'Raw profile type exif' (zTXt) orientation 3")

# --- JPEG ---
photo = smooth(rng, 48, 64, 3, noise=6)
Image.fromarray(photo, "RGB").save(os.path.join(FILES, "photo420.jpg"), quality=90)
decode_case("photo420.jpg", "JPEG 4:2:0")
Image.fromarray(photo, "RGB").save(os.path.join(FILES, "photo444.jpg"), quality=90, subsampling=0)
decode_case("photo444.jpg", "JPEG 4:4:4")
Image.fromarray(photo, "RGB").save(os.path.join(FILES, "photo422.jpg"), quality=90, subsampling=1)
decode_case("photo422.jpg", "JPEG 4:2:2")
Image.fromarray(photo, "RGB").save(os.path.join(FILES, "progressive.jpg"), quality=90, progressive=True)
decode_case("progressive.jpg", "progressive JPEG 4:2:0")
Image.fromarray(gray, "L").save(os.path.join(FILES, "gray.jpg"), quality=90)
decode_case("gray.jpg", "grayscale JPEG")
cmyk = smooth(rng, 32, 40, 4, noise=4)
Image.fromarray(cmyk, "CMYK").save(os.path.join(FILES, "cmyk.jpg"), quality=95)
decode_case("cmyk.jpg", "CMYK JPEG (Adobe, inverted): PIL's naive cmyk2rgb, no ICC")
# Pillow cannot write YCCK or 4:4:0 / 4:1:1 sampling; tools/reference/jdk-*.jpg were written once by the JDK's JPEG
# writer and are copied in as they are.
for source, name in (("jdk-ycck.jpg", "ycck.jpg"), ("jdk-440.jpg", "sub440.jpg"), ("jdk-411.jpg", "sub411.jpg")):
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), source), "rb") as src:
        with open(os.path.join(FILES, name), "wb") as dst:
            dst.write(src.read())
decode_case("ycck.jpg", "YCCK JPEG (Adobe transform 2, Y and K 2x2): libjpeg's YCC->CMY, then as CMYK")
decode_case("sub440.jpg", "JPEG 4:4:0 (chroma halved vertically): libjpeg-turbo's h1v2 fancy upsampling")
decode_case("sub411.jpg", "JPEG 4:1:1: integral upsampling by replication")

# --- GIF, BMP, WebP ---
frames = [Image.fromarray(smooth(rng, 21, 27, 3), "RGB").quantize(colors=64, dither=Image.Dither.NONE) for _ in range(2)]
frames[0].save(os.path.join(FILES, "anim.gif"), save_all=True, append_images=frames[1:], duration=100, loop=0)
decode_case("anim.gif", "animated GIF: the first frame")
Image.fromarray(smooth(rng, 19, 26, 3), "RGB").save(os.path.join(FILES, "image.bmp"))

def place_gif_frame(path, screen, offset):
    """Rewrites a one-frame GIF so that its frame sits at offset on a larger logical screen."""
    b = bytearray(open(path, "rb").read())
    b[6:10] = screen[0].to_bytes(2, "little") + screen[1].to_bytes(2, "little")
    p = 13 + (3 * 2 ** ((b[10] & 7) + 1) if b[10] & 0x80 else 0)
    while b[p] == 0x21:  # extensions: label, then sub-blocks up to a zero length
        p += 2
        while b[p]:
            p += b[p] + 1
        p += 1
    assert b[p] == 0x2C
    b[p + 1:p + 5] = offset[0].to_bytes(2, "little") + offset[1].to_bytes(2, "little")
    open(path, "wb").write(bytes(b))


small = Image.fromarray(smooth(rng, 7, 11, 3), "RGB").quantize(colors=16, dither=Image.Dither.NONE)
small.save(os.path.join(FILES, "offset.gif"))
place_gif_frame(os.path.join(FILES, "offset.gif"), (20, 15), (5, 4))
decode_case("offset.gif", "GIF whose first frame is smaller than the screen: the rest is palette index 0")
small.save(os.path.join(FILES, "offset-transparent.gif"), transparency=3)
place_gif_frame(os.path.join(FILES, "offset-transparent.gif"), (16, 9), (3, 2))
decode_case("offset-transparent.gif", "offset GIF frame with a transparent index: the rest is that index")

decode_case("image.bmp", "24-bit BMP")
if features.check("webp"):
    Image.fromarray(smooth(rng, 20, 30, 3), "RGB").save(os.path.join(FILES, "lossless.webp"), lossless=True)
    decode_case("lossless.webp", "lossless WebP")
    Image.fromarray(photo, "RGB").save(os.path.join(FILES, "lossy.webp"), quality=90)
    decode_case("lossy.webp", "lossy WebP (VP8)")
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(base, "RGB").save(os.path.join(FILES, "exif-6.webp"), lossless=True, exif=exif.tobytes())
    decode_case("exif-6.webp", "lossless WebP with an EXIF chunk, orientation 6")

# --- PIL resize ---
FILTERS = {"nearest": 0, "lanczos": 1, "bilinear": 2, "bicubic": 3, "box": 4, "hamming": 5}
SIZES = {"portrait.png": [(17, 29), (61, 103), (48, 31), (100, 80), (7, 3)],
         "landscape.png": [(37, 23), (202, 140), (50, 67), (150, 40), (1, 1)],
         "tiny.png": [(2, 2), (7, 11), (3, 12), (1, 5)],
         "large.png": [(224, 168)]}
for name, sizes in SIZES.items():
    im = load_image(os.path.join(FILES, name))
    for (w, h) in sizes:
        for fname, code in FILTERS.items():
            if name == "large.png" and fname != "bicubic":
                continue  # keeps the fixtures small; the small images cover every filter
            out = np.array(im.resize((w, h), resample=code))
            index["resize"].append({"file": "files/" + name, "width": w, "height": h, "resample": code,
                                    "expected": save_array(f"resize-{name}-{w}x{h}-{fname}.u8", out)})


# --- CLIPImageProcessor (slow), written from transformers' source ---


OPENAI = {"crop_size": 224, "do_center_crop": True, "do_normalize": True, "do_resize": True,
          "feature_extractor_type": "CLIPFeatureExtractor",
          "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
          "resample": 3, "size": 224}
CONFIGS = {
    "openai-clip": OPENAI,
    "clip32": {"image_processor_type": "CLIPImageProcessor", "size": {"shortest_edge": 32},
               "crop_size": {"height": 32, "width": 32}, "resample": 3, "do_rescale": True,
               "rescale_factor": 0.00392156862745098, "do_normalize": True, "do_convert_rgb": True,
               "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711]},
    "pad-crop": {"image_processor_type": "CLIPImageProcessor", "size": {"shortest_edge": 20},
                 "crop_size": {"height": 27, "width": 24}, "resample": 2, "image_mean": 0.5, "image_std": 0.25},
    "fixed-size": {"image_processor_type": "CLIPImageProcessor", "size": {"height": 30, "width": 41},
                   "do_center_crop": False, "resample": 1, "do_rescale": True, "rescale_factor": 0.5,
                   "image_mean": [0.1, 0.2, 0.3], "image_std": [0.9, 1.1, 1.3]},
    "no-rescale": {"image_processor_type": "CLIPImageProcessor", "size": 25, "crop_size": 25, "resample": 0,
                   "do_rescale": False, "image_mean": [100.5, 110.25, 120.0], "image_std": [60.0, 61.5, 62.25]},
}
os.makedirs(os.path.join(OUT, "configs"), exist_ok=True)
for cname, cfg in CONFIGS.items():
    with open(os.path.join(OUT, "configs", cname + ".json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
CLIP_CASES = [("openai-clip", "large.png"), ("openai-clip", "portrait.png")]
for cname in ["clip32", "pad-crop", "fixed-size", "no-rescale"]:
    for name in ["portrait.png", "landscape.png", "tiny.png", "large.png", "rgba.png", "exif-6.png"]:
        CLIP_CASES.append((cname, name))
for cname, name in CLIP_CASES:
    values = clip_pixel_values(load_image(os.path.join(FILES, name)), CONFIGS[cname])
    assert values.dtype == np.float32
    index["clip"].append({"config": "configs/" + cname + ".json", "file": "files/" + name,
                          "shape": list(values.shape),
                          "expected": save_array(f"clip-{cname}-{name}.f32", values)})

with open(os.path.join(OUT, "index.json"), "w") as f:
    json.dump(index, f, indent=1)
    f.write("\n")
print("wrote", OUT, sum(len(v) for k, v in index.items() if isinstance(v, list)), "cases")
