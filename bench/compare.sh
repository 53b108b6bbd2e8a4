#!/bin/sh
# Perennial against PyTorch eager on the same machine, alternately, on DESIGN.md's shapes
# (vocab/hidden/layers/heads/seq/batch), printing tokens/s of both, their ratio, and raw matmul GFLOP/s.
# Needs Debian's python3-torch and libopenblas0-openmp (apt-get install python3-torch libopenblas0-openmp).
# Usage: bench/compare.sh [--arch gpt-neox|llama] [--steps N] [SHAPE ...]   (SHAPE like 4096/128/4/4/128/32)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
arch=gpt-neox
steps=8
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    *) break ;;
  esac
done
shapes=${*:-"4096/128/4/4/128/32 4096/256/4/4/256/16 8192/384/6/6/256/8 50304/768/12/12/256/4"}
python=/usr/bin/python3
printf '%-24s %12s %12s %7s %14s %14s\n' shape perennial pytorch ratio "matmul GF/s J" "matmul GF/s Py"
for shape in $shapes; do
  IFS=/ read -r v d l h t b <<EOF2
$shape
EOF2
  args="--arch $arch --vocab $v --hidden $d --layers $l --heads $h --seq $t --batch $b --steps $steps"
  java=$("$root/perennial" bench train $args --format json)
  py=$(OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)} "$python" "$root/bench/pytorch_reference.py" $args)
  "$python" - "$shape" "$java" "$py" <<'EOF3'
import json, sys
shape, j, p = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"{shape:<24} {j['tokensPerSecond']:12,.0f} {p['tokens_per_second']:12,.0f} {j['tokensPerSecond'] / p['tokens_per_second']:7.2f} "
      f"{j['matmulGflops']:14.1f} {p['matmul_gflops']:14.1f}")
EOF3
done
