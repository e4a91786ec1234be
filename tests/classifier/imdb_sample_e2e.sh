#!/usr/bin/env bash
# imdb_sample_e2e.sh WORKDIR: ULMFiT end to end on fastai's IMDB_SAMPLE, 2 ranks:
# prep → LM (forward and backward) → classifiers with gradual unfreezing →
# accuracy clearly above the majority class → eval agrees with the last epoch
# and prints F1 and the confusion matrix → the fwd+bwd ensemble → predict on
# typed text and on a CSV column → an interrupted classifier resumes exactly.
set -euo pipefail
source "$(dirname "$0")/../train/common.sh"
data="$root/../shared/data/imdb_sample/texts.csv"
[ -f "$data" ] || { echo "SKIP: $data not found"; exit 77; }
work=$1; rm -rf "$work"; mkdir -p "$work"
mpi2() { "$root/launch/mpirun" 2 "$bin" "$@"; }
cpu=(--set train.device=cpu)  # exact-resume semantics are the CPU's; GPU training is tests/train/gpu_training.sh
mpi2 prep configs/imdb_sample_prep.toml --quiet --set prep.input="$data" --out "$work/is.h5"
# The shipped recipes, the LM shortened to 3 epochs.
lm=(--data "$work/is.h5" --set train.epochs=3)
mpi2 train configs/imdb_sample_lm.toml "${cpu[@]}" "${lm[@]}" --run "$work/lm"
mpi2 train configs/imdb_sample_lm.toml "${cpu[@]}" "${lm[@]}" --run "$work/lm_bwd" --set train.backwards=true
clas=configs/imdb_sample_clas.toml
mpi2 train "$clas" "${cpu[@]}" --data "$work/is.h5" --run "$work/clas" --set train.init="$work/lm/encoder.pt"
mpi2 train "$clas" "${cpu[@]}" --data "$work/is.h5" --run "$work/clas_bwd" --set train.init="$work/lm_bwd/encoder.pt" \
  --set train.backwards=true

last=$(tail -n 1 "$work/clas/metrics.jsonl")
echo "last epoch: $last"
/usr/bin/python3 - "$last" "$work/clas/metrics.jsonl" <<'PY'
import json, sys
m = json.loads(sys.argv[1])
rows = [json.loads(l) for l in open(sys.argv[2])]
assert [r["stage"] for r in rows] == [0, 0, 1, 1, 2, 2, 2, 2], [r["stage"] for r in rows]
assert m["ranks"] == 2, m
majority = 107 / 200  # IMDB_SAMPLE's valid split: 107 negative, 93 positive
assert m["accuracy"] >= majority + 0.06, f"accuracy {m['accuracy']:.3f} vs majority {majority:.3f}"
PY
grep -q "confusion" "$work/clas/valid_report.txt"
# The confusion matrix as a picture: counts in the cells, classes on both axes.
/usr/bin/python3 "$root/tests/plot/check_svg.py" "$work/clas/valid_report.svg" \
  --text actual --text predicted --text negative --text positive --text accuracy --min rect=4

report=$(mpi2 eval "$work/clas" --split valid)
echo "$report"
/usr/bin/python3 - "$last" "$report" <<'PY'
import json, re, sys
m = json.loads(sys.argv[1])
acc = float(re.search(r"accuracy ([0-9.]+)", sys.argv[2]).group(1))
assert abs(acc - m["accuracy"]) < 1e-3, (acc, m["accuracy"])
for word in ("precision", "recall", "F1", "negative", "positive", "confusion"):
    assert word in sys.argv[2], word
