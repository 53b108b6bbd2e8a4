"""The safetensors format written by hand (Debian's torch 1.13 has no safetensors package).

Format (https://github.com/huggingface/safetensors, "Format"): 8 bytes little-endian u64 N, then N bytes of
JSON header {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}, padded with
spaces to a multiple of 8, then the raw little-endian tensor bytes in header order.
"""
import json
import struct

import torch

DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.int64: "I64", torch.int32: "I32", torch.uint8: "U8", torch.bool: "BOOL"}
TORCH = {name: dtype for dtype, name in DTYPES.items()}


def save(path, tensors, metadata=None):
    """Writes {name: tensor} to path in the order given (contiguous, little-endian)."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def load(path):
    """Reads a safetensors file back into {name: tensor} (to check what save wrote)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        body = f.read()
    header.pop("__metadata__", None)
    out = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = TORCH[entry["dtype"]]
        raw = bytearray(body[begin:end])
        t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(entry["shape"])
    return out


if __name__ == "__main__":
    import tempfile, os
    sample = {"a": torch.arange(6, dtype=torch.float64).reshape(2, 3), "b": torch.tensor([1, 2], dtype=torch.int64)}
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "x.safetensors")
        save(p, sample)
        back = load(p)
        assert all(torch.equal(sample[k], back[k]) for k in sample), back
    print("ok")
