#!/usr/bin/env bash
# human_numbers_e2e.sh WORKDIR: demo-data → prep (2 ranks) → train (2 ranks)
# → accuracy >= 0.80 → eval agrees → generate produces text.
set -euo pipefail
source "$(dirname "$0")/common.sh"
work=$1; rm -rf "$work"; mkdir -p "$work"
prep_human_numbers "$work"
"$root/launch/mpirun" 2 "$bin" train configs/human_numbers_lm.toml --data "$work/hn.h5" --run "$work/run"
last=$(tail -n 1 "$work/run/metrics.jsonl")
echo "last epoch: $last"
/usr/bin/python3 - "$last" <<'PY'
import json, sys
m = json.loads(sys.argv[1])
assert m["ranks"] == 2, m
assert m["accuracy"] >= 0.80, f"accuracy {m['accuracy']:.4f} < 0.80"
PY
eval_line=$("$root/launch/mpirun" 2 "$bin" eval "$work/run" --split valid)
echo "$eval_line"
/usr/bin/python3 - "$last" "$eval_line" <<'PY'
import json, re, sys
m = json.loads(sys.argv[1])
acc = float(re.search(r"accuracy ([0-9.]+)", sys.argv[2]).group(1))
assert abs(acc - m["accuracy"]) < 1e-3, (acc, m["accuracy"])
PY
# eval --device: on the CPU by request it agrees too (on a GPU machine the
# default evaluates this GPU-trained run on the GPU); cuda where LibTorch sees
# no GPU is one agreed line and exit 1.
cpu_line=$("$root/launch/mpirun" 2 "$bin" eval "$work/run" --split valid --device cpu)
/usr/bin/python3 - "$eval_line" "$cpu_line" <<'PY'
import re, sys
a, b = (float(re.search(r"accuracy ([0-9.]+)", x).group(1)) for x in sys.argv[1:])
assert abs(a - b) < 1e-3, (a, b)
PY
if [ "$(cuda_devices)" -eq 0 ]; then
  if "$root/launch/mpirun" 2 "$bin" eval "$work/run" --split valid --device cuda > /dev/null 2> "$work/dev.err"; then
    echo "FAIL: eval --device cuda succeeded without a GPU"; exit 1
  fi
  [ "$(grep -c 'parlance: error: --device cuda, but this LibTorch sees no CUDA device' "$work/dev.err")" = 1 ] \
    || { echo "FAIL: expected one line for --device cuda:"; cat "$work/dev.err"; exit 1; }
fi
text=$("$bin" generate "$work/run" --prompt "eight thousand one , eight thousand two ," --words 20 --temperature 0.3)
echo "$text"
[ "$(echo "$text" | wc -w)" -ge 20 ] || { echo "FAIL: generate produced too little"; exit 1; }
[ -s "$work/run/checkpoints/last.pt" ] && [ -s "$work/run/config.toml" ] && [ -s "$work/run/log/rank1.log" ]
# generate checks its arguments and says which prompt words it does not know.
"$bin" generate "$work/run" --prompt "zebra eight banana" --words 3 2> "$work/gen.err" > /dev/null
grep -q "2 prompt token(s) are not in the model's vocabulary and read as xxunk: zebra, banana" "$work/gen.err" \
  || { echo "FAIL: unknown prompt words not reported"; cat "$work/gen.err"; exit 1; }
if "$bin" generate "$work/run" --prompt "eight" --words -5 2> "$work/gen.err"; then echo "FAIL: --words -5 accepted"; exit 1; fi
grep -q "words" "$work/gen.err"
# A bptt as long as the streams trains one step per epoch: legal, but said.
"$bin" train configs/human_numbers_lm.toml --data "$work/hn.h5" --run "$work/long_bptt" --set train.bptt=5000 \
  --set train.max_steps=1 2> "$work/bptt.err" > "$work/bptt.out"
grep -q "warning: train.bptt = 5000 is not shorter than each of the 16 training streams" "$work/bptt.err" \
  || { echo "FAIL: no bptt warning"; cat "$work/bptt.err"; exit 1; }
