#!/usr/bin/env bash
# fr_en_e2e.sh WORKDIR: the translator end to end on the eng-fra questions,
# 2 ranks, English → French with a small attention model: word vectors from a
# real fastText .vec (source) and from a .bin trained here with the fasttext
# CLI on the French side (target; words outside its list get subword
# vectors), 4 epochs whose valid loss falls clearly below the first epoch's,
# BLEU and token accuracy in metrics.jsonl; eval agrees with the last epoch
# and adds beam search; translate (greedy, beam, a file, the attention SVG);
# an interrupted run resumes to the same numbers.
set -euo pipefail
source "$(dirname "$0")/../train/common.sh"
pairs="$root/../shared/data/fra-eng/eng-fra.txt"
vec="$root/../shared/data/vectors/lee_fasttext.vec"
[ -f "$pairs" ] && [ -f "$vec" ] || { echo "SKIP: ../shared/data/fra-eng or vectors not found"; exit 77; }
command -v fasttext >/dev/null || { echo "SKIP: the fasttext CLI is missing (scripts/setup installs it)"; exit 77; }
work=$1; rm -rf "$work"; mkdir -p "$work"
mpi2() { "$root/launch/mpirun" 2 "$bin" "$@"; }
mpi2 prep configs/fr_en_questions_prep.toml --quiet --set prep.input="$pairs" --out "$work/fr_en.h5"

# French vectors: fastText skipgram on the French side's questions, lowercased
# like the fastai tokenizer's output (32 dimensions, seconds to train).
awk -F'\t' '/^Wh[^\t]*\?\t/ && n++ < 4000 { print tolower($2) }' "$pairs" > "$work/fr.txt"
fasttext skipgram -input "$work/fr.txt" -output "$work/fr" -dim 32 -minCount 2 -epoch 2 -thread 1 -verbose 0
[ -s "$work/fr.bin" ]

recipe=(configs/fr_en_attn.toml --data "$work/fr_en.h5" --set train.device=cpu
  --set train.direction=src_to_tgt --set model.src_vectors="$vec" --set model.tgt_vectors="$work/fr.bin"
  --set model.hidden=48 --set train.epochs=4 --set train.teacher_forcing_epochs=3 --set train.lr=0.01)
out=$(mpi2 train "${recipe[@]}" --run "$work/attn")
echo "$out"
/usr/bin/python3 - "$out" "$work/attn/metrics.jsonl" <<'PY'
import json, re, sys
out, rows = sys.argv[1], [json.loads(l) for l in open(sys.argv[2])]
src = re.search(r"source embedding from \S+: (\d+) words from the vectors, (\d+) without", out)
tgt = re.search(r"target embedding from \S+: (\d+) words from the vectors, (\d+) from subwords, (\d+) without", out)
assert src and tgt, out
assert int(src.group(1)) > 100, src.group(0)          # common English words are in the gensim test vectors
assert int(tgt.group(1)) > 500 and int(tgt.group(2)) > 0, tgt.group(0)
assert len(rows) == 4 and all(r["ranks"] == 2 for r in rows), rows
first, last = rows[0], rows[-1]
assert last["valid_loss"] < 0.85 * first["valid_loss"], (first["valid_loss"], last["valid_loss"])
assert all(0 <= r["bleu"] <= 1 for r in rows), [r["bleu"] for r in rows]
assert last["accuracy"] > first["accuracy"], (first["accuracy"], last["accuracy"])
print("valid loss %.3f -> %.3f, BLEU %.3f -> %.3f" % (first["valid_loss"], last["valid_loss"], first["bleu"], last["bleu"]))
PY

# The report: validation sentences with their reference and output.
grep -q "^reference: " "$work/attn/valid_report.txt" && grep -q "^output: " "$work/attn/valid_report.txt"

# eval: the same greedy numbers as the last epoch, and beam search.
report=$(mpi2 eval "$work/attn" --beam 4)
echo "$report"
/usr/bin/python3 - "$report" "$work/attn/metrics.jsonl" <<'PY'
import json, re, sys
last = [json.loads(l) for l in open(sys.argv[2])][-1]
g = re.search(r"greedy:  loss ([0-9.]+)  token accuracy ([0-9.]+)  BLEU ([0-9.]+)", sys.argv[1])
b = re.search(r"beam 4: BLEU ([0-9.]+)", sys.argv[1])
assert g and b, sys.argv[1]
assert abs(float(g.group(1)) - last["valid_loss"]) < 1e-3, (g.group(1), last["valid_loss"])
assert abs(float(g.group(2)) - last["accuracy"]) < 1e-3, (g.group(2), last["accuracy"])
assert abs(float(g.group(3)) - last["bleu"]) < 1e-3, (g.group(3), last["bleu"])
PY

