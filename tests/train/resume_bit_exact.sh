#!/usr/bin/env bash
# resume_bit_exact.sh WORKDIR: a run stopped mid-epoch and resumed ends with
# exactly the weights of an uninterrupted run (CPU, 2 ranks); checkpoints from
# an epoch's end resume with another rank count; damaged checkpoints are
# refused; a failure on one rank stops every rank promptly with the original
# error.
set -euo pipefail
source "$(dirname "$0")/common.sh"
digest=${DIGEST_BIN:?}
work=$1; rm -rf "$work"; mkdir -p "$work"
prep_human_numbers "$work"
small_cpu_lm "$work" 2
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/a" --set train.save_encoder=true > "$work/a.out"
[ -s "$work/a/encoder.pt" ] || { echo "FAIL: no encoder.pt"; exit 1; }
# Stop at step 30 (epoch 0 has ~45 steps), then resume to the end.
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/b" --set train.max_steps=30 > "$work/b1.out"
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/b" --resume > "$work/b2.out"
grep -q "resuming" "$work/b2.out" || { echo "FAIL: did not resume"; cat "$work/b2.out"; exit 1; }
"$digest" "$work/a/checkpoints/last.pt" > "$work/a.digest"
"$digest" "$work/b/checkpoints/last.pt" > "$work/b.digest"
diff "$work/a.digest" "$work/b.digest" || { echo "FAIL: resumed weights differ"; exit 1; }
diff <(tail -n 2 "$work/a/metrics.jsonl" | sed 's/"seconds":[^,]*,"tokens_per_s":[^,]*,//') \
     <(tail -n 2 "$work/b/metrics.jsonl" | sed 's/"seconds":[^,]*,"tokens_per_s":[^,]*,//') \
  || { echo "FAIL: resumed metrics differ"; exit 1; }
echo "resume: bit-exact ($(wc -l < "$work/a.digest") parameters)"
# train.init starts from run a's weights: with a zero learning rate they stay a's.
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/d" --set train.init="$work/a" \
  --set train.schedule=constant --set train.lr=0 --set train.max_steps=2 --set train.wd=0 > "$work/d.out"
"$digest" "$work/d/checkpoints/last.pt" > "$work/d.digest"
diff "$work/a.digest" "$work/d.digest" || { echo "FAIL: train.init did not load the weights"; exit 1; }
# train.init with another vocabulary (fastai's convert_weights): the same text
# tokenized by characters starts from run a's encoder.pt and from run a itself;
# rows are remapped by token (the specials are shared, the characters are new
# and start from the mean row) and the run says how many were found.
"$root/launch/mpirun" 2 "$bin" prep configs/human_numbers_prep.toml --quiet --set prep.input="$work/hn" \
  --set prep.tokenizer=char --out "$work/hn_char.h5"
for init in "$work/a/encoder.pt" "$work/a"; do
  "$root/launch/mpirun" 2 "$bin" train "${common[@]/$work\/hn.h5/$work/hn_char.h5}" --run "$work/e" --set train.init="$init" \
    --set train.max_steps=2 > "$work/e.out"
  grep -q "vocabulary entries found in the pretrained vocabulary; the other [0-9]* start from the mean row" "$work/e.out" \
    || { echo "FAIL: no transfer report for $init"; cat "$work/e.out"; exit 1; }
  echo "$(grep -m1 'train.init' "$work/e.out")"
  rm -rf "$work/e"
done
# Resuming on a dataset with another vocabulary is refused before anything in
# the run folder changes (it used to train on with mismatched embeddings).
"$root/launch/mpirun" 2 "$bin" prep configs/human_numbers_prep.toml --quiet --set prep.input="$work/hn" \
  --set prep.max_vocab=24 --out "$work/hn_small.h5"
cp "$work/b/config.toml" "$work/b.config.before"
set +e
timeout 120 "$root/launch/mpirun" 2 "$bin" train "${common[@]/$work\/hn.h5/$work/hn_small.h5}" --run "$work/b" --resume \
  > /dev/null 2> "$work/v.err"
rc=$?
set -e
[ $rc -eq 1 ] || { echo "FAIL: resume on another vocabulary gave exit $rc"; cat "$work/v.err"; exit 1; }
grep -q "was trained on other data than this run's dataset: the vocabulary has [0-9]* entries in the checkpoint and 24" \
  "$work/v.err" || { echo "FAIL: no clear vocabulary error"; cat "$work/v.err"; exit 1; }
