#!/usr/bin/env python3
"""Hostile-user checks of the perennial CLI, counted by outcome (issue 25's "re-run the categories").

Each case runs the real CLI on a tiny run made here and is classified by its exit status: 0 (accepted), 2 (refused
with a one-line user error, the convention) or anything else (a defect: an internal error, a crash, a hang). A
refusal that prints a stack trace or C++ frames without --verbose is a defect too. Categories:

  configs      mutated run configs (`perennial train CONFIG --set KEY=VALUE`)
  models       mutated model folders (flipped, truncated or rewritten model.safetensors, config.json, tokenizer.json)
  kills        training killed with SIGKILL at random moments, then resumed: the final weights must equal those
               of an uninterrupted run
  checkpoints  a byte flipped in the newest checkpoint: the resume must fall back to the one before
  serve        path-traversal and malformed requests against `perennial serve` (each must get a 4xx without any
               file's content), then completions from 16 clients at once (none may get a 5xx)

Usage: tools/robustness.py [--cases N] [--kills N] [--seed S] [--keep DIR]. Prints one line per category with the
counts and every defect found. Reported in closing notes, never run by the test suite (it takes minutes).
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERENNIAL = str(ROOT / "perennial")
WORDS = "the of and to in a is that for it as was with be by on model data corpus update".split()

CONFIG = """seed: 3
seq_len: 32
global_batch: 8
micro_batch: 4
tokenizer: byte
corpora: {{d0: {d0}, d1: {d1}}}
model:
  config: {{model_type: llama, vocab_size: 257, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4,
           num_key_value_heads: 2, intermediate_size: 64, max_position_embeddings: 64}}
eval: {{interval: 10, sequences: 8}}
checkpoint: {{interval: 10, keep: 2}}
out: {out}
stages:
  - {{name: d0, steps: {steps0}, data: [{{corpus: d0}}], schedule: {{family: cosine, max_lr: 3e-3, warmup: 0.1}}}}
  - {{name: d1, steps: {steps1}, data: [{{corpus: d1}}], replay: 0.25,
     schedule: {{family: cosine, max_lr: 3e-3, warmup: 0.1}}}}
