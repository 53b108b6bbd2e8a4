#!/usr/bin/env python3
"""The reference for 'perennial bench train': the same model and step in plain PyTorch eager.

GPT-NeoX (fused interleaved qkv, 25% rotary, parallel residual, LayerNorm, GELU, untied output) or Llama (RMSNorm,
SwiGLU with 8/3*d rounded to 64, rotary on all head dims) with the same shapes as Perennial's bench, trained on
random tokens with AdamW(0.9, 0.95, eps 1e-8, weight decay 0.1 on >= 2-D tensors) and gradient clipping to 1.0.
Prints one JSON line: tokens_per_second, ms per step (median/min/max), and the raw 512^3 fp32 matmul GFLOP/s.
With --precision bf16-mixed the forward pass and the loss run under torch.autocast("cpu", dtype=torch.bfloat16)
(PyTorch's own mixed precision: fp32 master parameters and AdamW state, matmuls in bf16, cross-entropy in fp32),
and the backward pass outside it, as PyTorch's AMP recipe says.
With --generate it times greedy generation instead, as 'perennial bench generate' does: batch 1, a random prompt of
--prompt-tokens, then --new-tokens tokens with a KV cache that grows by concatenation (as transformers'
DynamicCache does), under torch.no_grad(); tokens_per_second is new tokens over the whole time, prompt included.
Runs with Debian's python3-torch (PyTorch 1.13, /usr/bin/python3) and the OpenMP build of OpenBLAS.
"""
import argparse, json, statistics, time
import torch
import torch.nn.functional as F


