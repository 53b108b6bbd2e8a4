#!/bin/sh
# VITS text-to-speech and DETR object detection against PyTorch eager on the same machine, alternately, at the real
# checkpoints' shapes with random weights: 'perennial bench pipeline text-to-speech|object-detection' against
# tools/reference/vits.py --time and detr.py --bench (the float64 references' code run in float32 under no_grad),
# the same threads on both sides. Each run is a fresh process; its first call is reported apart from the later ones
# (a command line pays the first, a server the later ones). Prints every round, then for each side the range of the
# wall and CPU seconds of the later calls and the ratio PyTorch / Perennial of their medians, with the load average
# before and after. On a shared machine compare the CPU times: wall times there measure the other work too.
# Writes the model folders into DIR first when they are missing (vits-ljs/, detr/; 300 MB).
# Usage: bench/compare_conv.sh [--runs 2] [--threads N] [--size 800x1066] [--text T] DIR [vits] [detr]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=2
threads=$(nproc)
size=800x1066
text="The quick brown fox jumps over the lazy dog. It was a bright cold day in April."
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --text) text=$2; shift 2 ;;
    *) break ;;
  esac
done
dir=${1:?usage: bench/compare_conv.sh [--runs N] [--threads N] DIR [vits] [detr]}
shift
models=${*:-"vits detr"}
python=/usr/bin/python3
log=$(mktemp)
trap 'rm -f "$log"' EXIT

[ -d "$dir/vits-ljs" ] || "$python" "$root/tools/reference/vits.py" --random-checkpoint vits-ljs "$dir/vits-ljs"
[ -d "$dir/detr" ] || "$python" "$root/tools/reference/detr.py" --real "$dir/detr" >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $threads threads"
height=${size%x*}
width=${size#*x}
i=0
while [ "$i" -lt "$runs" ]; do
  for model in $models; do
    if [ "$model" = vits ]; then
      "$root/perennial" bench pipeline text-to-speech --model "$dir/vits-ljs" --text "$text" --warmup 0 \
        --iterations 3 --threads "$threads" --format json 2>/dev/null \
        | sed 's/^/vits perennial /' | tee -a "$log"
      "$python" "$root/tools/reference/vits.py" --time "$dir/vits-ljs" "$text" 3 "$threads" \
        | sed 's/^/vits pytorch /' | tee -a "$log"
    else
      "$root/perennial" bench pipeline object-detection --model "$dir/detr" --size "$size" --warmup 0 \
        --iterations 3 --threads "$threads" --format json 2>/dev/null \
        | sed 's/^/detr perennial /' | tee -a "$log"
      "$python" "$root/tools/reference/detr.py" --bench "$height" "$width" "$threads" \
        | sed 's/^/detr pytorch /' | tee -a "$log"
    fi
  done
  i=$((i + 1))
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "$log" <<'EOF'
import json, re, statistics, sys
later = {}  # (model, side): [(wall, cpu)] of every call but a process's first
for line in open(sys.argv[1]):
    model, side, rest = line.split(" ", 2)
    if rest.startswith("{"):
        j = json.loads(rest)
        first = j["round" if side == "perennial" else "repeat"] == 0
        wall = j["wall_ms"] / 1000 if side == "perennial" else j["synthesis_seconds"]
        cpu = j["cpu_ms"] / 1000 if side == "perennial" else j["cpu_seconds"]
    else:
        m = re.match(r"forward (\d+): ([\d.]+) s, CPU ([\d.]+) s", rest)
        first, wall, cpu = m.group(1) == "0", float(m.group(2)), float(m.group(3))
    if not first:
        later.setdefault((model, side), []).append((wall, cpu))
for model in ("vits", "detr"):
    rows = {side: later.get((model, side), []) for side in ("perennial", "pytorch")}
    if not rows["perennial"] or not rows["pytorch"]:
        continue
    for side, xs in rows.items():
        print("%s %-9s later calls: wall %.2f-%.2f s, CPU %.2f-%.2f s (%d)" % (model, side, min(w for w, _ in xs),
              max(w for w, _ in xs), min(c for _, c in xs), max(c for _, c in xs), len(xs)))
    med = {side: (statistics.median(w for w, _ in xs), statistics.median(c for _, c in xs)) for side, xs in rows.items()}
    print("%s ratio PyTorch / Perennial of the medians: wall %.2f, CPU %.2f" % (
        model, med["pytorch"][0] / med["perennial"][0], med["pytorch"][1] / med["perennial"][1]))
EOF
