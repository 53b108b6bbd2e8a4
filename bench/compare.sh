#!/bin/sh
# Perennial against PyTorch eager on the same machine, alternately, on docs/architecture.md's shapes
# (vocab/hidden/layers/heads/seq/batch), printing tokens/s of both, their ratio, and raw matmul GFLOP/s; then
# KV-cached greedy generation (batch 1, 16-token prompt, 64 new tokens) on the 160M shape.
# Needs Debian's python3-torch and libopenblas0-openmp (apt-get install python3-torch libopenblas0-openmp).
# PyTorch runs as a user would start it; --same-malloc preloads into it the malloc that ./perennial preloads
# (tcmalloc, when installed), to show what is left when both have it.
# --precision bf16-mixed trains both sides in mixed precision (Perennial's bf16 working copy, PyTorch's CPU autocast;
# fp32 master weights and AdamW state on both); generation stays fp32.
# Usage: bench/compare.sh [--arch gpt-neox|llama] [--precision fp32|bf16-mixed] [--steps N] [--same-malloc]
#        [--no-generate] [SHAPE ...]   (SHAPE like 4096/128/4/4/128/32)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/speed-env.sh" # where ./perennial finds the libraries it preloads
arch=gpt-neox
precision=fp32
steps=8
generate=yes
py_preload=${LD_PRELOAD:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch=$2; shift 2 ;;
    --precision) precision=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --same-malloc) py_preload="$perennial_tcmalloc${py_preload:+:$py_preload}"; shift ;;
    --no-generate) generate=no; shift ;;
    *) break ;;
  esac
done
shapes=${*:-"4096/128/4/4/128/32 4096/256/4/4/256/16 8192/384/6/6/256/8 50304/768/12/12/256/4"}
python=/usr/bin/python3
threads=${OMP_NUM_THREADS:-$(nproc)}

shape_args() {
  IFS=/ read -r v d l h t b <<EOF2
$1
EOF2
  echo "--arch $arch --vocab $v --hidden $d --layers $l --heads $h --seq $t --batch $b"
}

reference() {
  OMP_NUM_THREADS=$threads LD_PRELOAD="$py_preload" "$python" "$root/bench/pytorch_reference.py" "$@"
}

printf '%-24s %12s %12s %7s %14s %14s\n' "train shape ($precision)" perennial pytorch ratio "matmul GF/s J" \
  "matmul GF/s Py"
for shape in $shapes; do
  args="$(shape_args "$shape") --steps $steps --precision $precision"
  java=$("$root/perennial" bench train $args --format json)
  py=$(reference $args)
  "$python" - "$shape" "$java" "$py" <<'EOF3'
import json, sys
shape, j, p = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"{shape:<24} {j['tokens_per_second']:12,.0f} {p['tokens_per_second']:12,.0f} {j['tokens_per_second'] / p['tokens_per_second']:7.2f} "
      f"{j['matmul_gflops']:14.1f} {p['matmul_gflops']:14.1f}")
EOF3
done

if [ "$generate" = yes ]; then
  printf '\n%-24s %12s %12s %7s\n' "generate shape" perennial pytorch ratio
  shape=50304/768/12/12
  args="$(shape_args "$shape/1/1" | sed 's/ --seq 1 --batch 1//') --prompt-tokens 16 --new-tokens 64"
  java=$("$root/perennial" bench generate $args --cache with --format json)
  py=$(reference $args --generate)
  "$python" - "$shape" "$java" "$py" <<'EOF4'
import json, sys
shape, j, p = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"{shape:<24} {j['tokens_per_second']:12,.1f} {p['tokens_per_second']:12,.1f} {j['tokens_per_second'] / p['tokens_per_second']:7.2f}")
EOF4
fi