def rotary(x, dims, start=0):
    hd = x.shape[-1]
    inv = 1.0 / (10000 ** (torch.arange(0, dims, 2, dtype=torch.float32) / dims))
    t = torch.arange(start, start + x.shape[-2], dtype=torch.float32)
    freqs = torch.outer(t, inv)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    rot, rest = x[..., :dims], x[..., dims:]
    x1, x2 = rot[..., : dims // 2], rot[..., dims // 2:]
    out = rot * cos + torch.cat((-x2, x1), dim=-1) * sin
    return torch.cat((out, rest), dim=-1) if dims < hd else out


class Model(torch.nn.Module):
    def __init__(self, arch, vocab, d, layers, heads):
        super().__init__()
        self.arch, self.d, self.heads, self.hd = arch, d, heads, d // heads
        self.embed = torch.nn.Embedding(vocab, d)
        self.layers = torch.nn.ModuleList()
        ff = 4 * d if arch == "gpt-neox" else (8 * d // 3 + 63) // 64 * 64
        for _ in range(layers):
            if arch == "gpt-neox":
                self.layers.append(torch.nn.ModuleDict(dict(
                    ln1=torch.nn.LayerNorm(d), ln2=torch.nn.LayerNorm(d), qkv=torch.nn.Linear(d, 3 * d),
                    out=torch.nn.Linear(d, d), up=torch.nn.Linear(d, ff), down=torch.nn.Linear(ff, d))))
            else:
                self.layers.append(torch.nn.ModuleDict(dict(
                    ln1=torch.nn.RMSNorm(d) if hasattr(torch.nn, "RMSNorm") else RMSNorm(d),
                    ln2=torch.nn.RMSNorm(d) if hasattr(torch.nn, "RMSNorm") else RMSNorm(d),
                    q=torch.nn.Linear(d, d, bias=False), k=torch.nn.Linear(d, d, bias=False),
                    v=torch.nn.Linear(d, d, bias=False), out=torch.nn.Linear(d, d, bias=False),
                    gate=torch.nn.Linear(d, ff, bias=False), up=torch.nn.Linear(d, ff, bias=False),
                    down=torch.nn.Linear(ff, d, bias=False))))
        self.norm = torch.nn.LayerNorm(d) if arch == "gpt-neox" else RMSNorm(d)
        self.head = torch.nn.Linear(d, vocab, bias=False)

    def attention(self, q, k, v):
        """Causal attention of q over k, v whose last q.shape[2] positions are the queries' own."""
        t, s = q.shape[2], k.shape[2]
        if hasattr(F, "scaled_dot_product_attention"):
            return F.scaled_dot_product_attention(q, k, v, is_causal=t > 1 and t == s)
        att = (q @ k.transpose(-2, -1)) / q.shape[-1] ** 0.5
        if t > 1:
            mask = torch.ones(t, s, dtype=torch.bool).triu(s - t + 1)
            att = att.masked_fill(mask, float("-inf"))
        return att.softmax(-1) @ v

    def forward(self, ids, cache=None):
        """Logits of ids; with cache (a list, one (k, v) per layer once filled), ids continue what it holds."""
        b, t = ids.shape
        start = cache[0][0].shape[2] if cache else 0
        x = self.embed(ids)
        for i, l in enumerate(self.layers):
            h = l["ln1"](x)
            if self.arch == "gpt-neox":
                qkv = l["qkv"](h).view(b, t, self.heads, 3 * self.hd).transpose(1, 2)
                q, k, v = qkv.split(self.hd, dim=-1)
                dims = self.hd // 4
            else:
                q = l["q"](h).view(b, t, self.heads, self.hd).transpose(1, 2)
                k = l["k"](h).view(b, t, self.heads, self.hd).transpose(1, 2)
                v = l["v"](h).view(b, t, self.heads, self.hd).transpose(1, 2)
                dims = self.hd
            q, k = rotary(q, dims, start), rotary(k, dims, start)
            if cache is not None:
                if len(cache) > i:
                    k, v = torch.cat((cache[i][0], k), dim=2), torch.cat((cache[i][1], v), dim=2)
                    cache[i] = (k, v)
                else:
                    cache.append((k, v))
            a = self.attention(q, k, v).transpose(1, 2).reshape(b, t, self.d)
            a = l["out"](a)
            if self.arch == "gpt-neox":
                x = x + a + l["down"](F.gelu(l["up"](l["ln2"](x))))
            else:
                x = x + a
                h = l["ln2"](x)
                x = x + l["down"](F.silu(l["gate"](h)) * l["up"](h))
        return self.head(self.norm(x))


class RMSNorm(torch.nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight, self.eps = torch.nn.Parameter(torch.ones(d)), eps

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)


def matmul_gflops():
    a, b = torch.randn(512, 512), torch.randn(512, 512)
    best = float("inf")
    for i in range(30):
        s = time.perf_counter()
        a @ b
        if i >= 10:
            best = min(best, time.perf_counter() - s)
    return 2 * 512 ** 3 / best / 1e9


def train(model, a):
    decay = [q for q in model.parameters() if q.dim() >= 2]
    rest = [q for q in model.parameters() if q.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.95), eps=1e-8)
    times = []
    for s in range(a.warmup + a.steps):
        batch = torch.randint(0, a.vocab, (a.batch, a.seq + 1))
        start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16-mixed"):
            logits = model(batch[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), batch[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if s >= a.warmup:
            times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    return {"tokens_per_second": a.batch * a.seq / (median / 1000), "ms_median": median, "ms_min": min(times),
            "ms_max": max(times)}


@torch.no_grad()
def generate(model, a):
    prompt = torch.randint(0, a.vocab, (1, a.prompt_tokens))

    def run(new_tokens):
        cache, ids, out = [], prompt, []
        for _ in range(new_tokens):
            next_id = model(ids, cache)[0, -1].argmax()
            out.append(int(next_id))
            ids = next_id.view(1, 1)
        return out

    run(4)  # warm-up
    start = time.perf_counter()
    tokens = run(a.new_tokens)
    seconds = time.perf_counter() - start
    return {"tokens_per_second": len(tokens) / seconds, "new_tokens": len(tokens), "prompt_tokens": a.prompt_tokens}


def main():
    p = argparse.ArgumentParser()
    for name, default in (("vocab", 4096), ("hidden", 128), ("layers", 4), ("heads", 4), ("seq", 128), ("batch", 32),
                          ("steps", 10), ("warmup", 3), ("prompt-tokens", 16), ("new-tokens", 64)):
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--arch", default="gpt-neox")
    p.add_argument("--precision", default="fp32", choices=("fp32", "bf16-mixed"),
                   help="training only: bf16-mixed runs the forward pass and the loss under CPU autocast (bfloat16)")
    p.add_argument("--generate", action="store_true", help="time KV-cached greedy generation instead of training")
    a = p.parse_args()
    torch.manual_seed(0)
    model = Model(a.arch, a.vocab, a.hidden, a.layers, a.heads)
    result = generate(model.eval(), a) if a.generate else train(model, a)
    print(json.dumps({**result, "precision": a.precision, "matmul_gflops": matmul_gflops(), "threads": torch.get_num_threads(),
                      "torch": torch.__version__, "parameters": sum(q.numel() for q in model.parameters())}))


if __name__ == "__main__":
    main()
