#!/usr/bin/env bash
# gpu_training.sh WORKDIR: training on CUDA; skips (exit 77) where parlance
# sees no GPU (CI). On human numbers: 1 rank over NCCL in fp32, bf16 and fp16
# reaches 0.80 accuracy; 2 ranks (NCCL with a GPU each, else MPI carrying CUDA
# tensors, said in one line) too; a CUDA run stopped and resumed ends where
# the uninterrupted run does; eval and generate read a CUDA-trained run; no
# LibTorch warning is printed twice.
set -euo pipefail
source "$(dirname "$0")/common.sh"
digest=${DIGEST_BIN:?}
gpus=$(cuda_devices)
[ "$gpus" -gt 0 ] || { echo "SKIP: parlance sees no CUDA device ($("$bin" --version))"; exit 77; }
work=$1; rm -rf "$work"; mkdir -p "$work"
prep_human_numbers "$work"
hn=(configs/human_numbers_lm.toml --data "$work/hn.h5" --set train.device=cuda)
# check RUN OUT ERR: the last epoch's accuracy, one line per distinct warning.
check() {
  /usr/bin/python3 - "$1/metrics.jsonl" <<'PY' || { cat "$2" "$3"; exit 1; }
import json, sys
m = [json.loads(l) for l in open(sys.argv[1])][-1]
print(f"{sys.argv[1]}: accuracy {m['accuracy']:.4f}, {m['tokens_per_s']:.0f} tokens/s")
assert m["accuracy"] >= 0.80, m
PY
  local repeated; repeated=$(grep -i "warn" "$3" | sort | uniq -d)
  [ -z "$repeated" ] || { echo "FAIL: a warning printed more than once: $repeated"; exit 1; }
}
for p in fp32 bf16 fp16; do
  "$bin" train "${hn[@]}" --run "$work/$p" --set train.precision=$p > "$work/$p.out" 2> "$work/$p.err"
  grep -q "device cuda:0, backend nccl" "$work/$p.out" || { echo "FAIL ($p): not NCCL on cuda:0"; cat "$work/$p.out"; exit 1; }
  check "$work/$p" "$work/$p.out" "$work/$p.err"
done
"$root/launch/mpirun" 2 "$bin" train "${hn[@]}" --run "$work/np2" > "$work/np2.out" 2> "$work/np2.err"
if [ "$gpus" -ge 2 ]; then
  grep -q "backend nccl" "$work/np2.out" || { echo "FAIL: 2 ranks, 2 GPUs, not NCCL"; cat "$work/np2.out"; exit 1; }
else
  grep -q "2 ranks share 1 visible GPU on this node; gradients go through MPI" "$work/np2.out" \
    && grep -q "device cuda:0, backend mpi" "$work/np2.out" \
    || { echo "FAIL: 2 ranks on 1 GPU did not fall back to MPI"; cat "$work/np2.out" "$work/np2.err"; exit 1; }
fi
check "$work/np2" "$work/np2.out" "$work/np2.err"

# Stopped at step 60 of 4 epochs (~45 steps each), resumed: the same run.
short=("${hn[@]}" --set train.epochs=4)
"$bin" train "${short[@]}" --run "$work/whole" > /dev/null 2>&1
"$bin" train "${short[@]}" --run "$work/part" --set train.max_steps=60 > /dev/null 2>&1
"$bin" train "${short[@]}" --run "$work/part" --resume > "$work/resume.out" 2>&1
grep -q "resuming" "$work/resume.out" || { echo "FAIL: did not resume"; cat "$work/resume.out"; exit 1; }
if diff <("$digest" "$work/whole/checkpoints/last.pt") <("$digest" "$work/part/checkpoints/last.pt") > /dev/null; then
  echo "resume on CUDA: bit-exact"
else
  echo "resume on CUDA: weights not bit-identical (cuDNN reductions); comparing the metrics"
fi
/usr/bin/python3 - "$work/whole/metrics.jsonl" "$work/part/metrics.jsonl" <<'PY'
import json, sys
whole, part = ([json.loads(l) for l in open(f)] for f in sys.argv[1:])
assert len(whole) == len(part) == 4, (whole, part)
for a, b in zip(whole, part):
    for k in ("train_loss", "valid_loss", "accuracy"):
        assert abs(a[k] - b[k]) <= 1e-3 * abs(a[k]), (a["epoch"], k, a[k], b[k])
print("resumed metrics match:", [round(r["valid_loss"], 5) for r in part])
PY

# A CUDA-trained run evaluates (on the CPU) to its last epoch's numbers, and generates.
ev=$("$bin" eval "$work/fp32" --split valid)
echo "$ev"
/usr/bin/python3 - "$work/fp32/metrics.jsonl" "$ev" <<'PY'
import json, re, sys
m = [json.loads(l) for l in open(sys.argv[1])][-1]
acc = float(re.search(r"accuracy ([0-9.]+)", sys.argv[2]).group(1))
assert abs(acc - m["accuracy"]) < 2e-3, (acc, m["accuracy"])
PY
text=$("$bin" generate "$work/fp32" --prompt "eight thousand one , eight thousand two ," --words 12 --temperature 0.3)
echo "$text"
[ "$(echo "$text" | wc -w)" -ge 12 ]
echo "gpu training ok"
