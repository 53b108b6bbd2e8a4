#!/bin/sh
# Perennial's pipelines against PyTorch eager on the same machine, alternately, at real checkpoints' shapes with
# random weights: 'perennial bench pipeline' and bench/pipeline_reference.py (tools/reference's BERT and CLIP in
# float32 under torch.no_grad()), printing items/s of both per batch size and their ratio, and for CLIP the time
# to preprocess a 640x480 JPEG (Perennial's decoder and CLIP pixel values; PIL and NumPy doing
# CLIPImageProcessor's steps) and its share of the time per image (preprocessing + model), Perennial/PyTorch.
# SHAPE is minilm-l6 (feature-extraction, --seq tokens), clip-b32 or clip-l14 (image embeddings, as
# zero-shot-image-classification computes them).
# Needs Debian's python3-torch and libopenblas0-openmp (apt-get install python3-torch libopenblas0-openmp).
# PyTorch runs as a user would start it; --same-malloc preloads into it the malloc that ./perennial preloads
# (tcmalloc, when installed), to show what is left when both have it.
# Usage: bench/compare_pipeline.sh [--iterations N] [--warmup N] [--batch 1,32] [--seq 32] [--same-malloc] [SHAPE ...]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/speed-env.sh" # where ./perennial finds the libraries it preloads
iterations=5
warmup=2
batch=1,32
seq=32
py_preload=${LD_PRELOAD:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --iterations) iterations=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --seq) seq=$2; shift 2 ;;
    --same-malloc) py_preload="$perennial_tcmalloc${py_preload:+:$py_preload}"; shift ;;
    *) break ;;
  esac
done
shapes=${*:-"minilm-l6 clip-b32 clip-l14"}
python=/usr/bin/python3
threads=${OMP_NUM_THREADS:-$(nproc)}

reference() {
  OMP_NUM_THREADS=$threads LD_PRELOAD="$py_preload" "$python" "$root/bench/pipeline_reference.py" "$@"
}

printf '%-10s %6s %8s %14s %14s %7s %16s\n' shape batch unit perennial/s pytorch/s ratio "preprocess J/Py"
for shape in $shapes; do
  case "$shape" in
    minilm-l6) task=feature-extraction ;;
    *) task=zero-shot-image-classification ;;
  esac
  args="$task --model-shape $shape --batch $batch --seq $seq --iterations $iterations --warmup $warmup"
  java=$("$root/perennial" bench pipeline $args --format json)
  py=$(reference $args)
  "$python" - "$shape" "$java" "$py" <<'EOF2'
import json, sys
shape, j, p = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
by_batch = {r["batch"]: r for r in p["results"]}
for r in j["results"]:
    q = by_batch[r["batch"]]
    pre = ""
    if j.get("preprocess_ms_per_image") is not None:
        share = lambda x: "" if x.get("preprocess_share") is None else f"{100 * x['preprocess_share']:.0f}%"
        py_ms = p.get("preprocess_ms_per_image")
        pre = f"{j['preprocess_ms_per_image']:.1f}/{py_ms:.1f} ms" if py_ms else f"{j['preprocess_ms_per_image']:.1f} ms"
        pre += f" ({share(r)}/{share(q)})" if py_ms else f" ({share(r)})"
    print(f"{shape:<10} {r['batch']:6d} {j['unit']:>8} {r['items_per_second']:14,.1f} {q['items_per_second']:14,.1f} "
          f"{r['items_per_second'] / q['items_per_second']:7.2f} {pre:>16}")
if j.get("preprocess_ms_per_image") is not None:
    line = (f"{'':<10} preprocessing a 640x480 JPEG: Perennial {j['preprocess_ms_per_image']:.2f} ms (decode "
            f"{j['decode_ms_per_image']:.2f} + pixel values {j['pixel_values_ms_per_image']:.2f})")
    if p.get("preprocess_ms_per_image") is not None:
        line += (f", PIL + NumPy {p['preprocess_ms_per_image']:.2f} ms (decode {p['decode_ms_per_image']:.2f} + "
                 f"pixel values {p['pixel_values_ms_per_image']:.2f})")
    print(line)
EOF2
done