"""

# keys of the run config and values a careless or hostile user might give them
KEYS = ["seed", "seq_len", "global_batch", "micro_batch", "tokenizer", "out", "corpora", "model", "eval.interval",
        "eval.sequences", "eval.batch", "eval.corpora", "eval.tasks", "checkpoint.interval", "checkpoint.keep",
        "max_nonfinite", "clip", "optimizer.beta1", "optimizer.beta2", "optimizer.eps", "optimizer.weight_decay",
        "stages[0].steps", "stages[0].tokens", "stages[0].replay", "stages[1].replay", "stages[0].data",
        "stages[0].schedule.family", "stages[0].schedule.max_lr", "stages[0].schedule.min_lr",
        "stages[0].schedule.warmup", "stages[1].schedule.decay", "stages[0].reset_optimizer",
        "model.config.hidden_size", "model.config.num_attention_heads", "model.config.num_key_value_heads",
        "model.config.vocab_size", "model.config.intermediate_size", "model.config.num_hidden_layers",
        "model.config.max_position_embeddings", "model.config.model_type", "model.config.hidden_act",
        "model.config.rope_theta", "model.init", "stages[5].steps", "stages[0].name", "stages[1].name"]
VALUES = ["-1", "0", "1", "2.5", "1e300", "-1e300", "1e9", "NaN", ".inf", "abc", "''", "[]", "{}", "null", "true",
          "[{corpus: nowhere}]", "/etc/passwd", "../../..", "9999999999999999999999", "gpt2", "d0"]


def run(args, timeout=180, cwd=None):
    """(exit status, combined output); 124 on a time-out."""
    try:
        p = subprocess.run([PERENNIAL, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        return 124, str(e)


def classify(code, output):
    """ok: accepted or refused by the convention; defect otherwise."""
    traced = "\tat " in output or "Exception in thread" in output or "c10::" in output
    return "accepted" if code == 0 and not traced else "refused" if code == 2 and not traced else "defect"


def make_corpora(work):
    rng = random.Random(7)
    for name in ("d0", "d1"):
        text = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60))) + "." for _ in range(300))
        (work / f"{name}.txt").write_text(text)
        code, out = run(["prepare", "--tokenizer", "byte", "--input", str(work / f"{name}.txt"),
                         "--out", str(work / name), "--val-fraction", "0.05"])
        assert code == 0, out


def write_config(work, name, steps0=20, steps1=10):
    path = work / f"{name}.yaml"
    path.write_text(CONFIG.format(d0=work / "d0", d1=work / "d1", out=work / name, steps0=steps0, steps1=steps1))
    return path


def configs(work, cases, rng, report):
    counts = {"accepted": 0, "refused": 0, "defect": 0}
    for i in range(cases):
        sets = [f"{rng.choice(KEYS)}={rng.choice(VALUES)}" for _ in range(rng.randint(1, 2))]
        config = write_config(work, f"cfg{i}", steps0=4, steps1=2)
        args = ["train", str(config)]
        for s in sets:
            args += ["--set", s]
        code, out = run(args, timeout=120)
        kind = classify(code, out)
        counts[kind] += 1
        if kind == "defect":
            report.append(f"configs: exit {code} for --set {' '.join(sets)}: {out.strip().splitlines()[-1:]}")
        shutil.rmtree(work / f"cfg{i}", ignore_errors=True)
    return counts


def mutate_model(folder, rng):
    """One random damage to a copy of a model folder; returns what was done."""
    weights = folder / "model.safetensors"
    data = bytearray(weights.read_bytes())
    choice = rng.randrange(6)
    if choice == 0:
        at = rng.randrange(min(len(data), 8 + int.from_bytes(data[:8], "little")))
        data[at] ^= 1 << rng.randrange(8)
        weights.write_bytes(data)
        return f"bit flipped in the header at byte {at}"
    if choice == 1:
        at = rng.randrange(len(data))
        weights.write_bytes(data[:at])
        return f"model.safetensors truncated to {at} bytes"
    if choice == 2:
        data[:8] = rng.randrange(2 ** 63).to_bytes(8, "little")
        weights.write_bytes(data)
        return "header length replaced"
    if choice == 3:
        config = json.loads((folder / "config.json").read_text())
        key = rng.choice(sorted(config))
        value = rng.choice([-1, 0, 1, 2.5, 1e300, 10 ** 12, "abc", None, [], {}, True])
        config[key] = value
        (folder / "config.json").write_text(json.dumps(config))
        return f"config.json {key} = {value!r}"
    if choice == 4:
        text = (folder / "tokenizer.json").read_text()
        (folder / "tokenizer.json").write_text(text[:rng.randrange(len(text))])
        return "tokenizer.json truncated"
    (folder / "config.json").write_text("{" * rng.randint(1, 3))
    return "config.json not JSON"


def models(work, cases, rng, report):
    source = work / "base" / "final"
    counts = {"accepted": 0, "refused": 0, "defect": 0}
    for i in range(cases):
        folder = work / f"model{i}"
        shutil.copytree(source, folder)
        what = mutate_model(folder, rng)
        code, out = run(["generate", "--model", str(folder), "--prompt", "the", "--max-new-tokens", "2"], timeout=120)
        kind = classify(code, out)
        counts[kind] += 1
        if kind == "defect":
            report.append(f"models: exit {code} for {what}: {out.strip().splitlines()[-1:]}")
        shutil.rmtree(folder)
    return counts


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def kills(work, count, rng, report):
    straight = sha256(work / "base" / "final" / "model.safetensors")
    same = 0
    for i in range(count):
        config = write_config(work, f"kill{i}")
        process = subprocess.Popen([PERENNIAL, "train", str(config)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(3, 9))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        code, out = run(["train", str(config)], timeout=300)
        final = work / f"kill{i}" / "final" / "model.safetensors"
        if code == 0 and final.exists() and sha256(final) == straight:
            same += 1
        else:
            report.append(f"kills: resume {i} ended with exit {code}, weights "
                          f"{'equal' if final.exists() and sha256(final) == straight else 'different'}")
        shutil.rmtree(work / f"kill{i}", ignore_errors=True)
    return {"identical": same, "different": count - same}


def checkpoints(work, count, rng, report):
    fell_back = 0
    for i in range(count):
        config = write_config(work, f"ckpt{i}", steps0=20, steps1=10)
        run(["train", str(config)], timeout=300)
        newest = sorted((work / f"ckpt{i}" / "checkpoints").glob("step-*"))[-1]
        victim = rng.choice(sorted(p for p in newest.iterdir() if p.name != "manifest.json"))
        data = bytearray(victim.read_bytes())
        data[rng.randrange(len(data))] ^= 1
        victim.write_bytes(data)
        appended = work / f"ckpt{i}-more.yaml"
        appended.write_text(config.read_text() + "  - {name: d2, steps: 5, data: [{corpus: d0}], "
                            "schedule: {family: constant, max_lr: 1e-3}}\n")
        code, out = run(["train", str(appended)], timeout=300)
        if code == 0 and "is damaged" in out:
            fell_back += 1
        else:
            report.append(f"checkpoints: damaged {victim.name}: exit {code}, {out.strip().splitlines()[-1:]}")
        shutil.rmtree(work / f"ckpt{i}", ignore_errors=True)
    return {"fell back": fell_back, "other": count - fell_back}


TRAVERSALS = ["../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd", "/etc/passwd",
              "..\\..\\etc\\passwd", "base/../../../../etc/passwd", "base%00.txt", "a" * 5000, "base/final/../../..",
              "%252e%252e%252fetc%252fpasswd", "base/checkpoints/../../../etc/passwd", "~root", "$HOME", "base;ls"]
PATHS = ["/api/runs/{}", "/api/metrics/{}", "/api/events/{}?since=0", "/api/experiments/{}",
         "/api/experiment-file?name={}&file=report.md", "/api/experiment-file?name=base&file={}", "/runs/{}",
         "/models/{}", "/{}"]


def http(url, body=None, timeout=60):
    """(status, body text); a refused or broken connection is status 0."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"} if body else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(1 << 20).decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read(1 << 20).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e)