# translate: one line out per sentence in, greedy = beam 1, a file, the attention picture.
printf 'What is it?\nWhere are you?\nWhy not?\n' > "$work/in.txt"
greedy=$("$bin" translate "$work/attn" --file "$work/in.txt")
beam1=$("$bin" translate "$work/attn" --file "$work/in.txt" --beam 1)
if [ "$(cuda_devices)" -eq 0 ]; then  # --device cuda without a GPU: one line, exit 1
  if "$bin" translate "$work/attn" --text "Qui?" --device cuda > /dev/null 2> "$work/dev.err"; then
    echo "FAIL: translate --device cuda succeeded without a GPU"; exit 1
  fi
  grep -q "parlance: error: --device cuda, but this LibTorch sees no CUDA device" "$work/dev.err" \
    || { echo "FAIL: translate --device cuda:"; cat "$work/dev.err"; exit 1; }
fi
beam4=$("$bin" translate "$work/attn" --text "What is it?" --beam 4 --attention "$work/attn.svg")
echo "$greedy"; echo "$beam4"
[ "$(echo "$greedy" | wc -l)" = 3 ] && [ "$greedy" = "$beam1" ] && [ -n "$beam4" ]
# Blank lines answer as empty lines in place (an empty line used to be
# dropped, shifting every answer after it); the others as before.
printf '\nWhat is it?\n\n  \nWhere are you?\nWhy not?\n\n' > "$work/gaps.txt"
"$bin" translate "$work/attn" --file "$work/gaps.txt" > "$work/gaps.out"
printf '\n%s\n\n\n%s\n%s\n\n' "$(echo "$greedy" | sed -n 1p)" "$(echo "$greedy" | sed -n 2p)" "$(echo "$greedy" | sed -n 3p)" \
  > "$work/gaps.want"
cmp "$work/gaps.out" "$work/gaps.want" || { echo "FAIL: blank lines not kept in place"; diff "$work/gaps.out" "$work/gaps.want"; exit 1; }
[ -z "$("$bin" translate "$work/attn" --text "   ")" ] || { echo "FAIL: a blank --text translated to words"; exit 1; }
/usr/bin/python3 - "$work/attn.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
texts = [t.text for t in root.iter(ns + "text")]
cells = [r for r in root.iter(ns + "rect") if r.find(ns + "title") is not None]
assert "xxeos" in texts and "what" in texts and "?" in texts, texts
# One cell per (output word, source token); the source is xxbos xxmaj what is it ? xxeos.
assert len(cells) >= 7 and len(cells) % 7 == 0, len(cells)
for t in ("xxbos", "xxmaj", "is", "it"):
    assert t in texts, t
PY
# The end-of-training report's picture: a validation sentence's attention.
/usr/bin/python3 "$root/tests/plot/check_svg.py" "$work/attn/valid_report.svg" --text attention --text output \
  --text source --text xxeos --min rect=4

# An interrupted run resumes to the same numbers as the uninterrupted one.
mpi2 train "${recipe[@]}" --run "$work/part" --set train.max_steps=70 > /dev/null
mpi2 train "${recipe[@]}" --run "$work/part" --resume > /dev/null
/usr/bin/python3 - "$work/attn/metrics.jsonl" "$work/part/metrics.jsonl" <<'PY'
import json, sys
whole, part = ([json.loads(l) for l in open(f)] for f in sys.argv[1:])
assert len(part) == 4, part
for a, b in zip(whole, part):
    for k in ("train_loss", "valid_loss", "accuracy", "bleu"):
        assert a[k] == b[k], (k, a[k], b[k])
PY
echo resume ok

# Recipe mistakes are one clear line and a non-zero exit.
expect_error() {  # expect_error PATTERN ARGS...
  local pattern=$1; shift
  if "$bin" train configs/fr_en_attn.toml --data "$work/fr_en.h5" --run "$work/bad" "$@" 2> "$work/err.txt"; then
    echo "expected a failure: $*"; exit 1
  fi
  grep -q "$pattern" "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
}
expect_error 'is not a translator' --set model.arch=awd_lstm
expect_error '/nonexistent.vec: cannot open word vectors' --set model.src_vectors=/nonexistent.vec
echo errors ok
