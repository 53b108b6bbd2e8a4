#!/bin/sh
# BLIP's captions and answers against PyTorch eager on the same machine, alternately, at Salesforce's base shapes with
# random weights: 'perennial bench pipeline image-to-text|visual-question-answering' and tools/reference/blip.py
# --time (the reference's model in float32 under torch.no_grad(), greedy with a KV cache), each round printing
# items/s of both and the load average. Needs Debian's python3-torch.
# Usage: bench/compare_blip.sh [ROUNDS] [BATCH] [TASK ...]   (defaults: 2 rounds, batch 1, both tasks)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-2}
batch=${2:-1}
shift $(( $# < 2 ? $# : 2 ))
tasks=${*:-"image-to-text visual-question-answering"}
threads=${OMP_NUM_THREADS:-$(nproc)}
for round in $(seq 1 "$rounds"); do
  for task in $tasks; do
    case "$task" in
      image-to-text) kind=caption ;;
      *) kind=vqa ;;
    esac
    echo "round $round $task batch $batch, OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-default}, load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$root/perennial" bench pipeline "$task" --batch "$batch" --warmup 1 --iterations 2 2>/dev/null | tail -n 1
    echo "  load $(cut -d' ' -f1-3 /proc/loadavg)"
    OMP_NUM_THREADS=$threads /usr/bin/python3 "$root/tools/reference/blip.py" --time --rounds 3 --batch "$batch" \
      --kind "$kind" | sed 's/^/  pytorch /'
  done
done