# max_steps there ended the epoch with its last step (a metrics row, nothing
# to explain); inside an epoch it is said on stdout and in the rank's log.
if grep -q "stopped after train.max_steps" "$work/bptt.out"; then echo "FAIL: epoch-end stop called partial"; exit 1; fi
"$bin" train configs/human_numbers_lm.toml --data "$work/hn.h5" --run "$work/short" --set train.max_steps=2 > "$work/short.out"
for f in "$work/short.out" "$work/short/log/rank0.log"; do
  grep -q "stopped after train.max_steps = 2 optimizer steps, 2 batches into epoch 0: a partial epoch gets no metrics row" "$f" \
    || { echo "FAIL: mid-epoch max_steps stop not said in $f"; cat "$f"; exit 1; }
done
# The run folder is self-contained: with the prepared file moved away, generate
# still tokenizes and decodes (vocabulary and tokenizer live in the checkpoint),
# and eval reads the moved file when told where it is.
mv "$work/hn.h5" "$work/moved.h5"
alone=$("$bin" generate "$work/run" --prompt "eight thousand one ," --words 5 --temperature 0.3)
echo "without the .h5: $alone"
[ "$(echo "$alone" | wc -w)" -ge 5 ] || { echo "FAIL: generate needs the prepared file"; exit 1; }
moved_line=$("$root/launch/mpirun" 2 "$bin" eval "$work/run" --data "$work/moved.h5" --split valid)
[ "$(echo "$moved_line" | grep -o 'accuracy [0-9.]*')" = "$(echo "$eval_line" | grep -o 'accuracy [0-9.]*')" ] \
  || { echo "FAIL: eval on the moved file differs: $moved_line"; exit 1; }
mv "$work/moved.h5" "$work/hn.h5"
# lr-find: an exponential sweep, written as CSV and SVG.
"$root/launch/mpirun" 2 "$bin" lr-find configs/human_numbers_lm.toml --data "$work/hn.h5" --run "$work/lrf" --iters 30 --start 1e-6 --end 1
/usr/bin/python3 - "$work/lrf/lr_find.csv" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert 2 <= len(rows) <= 30, len(rows)
lrs = [float(r["lr"]) for r in rows]
assert abs(lrs[0] - 1e-6) < 1e-12
ratios = [b / a for a, b in zip(lrs, lrs[1:])]
assert all(abs(r - 10 ** (6 / 29)) < 1e-3 for r in ratios), ratios[:3]
PY
/usr/bin/python3 "$root/tests/plot/check_svg.py" "$work/lrf/lr_find.svg" \
  --text "learning rate" --text "smoothed loss" --text "suggested" --text "minimum" --text "1e-06" --min polyline=1 --numbers 5
# Training curves: the step log has a row every train.log_every steps and at
# each epoch's end; plot draws it with the epochs and every metric column.
/usr/bin/python3 - "$work/run/steps.jsonl" "$work/run/metrics.jsonl" <<'PY'
import json, sys
steps = [json.loads(l) for l in open(sys.argv[1])]
epochs = [json.loads(l) for l in open(sys.argv[2])]
assert len(steps) >= len(epochs) >= 2, (len(steps), len(epochs))
assert [s["step"] for s in steps] == sorted(s["step"] for s in steps)
ends = [s for s in steps if abs(s["epoch"] - round(s["epoch"])) < 1e-9]
assert len(ends) >= len(epochs), "a row at each epoch's end"
assert all(s["train_loss"] > 0 and s["lr"] > 0 for s in steps)
PY
"$bin" plot "$work/run"
/usr/bin/python3 "$root/tests/plot/check_svg.py" "$work/run/curves.svg" \
  --text "train (steps)" --text "valid" --text accuracy --text perplexity --text epoch --min polyline=4 --numbers 10
if "$bin" plot "$work/run" "$work/lrf" 2>"$work/plot_err"; then echo "FAIL: two runs without --out"; exit 1; fi
grep -q "need --out" "$work/plot_err"
if "$bin" plot "$work/lrf" --out "$work/x.svg" 2>"$work/plot_err"; then echo "FAIL: plot of a folder without metrics"; exit 1; fi
grep -q "no metrics.jsonl" "$work/plot_err"
echo "ok"
