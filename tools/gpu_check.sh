#!/bin/sh
# tools/gpu_check.sh: checks Perennial's GPU path on a machine with an NVIDIA GPU and its driver.
#
#   1. builds with the cuda profile (./mvnw -Pcuda: libtorch's -gpu natives and CUDA's redistributable libraries;
#      about 850 MB from Maven Central the first time);
#   2. runs the tests that compare numbers with PERENNIAL_TEST_DEVICE=cuda (logits and 20 AdamW steps on the GPU
#      against the CPU, weights saved from the GPU) and the device refusals;
#   3. trains a tiny model for a few steps with device: cuda and precision: bf16-mixed on the embedded demo data,
#      and compares the GPU's peak memory with `perennial plan`'s figure;
#   4. prints a report (also written to $OUT/gpu_check.txt, OUT defaulting to target/gpu-check).
#
# Exit status: 0 all passed; 3 no usable NVIDIA GPU (nothing else is tried); 4 the -Pcuda build failed; 5 the
# device tests failed; 6 the training run failed. Run from anywhere: ./tools/gpu_check.sh
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/target/gpu-check}
mkdir -p "$out"
report="$out/gpu_check.txt"
: >"$report"

say() {
  echo "$*" | tee -a "$report"
}

fail() {
  code=$1
  shift
  say "gpu_check: FAILED: $*"
  exit "$code"
}

say "gpu_check: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)"

# 1. A GPU and its driver, before anything is built.
if ! command -v nvidia-smi >/dev/null 2>&1; then
  fail 3 "no nvidia-smi on PATH: this machine has no NVIDIA driver (or no NVIDIA GPU); run this script on a GPU machine"
fi
if ! gpus=$(nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader 2>&1) \
    || [ -z "$gpus" ]; then
  fail 3 "nvidia-smi found no usable GPU: $gpus"
fi
say "GPUs (index, name, memory, driver):"
echo "$gpus" | sed 's/^/  /' | tee -a "$report"
memory_mib=$(echo "$gpus" | head -n 1 | cut -d, -f3 | tr -dc '0-9')

# 2. The -Pcuda build.
say "building with -Pcuda (log: $out/build.log)"
if ! (cd "$root" && ./mvnw -B -q -Pcuda -DskipTests package >"$out/build.log" 2>&1); then
  tail -n 20 "$out/build.log" | tee -a "$report"
  fail 4 "the -Pcuda build failed; see $out/build.log"
fi
say "build: ok"

# 3. The numerical tests on the device.
say "device tests with PERENNIAL_TEST_DEVICE=cuda (log: $out/tests.log)"
if ! (cd "$root" && PERENNIAL_TEST_DEVICE=cuda ./mvnw -B -Pcuda test -Dtest='DeviceParityTest,DeviceTest' \
    -Dsurefire.failIfNoSpecifiedTests=false >"$out/tests.log" 2>&1); then
  grep -E 'Tests run|FAIL|expected|Expecting' "$out/tests.log" | head -n 20 | tee -a "$report"
  fail 5 "the device tests failed; see $out/tests.log"
fi
grep -E 'Tests run:.*in dev' "$out/tests.log" | sed 's/^/  /' | tee -a "$report"

# 4. A short bf16-mixed training run on the GPU.
run="$out/run"
rm -rf "$run"
mkdir -p "$run"
perennial() {
  "$root/perennial" "$@"
}
say "training: a tiny Llama, 30 steps, device: cuda, precision: bf16-mixed (log: $out/train.log)"
if ! perennial prepare --tokenizer byte --input "$root/data/en-tech.jsonl.gz" --out "$run/en" \
    >"$out/train.log" 2>&1; then
  tail -n 5 "$out/train.log" | tee -a "$report"
  fail 6 "preparing the demo corpus failed; see $out/train.log"
fi
cat >"$run/run.yaml" <<'EOF'
seed: 0
seq_len: 256
global_batch: 16
micro_batch: 8
tokenizer: byte
device: cuda
precision: bf16-mixed
corpora: {en: en}
model:
  config: {model_type: llama, vocab_size: 257, hidden_size: 256, num_hidden_layers: 4, num_attention_heads: 8,
           num_key_value_heads: 4, intermediate_size: 688, max_position_embeddings: 256}
eval: {interval: 10, sequences: 16}
checkpoint: {interval: 30, keep: 1}
out: out
stages:
  - {name: en, steps: 30, data: [{corpus: en}], schedule: {family: cosine, max_lr: 1e-3, warmup: 0.1}}
EOF
nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0 -lms 200 >"$out/memory.csv" 2>/dev/null &
sampler=$!
start=$(date +%s)
perennial train "$run/run.yaml" >>"$out/train.log" 2>&1
status=$?
kill "$sampler" 2>/dev/null
seconds=$(( $(date +%s) - start ))
if [ "$status" -ne 0 ]; then
  tail -n 10 "$out/train.log" | tee -a "$report"
  fail 6 "the training run exited $status; see $out/train.log"
fi
peak=$(sort -n "$out/memory.csv" | tail -n 1)
losses=$(grep '"type":"step"' "$run/out/metrics.jsonl" | sed -n '1p;$p' | sed 's/.*"loss":\([0-9.eE+-]*\).*/\1/' \
  | tr '\n' ' ')
say "training: ok in ${seconds} s; loss first/last: $losses; final model in $run/out/final"
say "GPU memory used at peak (nvidia-smi, whole GPU, 200 ms samples): ${peak:-?} MiB of ${memory_mib:-?} MiB"
plan=$(perennial plan --config "$run/run.yaml" --gpus 1 --gpu-memory "$(awk "BEGIN {print ${memory_mib:-0} / 1024}")" \
  2>&1 | grep -E '^  total')
say "perennial plan for the same run:${plan}"
say "gpu_check: PASSED"
