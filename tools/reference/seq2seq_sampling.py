"""Sampling's logits warpers in float64, written from the transformers source without transformers itself; run with
Debian's Python, torch 1.13 and numpy:

    /usr/bin/python3 tools/reference/seq2seq_sampling.py src/test/resources/reference/seq2seq_sampling
    /usr/bin/python3 tools/reference/seq2seq_sampling.py --real-shape [VOCAB]   (float32 rows of facebook/
        blenderbot-400M-distill's 8008 tokens, or VOCAB: the warpers' time per row)

Sources (huggingface/transformers, src/transformers/generation/logits_process.py): TemperatureLogitsWarper (scores
divided by the temperature), TopKLogitsWarper (top_k = min(max(top_k, min_tokens_to_keep), vocab); scores below the
k-th largest set to -inf, so ties with it stay), TopPLogitsWarper (sorted ascending, softmax, cumsum; tokens whose
cumulative probability is <= 1 - top_p removed, the last min_tokens_to_keep always kept), applied in
generation/utils.py _get_logits_processor's order (temperature, top-k, top-p), then softmax: the distribution that
_sample draws from with torch.multinomial.

Writes expected.safetensors: "logits" [cases, vocab] (float32 values, stored as float64) and, for each setting i of
the metadata's "settings" ([temperature, top_k, top_p], top_k 0 and top_p 1 meaning off), "probs_i" [cases, vocab].
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

NEG = float("-inf")
SETTINGS = [[1.0, 0, 1.0], [0.7, 0, 1.0], [1.0, 5, 1.0], [1.0, 3, 1.0], [1.3, 0, 0.9], [0.8, 4, 0.97],
            [0.5, 0, 0.5], [2.0, 10, 0.95], [1.0, 0, 0.01]]


def temperature(scores, t):
    return scores / t


def top_k(scores, k, min_tokens_to_keep=1):
    k = min(max(k, min_tokens_to_keep), scores.size(-1))
    remove = scores < torch.topk(scores, k)[0][..., -1, None]
    return scores.masked_fill(remove, NEG)


def top_p(scores, p, min_tokens_to_keep=1):
    sorted_logits, sorted_indices = torch.sort(scores, descending=False)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    sorted_remove = cumulative <= (1 - p)
    sorted_remove[..., -min_tokens_to_keep:] = False
    remove = sorted_remove.scatter(1, sorted_indices, sorted_remove)
    return scores.masked_fill(remove, NEG)


def distribution(logits, t, k, p):
    scores = temperature(logits, t)
    if k != 0:
        scores = top_k(scores, k)
    if p < 1.0:
        scores = top_p(scores, p)
    return scores.softmax(dim=-1)


def main(out):
    os.makedirs(out, exist_ok=True)
    generator = torch.Generator().manual_seed(7)
    vocab = 24
    spread = torch.randn(3, vocab, generator=generator, dtype=torch.float64) * 2.0
    # ties at the top-k boundary (k = 3 and 5), none where top-p cuts (torch.sort orders ties arbitrarily there)
    ties = torch.tensor([[4.0, 2.5, 2.5, 2.5, 2.5, 1.0] + [-0.25 * i for i in range(vocab - 6)]], dtype=torch.float64)
    peaked = torch.full((1, vocab), -3.0, dtype=torch.float64)
    peaked -= 0.01 * torch.arange(vocab, dtype=torch.float64)
    peaked[0, 7], peaked[0, 2] = 6.0, 3.5
    logits = torch.cat([spread, ties, peaked]).float().double()
    expected = {"logits": logits}
    for i, (t, k, p) in enumerate(SETTINGS):
        probs = distribution(logits, t, k, p)
        expected["probs_%d" % i] = probs
        for r in range(logits.shape[0]):
            kept, removed = logits[r][probs[r] > 0], logits[r][probs[r] == 0]
            assert len(removed) == 0 or kept.min() > removed.max(), "setting %d cuts ties in row %d" % (i, r)
        print(i, (t, k, p), "tokens kept per row:", (probs > 0).sum(-1).tolist())
    safetensors_io.save(os.path.join(out, "expected.safetensors"), expected,
                        {"settings": json.dumps(SETTINGS), "note": "probs_i: softmax after the warpers of "
                         "settings[i] = [temperature, top_k, top_p] over logits' rows"})


def real_shape(vocab):
    """The warpers of a sampling step (temperature 0.7, top_k 50, top_p 0.9) on float32 rows of vocab logits."""
    generator = torch.Generator().manual_seed(3)
    rows = torch.randn(200, 1, vocab, generator=generator) * 3
    for row in rows:
        distribution(row, 0.7, 50, 0.9)
    start = time.perf_counter()
    for row in rows:
        distribution(row, 0.7, 50, 0.9)
    print("pytorch warpers, vocab %d: %.1f us per row" % (vocab, (time.perf_counter() - start) / len(rows) * 1e6))


if __name__ == "__main__":
    if sys.argv[1] == "--real-shape":
        real_shape(int(sys.argv[2]) if len(sys.argv) > 2 else 8008)
    else:
        main(sys.argv[1])
