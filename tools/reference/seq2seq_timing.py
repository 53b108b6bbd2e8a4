"""PyTorch eager timing of encoder-decoder generation, for `perennial bench pipeline summarization|translation`:
the reference models of bart.py, m2m100.py and blenderbot.py in float32 under torch.no_grad(), decoding with a KV
cache as transformers does (generation/utils.py: the self-attention keys and values of earlier steps kept, the
cross-attention ones computed once, beams reordered by index_select as _reorder_cache does). Every decoded sequence
has exactly `tokens` new tokens: eos is banned, as a min_length of max_length bans it (MinLengthLogitsProcessor), so
that both sides do the same work. Prints one JSON line per round and search, as the Java benchmark does.
"""
import json
import time

import torch
from torch import nn

NEG = float("-inf")


class CachedDecoder:
    """One decoder step at a time over the model's own modules (pre_ln: M2M100 and Blenderbot; else BART)."""

    def __init__(self, model, enc, enc_mask, pre_ln):
        self.model, self.enc_mask, self.pre_ln = model, enc_mask, pre_ln
        self.cross = []
        for layer in model.decoder.layers:
            a = layer.encoder_attn
            self.cross.append((a.split(a.k_proj(enc)), a.split(a.v_proj(enc))))
        self.selfs = [None] * len(model.decoder.layers)
        self.past = 0

    def sub(self, x, norm, block):
        return x + block(norm(x)) if self.pre_ln else norm(x + block(x))

    @staticmethod
    def attend(a, h, k, v, mask):
        b, t, d = h.shape
        q = a.split(a.q_proj(h) * a.hd ** -0.5)
        w = q @ k.transpose(-1, -2)
        if mask is not None:
            w = w.masked_fill(mask[:, None, None, :] == 0, torch.finfo(w.dtype).min)
        return a.out_proj((torch.softmax(w, dim=-1) @ v).transpose(1, 2).reshape(b, t, d))

    def step(self, ids):
        m = self.model
        x = m.decoder.embed(m.shared, ids, self.past)
        for i, layer in enumerate(m.decoder.layers):
            def self_block(h, i=i, layer=layer):
                a = layer.self_attn
                k, v = a.split(a.k_proj(h)), a.split(a.v_proj(h))
                if self.selfs[i] is not None:
                    k, v = torch.cat([self.selfs[i][0], k], 2), torch.cat([self.selfs[i][1], v], 2)
                self.selfs[i] = (k, v)
                return self.attend(a, h, k, v, None)
            x = self.sub(x, layer.self_attn_layer_norm, self_block)
            x = self.sub(x, layer.encoder_attn_layer_norm,
                         lambda h, i=i, layer=layer: self.attend(layer.encoder_attn, h, *self.cross[i], self.enc_mask))
            act = getattr(layer, "act", nn.functional.gelu)
            x = self.sub(x, layer.final_layer_norm, lambda h, layer=layer, act=act: layer.fc2(act(layer.fc1(h))))
        self.past += ids.shape[1]
        if self.pre_ln:
            x = m.decoder.layer_norm(x)
        logits = x[:, -1] @ m.shared.weight.t()
        bias = getattr(m, "final_logits_bias", None)
        return logits if bias is None else logits + bias

    def reorder(self, rows):
        self.selfs = [(k.index_select(0, rows), v.index_select(0, rows)) for k, v in self.selfs]


def generate(model, ids, start, eos, tokens, beams, pre_ln):
    """`tokens` new tokens, greedy (beams 1) or beam search over log-softmax scores; the best sequence."""
    mask = torch.ones_like(ids)
    enc = model.encode(ids, mask)
    enc, mask = enc.repeat_interleave(beams, 0), mask.repeat_interleave(beams, 0)
    decoder = CachedDecoder(model, enc, mask, pre_ln)
    feed = torch.full((beams, 1), start, dtype=torch.int64)
    scores = torch.zeros(beams)
    scores[1:] = -1e9
    sequences = feed
    for _ in range(tokens):
        logits = decoder.step(feed)
        logits[:, eos] = NEG
        if beams == 1:
            feed = logits.argmax(-1, keepdim=True)
            sequences = torch.cat([sequences, feed], 1)
            continue
        total = torch.log_softmax(logits, -1) + scores[:, None]
        vocab = total.shape[-1]
        top, index = torch.topk(total.view(-1), 2 * beams)
        rows, chosen = index[:beams] // vocab, index[:beams] % vocab
        scores = top[:beams]
        decoder.reorder(rows)
        feed = chosen[:, None]
        sequences = torch.cat([sequences[rows], feed], 1)
    return sequences[0, 1:]


def load(model, folder):
    """The weights of a folder written by --write-real-shape (model.safetensors' names) into the model."""
    import os
    import safetensors_io
    weights = safetensors_io.load(os.path.join(folder, "model.safetensors"))
    own = {k if k == "final_logits_bias" else "model." + k: k for k in model.state_dict()}
    model.load_state_dict({own[name]: t for name, t in weights.items() if name in own})
    return model


def options(argv):
    """--time DIR [--seq 64] [--tokens 32] [--beams 1,4] [--rounds 3]"""
    values = {"--seq": "64", "--tokens": "32", "--beams": "1,4", "--rounds": "3"}
    for flag, value in zip(argv[2::2], argv[3::2]):
        values[flag] = value
    return (argv[1], int(values["--seq"]), int(values["--tokens"]), [int(b) for b in values["--beams"].split(",")],
            int(values["--rounds"]))


def time_rounds(model, vocab, start, eos, source_tokens, tokens, beam_list, rounds, pre_ln):
    torch.set_grad_enabled(False)
    model = model.float().eval()
    generator = torch.Generator().manual_seed(5)
    ids = torch.randint(4, vocab - 1, (1, source_tokens), generator=generator)
    ids[0, -1] = eos
    for beams in beam_list:
        generate(model, ids, start, eos, 2, beams, pre_ln)
        for r in range(rounds):
            t0 = time.perf_counter()
            out = generate(model, ids, start, eos, tokens, beams, pre_ln)
            seconds = time.perf_counter() - t0
            print(json.dumps({"search": "greedy" if beams == 1 else "beam", "beams": beams, "round": r,
                              "tokens": int(out.shape[0]), "seconds": round(seconds, 3),
                              "tokens_per_second": round(out.shape[0] / seconds, 2)}), flush=True)
