#!/bin/sh
# Perennial's encoder-decoder generation against PyTorch eager on the same machine, alternately, round by round:
# 'perennial bench pipeline summarization|translation' and tools/reference/{bart,m2m100}.py --time (the float64
# references in float32 under torch.no_grad(), with a KV cache: tools/reference/seq2seq_timing.py), on a folder
# written by that script's --write-real-shape (bart-large-cnn's or nllb-200-distilled-600M's shape, random weights).
# Each round both sides encode --seq random ids and generate exactly --tokens new tokens, greedy and with 4 beams;
# the script prints tokens/s of both per round and the ratio, then the range over the rounds.
# Needs Debian's python3-torch (apt-get install python3-torch libopenblas0-openmp).
# Usage: bench/compare_seq2seq.sh summarization|translation DIR [--rounds 3] [--seq 64] [--tokens 32]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
task=$1
dir=$2
shift 2
rounds=3
seq=64
tokens=32
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --seq) seq=$2; shift 2 ;;
    --tokens) tokens=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$task" in
  summarization) script=bart.py ;;
  translation) script=m2m100.py ;;
  *) echo "task is summarization or translation" >&2; exit 2 ;;
esac
python=/usr/bin/python3
threads=${OMP_NUM_THREADS:-$(nproc)}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
i=0
while [ "$i" -lt "$rounds" ]; do
  OMP_NUM_THREADS=$threads "$root/perennial" bench pipeline "$task" --model "$dir" --seq "$seq" --tokens "$tokens" --beams 1,4 \
    --iterations 1 --format json 2>/dev/null | sed "s/^/java $i /" >>"$log"
  OMP_NUM_THREADS=$threads "$python" "$root/tools/reference/$script" --time "$dir" --seq "$seq" --tokens "$tokens" \
    --beams 1,4 --rounds 1 | sed "s/^/pytorch $i /" >>"$log"
  i=$((i + 1))
done
"$python" - "$log" "$(cat /proc/loadavg)" <<'EOF2'
import json, sys
rates = {}
for line in open(sys.argv[1]):
    side, r, body = line.split(" ", 2)
    row = json.loads(body)
    rates.setdefault((row["search"], int(r)), {})[side] = row["tokens_per_second"]
print(f"{'search':<8} {'round':>5} {'perennial tok/s':>16} {'pytorch tok/s':>14} {'ratio':>6}")
ratios = {}
for (search, r), sides in sorted(rates.items()):
    ratio = sides["java"] / sides["pytorch"]
    ratios.setdefault(search, []).append(ratio)
    print(f"{search:<8} {r:>5} {sides['java']:>16.2f} {sides['pytorch']:>14.2f} {ratio:>6.2f}")
for search, rs in ratios.items():
    print(f"{search}: Perennial/PyTorch {min(rs):.2f}-{max(rs):.2f} over {len(rs)} rounds (load average {sys.argv[2].split()[0]} at the end)")
EOF2