def serve(work, cases, report):
    secret = "root:x:0:0"
    log = open(work / "serve.log", "w")
    process = subprocess.Popen([PERENNIAL, "serve", "--runs", str(work), "--port", "0"], stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = None
        for _ in range(240):
            text = (work / "serve.log").read_text()
            if "http://" in text:
                url = text[text.index("http://"):].split()[0].rstrip(";/") + "/"
                break
            time.sleep(0.5)
        assert url, (work / "serve.log").read_text()
        refused = leaked = server_errors = 0
        for path in PATHS:
            for name in TRAVERSALS:
                status, body = http(url + path.format(name).lstrip("/"), timeout=10)
                leaked += secret in body
                server_errors += status >= 500 or status == 0
                refused += 400 <= status < 500
                if secret in body or status >= 500 or status == 0:
                    report.append(f"serve: {path.format(name)[:80]} answered {status}")
        for body in [b"{", b"[]", b'{"model": 1}', b'{"model": "base/final", "max_tokens": -1}',
                     b'{"model": "base/final", "prompt": "x", "max_tokens": 100000000}', b"\xff\xfe", b"{}" * 100000]:
            status, _ = http(url + "v1/completions", body, timeout=30)
            server_errors += status >= 500 or status == 0
            refused += 400 <= status < 500
            if status >= 500 or status == 0:
                report.append(f"serve: a malformed completion body {body[:40]!r} answered {status}")
        statuses = []
        lock = threading.Lock()

        def client(n):
            for i in range(n):
                request = json.dumps({"model": "base/final", "prompt": "the data", "max_tokens": 8,
                                      "stream": i % 2 == 1}).encode()
                status, _ = http(url + "v1/completions", request, timeout=120)
                with lock:
                    statuses.append(status)

        threads = [threading.Thread(target=client, args=(max(1, cases // 8),)) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        load_errors = sum(1 for s in statuses if s >= 500 or s == 0)
        if load_errors:
            report.append(f"serve: {load_errors} of {len(statuses)} completions under load failed")
        return {"attacks refused": refused, "leaked": leaked, "5xx": server_errors,
                "completions": len(statuses), "completions 200": statuses.count(200),
                "completions 429": statuses.count(429), "completions failed": load_errors}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        log.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100, help="configs and model folders each (default 100)")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temporary folder)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = args.keep or Path(tempfile.mkdtemp(prefix="perennial-robustness-"))
    work.mkdir(parents=True, exist_ok=True)
    report = []
    try:
        make_corpora(work)
        code, out = run(["train", str(write_config(work, "base"))], timeout=600)
        assert code == 0, out
        results = {
            "configs": configs(work, args.cases, rng, report),
            "models": models(work, args.cases * 2, rng, report),
            "kills": kills(work, args.kills, rng, report),
            "checkpoints": checkpoints(work, args.kills, rng, report),
            "serve": serve(work, args.cases, report),
        }
        for name, counts in results.items():
            print(f"{name:12} " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
        for line in report:
            print("  " + line)
        return 1 if report else 0
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