PY
both=$(mpi2 eval "$work/clas" --ensemble "$work/clas_bwd" --split valid --confusion "$work/ensemble_confusion.svg")
echo "$both"
/usr/bin/python3 - "$both" <<'PY'
import re, sys
out = sys.argv[1]
members = [float(a) for a in re.findall(r"\((?:forward|backward)\): accuracy ([0-9.]+)", out)]
assert len(members) == 2, out
assert "ensemble" in out
ens = float(re.search(r"ensemble.*\naccuracy ([0-9.]+)", out).group(1))
assert ens >= min(members) - 0.02, (ens, members)
PY
/usr/bin/python3 "$root/tests/plot/check_svg.py" "$work/ensemble_confusion.svg" --text "ensemble of 2" --text predicted --numbers 4
# Training curves of both directions overlaid, stages marked per run's colour.
"$bin" plot "$work/clas" "$work/clas_bwd" --out "$work/curves.svg"
/usr/bin/python3 "$root/tests/plot/check_svg.py" "$work/curves.svg" \
  --text "clas valid" --text "clas_bwd valid" --text accuracy --text f1 --text epoch --min polyline=6 --numbers 8

# predict: typed text and the text column of a CSV, label then probabilities summing to 1.
pred=$("$bin" predict "$work/clas" --ensemble "$work/clas_bwd" --text "A wonderful, moving film." --text "Dull and far too long.")
echo "$pred"
head -n 6 "$data" > "$work/few.csv"
from_csv=$("$bin" predict "$work/clas" --file "$work/few.csv" --column 1)
# A file of lines: one row per line, an empty line in place as an empty
# document (it used to be dropped, shifting the rows after it).
printf 'A wonderful, moving film.\n\nDull and far too long.\n' > "$work/gaps.txt"
[ "$("$bin" predict "$work/clas" --file "$work/gaps.txt" | wc -l)" = 4 ] || { echo "FAIL: predict rows != lines"; exit 1; }
printf '\n' > "$work/empty_line.txt"
[ "$("$bin" predict "$work/clas" --file "$work/empty_line.txt")" = "$("$bin" predict "$work/clas" --text "")" ] \
  || { echo "FAIL: an empty line is not classified as the empty document"; exit 1; }
if [ "$(cuda_devices)" -eq 0 ]; then  # --device cuda without a GPU: one line, exit 1
  if "$bin" predict "$work/clas" --text "Fine." --device cuda > /dev/null 2> "$work/dev.err"; then
    echo "FAIL: predict --device cuda succeeded without a GPU"; exit 1
  fi
  grep -q "parlance: error: --device cuda, but this LibTorch sees no CUDA device" "$work/dev.err" \
    || { echo "FAIL: predict --device cuda:"; cat "$work/dev.err"; exit 1; }
fi
/usr/bin/python3 - "$pred" "$from_csv" <<'PY'
import sys
for out, n in ((sys.argv[1], 2), (sys.argv[2], 5)):
    lines = out.strip().split("\n")
    assert lines[0] == "label\tp_negative\tp_positive", lines[0]
    assert len(lines) == n + 1, out
    for l in lines[1:]:
        label, *p = l.split("\t")
        assert label in ("negative", "positive") and abs(sum(map(float, p)) - 1) < 1e-3, l
        assert label == ("negative" if float(p[0]) >= float(p[1]) else "positive"), l
PY

# An interrupted classifier run resumes to the same numbers as the uninterrupted one.
mpi2 train "$clas" "${cpu[@]}" --data "$work/is.h5" --run "$work/part" --set train.init="$work/lm/encoder.pt" \
  --set train.max_steps=60
mpi2 train "$clas" "${cpu[@]}" --data "$work/is.h5" --run "$work/part" --set train.init="$work/lm/encoder.pt" --resume
/usr/bin/python3 - "$work/clas/metrics.jsonl" "$work/part/metrics.jsonl" <<'PY'
import json, sys
whole, part = ([json.loads(l) for l in open(f)] for f in sys.argv[1:])
assert len(part) == 8, part
for a, b in zip(whole, part):
    for k in ("train_loss", "valid_loss", "accuracy"):
        assert a[k] == b[k], (k, a[k], b[k])
PY
echo "ok"
