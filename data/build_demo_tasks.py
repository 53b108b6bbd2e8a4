#!/usr/bin/env python3
"""Builds the shipped evaluation tasks from the demo corpora's held-out documents, so evaluation works offline.

Held-out documents are chosen by the same rule as 'perennial prepare --val-fraction 0.02' (the quickstart's): the
first 8 bytes of SHA-256 of the document text, as a fraction of 2^64, below 0.02. From them, for English
(en-tech) and German (de-tech):
  {lang}-continuation.jsonl   multiple choice: 30 words of a passage, then its true next 10 words among 3 distractors
                              (10-word continuations from other held-out documents); format multiple_choice
  {lang}-lastword.jsonl       cloze: a 40-word passage whose last word is to be predicted (LAMBADA-style)
Usage: python3 data/build_demo_tasks.py   (deterministic; rewrites data/tasks/)
"""
import gzip, hashlib, json, os, random, re

HERE = os.path.dirname(os.path.abspath(__file__))
VAL_FRACTION = 0.02
ITEMS = 200


def held_out(name):
    with gzip.open(os.path.join(HERE, name + ".jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            head = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
            if (head >> 11) * 2.0 ** -53 < VAL_FRACTION:
                yield text


def windows(texts, size, rng):
    out = []
    for text in texts:
        words = text.split()
        for start in range(0, len(words) - size, size * 3):
            out.append(words[start:start + size])
    rng.shuffle(out)
    return out


def build(lang, corpus):
    rng = random.Random(1234)
    texts = list(held_out(corpus))
    mc = []
    pool = windows(texts, 40, rng)
    for i, w in enumerate(pool[:ITEMS]):
        others = [p for j, p in enumerate(pool) if j != i]
        distractors = [" " + " ".join(o[30:40]) for o in rng.sample(others, 3)]
        choices = distractors + [" " + " ".join(w[30:40])]
        rng.shuffle(choices)
        mc.append({"context": " ".join(w[:30]), "choices": choices, "answer": choices.index(" " + " ".join(w[30:40]))})
    cloze = []
    for w in windows(texts, 40, rng):
        if re.fullmatch(r"[^\W\d_]{4,}", w[-1]):
            cloze.append({"text": " ".join(w)})
        if len(cloze) == ITEMS:
            break
    for task, rows, fmt in ((lang + "-continuation", mc, "multiple_choice"), (lang + "-lastword", cloze, "cloze")):
        with open(os.path.join(HERE, "tasks", task + ".jsonl"), "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        with open(os.path.join(HERE, "tasks", task + ".yaml"), "w", encoding="utf-8") as f:
            f.write(f"# built by data/build_demo_tasks.py from held-out documents of data/{corpus}.jsonl.gz\n")
            f.write(f"name: {task}\nformat: {fmt}\ndata: {task}.jsonl\n")
        print(f"{task}: {len(rows)} examples from {len(texts)} held-out documents")


if __name__ == "__main__":
    build("en", "en-tech")
    build("de", "de-tech")