[ "$(grep -c 'parlance: error' "$work/v.err")" = 1 ] || { echo "FAIL: the error is not printed once"; exit 1; }
cmp -s "$work/b/config.toml" "$work/b.config.before" || { echo "FAIL: the refused resume rewrote config.toml"; exit 1; }
echo "resume on another vocabulary: refused with one line, run folder untouched"
# Elastic resume: a checkpoint from an epoch's end continues with another rank
# count (2 → 1) from that boundary; one from inside an epoch is refused with
# one line (each rank's share of an epoch is cut for the count that wrote it).
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/f" --set train.epochs=1 > /dev/null
epoch0_steps=$(tail -n 1 "$work/f/steps.jsonl" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["step"])')
rm -rf "$work/f"
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/f" --set train.max_steps="$epoch0_steps" > /dev/null
"$bin" train "${common[@]}" --run "$work/f" --resume > "$work/f.out"
grep -q "the checkpoint was written by 2 rank(s); training goes on with 1 from this epoch boundary" "$work/f.out" \
  || { echo "FAIL: no elastic resume"; cat "$work/f.out"; exit 1; }
/usr/bin/python3 - "$work/f/metrics.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [(r["epoch"], r["ranks"]) for r in rows] == [(0, 2), (1, 1)], rows
PY
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/g" --set train.max_steps=5 > /dev/null
set +e
"$bin" train "${common[@]}" --run "$work/g" --resume > /dev/null 2> "$work/g.err"
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "written by 2 ranks in the middle of epoch 0; resume it with 2 ranks (1 now)" "$work/g.err" \
  || { echo "FAIL: mid-epoch resume with another rank count (exit $rc)"; cat "$work/g.err"; exit 1; }
echo "elastic resume: epoch boundary 2 → 1 rank(s) continues; mid-epoch refused with one line"
# One rank fails at step 3: all ranks must exit non-zero, quickly, with the error shown.
set +e
PARLANCE_FAIL_RANK=1 PARLANCE_FAIL_STEP=3 timeout 120 "$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/c" \
  > "$work/c.out" 2> "$work/c.err"
rc=$?
set -e
[ $rc -ne 124 ] || { echo "FAIL: a rank hung after another failed"; exit 1; }
[ $rc -ne 0 ] || { echo "FAIL: exit status 0"; exit 1; }
grep -q "injected failure" "$work/c.err" || { echo "FAIL: original error not shown"; cat "$work/c.err"; exit 1; }
[ -s "$work/c/log/rank0.log" ] && [ -s "$work/c/log/rank1.log" ] || { echo "FAIL: rank logs lost in the abort"; exit 1; }
echo "failure on rank 1: every rank stopped (exit $rc), logs kept"
# Damaged checkpoints are one clear line, not an internal error and not a
# silent load: one byte flipped inside a tensor (caught by the XXH64 written
# beside it) on --resume and in eval; a truncated file, with and without its
# checksum listing.
expect_refused() {  # expect_refused PATTERN COMMAND...
  local pattern=$1; shift
  set +e
  timeout 120 "$@" > "$work/t.out" 2> "$work/t.err"
  local rc=$?
  set -e
  [ $rc -eq 1 ] || { echo "FAIL: damaged checkpoint gave exit $rc ($*)"; cat "$work/t.err"; exit 1; }
  grep -q "parlance: error: .*last.pt: $pattern" "$work/t.err" || { echo "FAIL: no clear error"; cat "$work/t.err"; exit 1; }
  ! grep -q "internal error" "$work/t.err" || { echo "FAIL: internal error for a damaged checkpoint"; exit 1; }
  echo "damaged checkpoint: $(grep -m1 'parlance: error' "$work/t.err" | cut -c1-150)"
}
(cd "$work/b/checkpoints" && { xxh64sum -c last.pt.xxh64 2>/dev/null || true; } | head -1 | grep -q "last.pt: OK") \
  || { echo "FAIL: last.pt.xxh64 does not check with xxh64sum"; exit 1; }
/usr/bin/python3 - "$work/b/checkpoints/last.pt" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:  # a byte in the middle of the file: inside the weights
    f.seek(f.seek(0, 2) // 2)
    b = f.read(1)
    f.seek(-1, 1)
    f.write(bytes([b[0] ^ 0x10]))
PY
expect_refused "damaged: its XXH64" "$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/b" --resume
expect_refused "damaged: its XXH64" "$bin" eval "$work/b"
head -c 1000 "$work/a/checkpoints/last.pt" > "$work/b/checkpoints/last.pt"
expect_refused "damaged: its XXH64" "$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/b" --resume
rm "$work/b/checkpoints/last.pt.xxh64"
expect_refused "unreadable" "$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/b" --resume
