#!/bin/sh
# Perennial's depth-estimation pipeline against PyTorch eager on the same machine, alternately: 'perennial bench
# pipeline depth-estimation' and tools/reference/dpt.py --time (the float64 reference's code in float32 under
# torch.no_grad(): DPTImageProcessor's steps with PIL, the model, the bicubic resize and the picture), both on a DPT
# folder at Intel/dpt-hybrid-midas's shape with random weights (written by tools/reference/dpt.py --real DIR when DIR
# does not exist) and the same image, with the same number of threads. Prints each side's ms per image, round by round.
# Usage: bench/compare_depth.sh [--rounds 3] [--images 3] [--threads N] DIR IMAGE
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=3
images=3
threads=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --images) images=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) break ;;
  esac
done
dir=$1
image=$2
python=/usr/bin/python3
[ -d "$dir" ] || "$python" "$root/tools/reference/dpt.py" --real "$dir"
export OMP_NUM_THREADS=$threads
round=1
while [ "$round" -le "$rounds" ]; do
  echo "round $round, load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$root/perennial" bench pipeline depth-estimation --model "$dir" --image "$image" --warmup 1 \
    --iterations "$images" | sed -n 's/^  image: /  perennial: /p'
  # the first image warms PyTorch up, as --warmup 1 does Perennial
  "$python" "$root/tools/reference/dpt.py" --time "$dir" "$image" $((images + 1)) | tail -n "$images" \
    | sed 's/^image [0-9]*: /  pytorch:   /'
  round=$((round + 1))
done
