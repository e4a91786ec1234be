#!/usr/bin/env bash
# preemption.sh WORKDIR: SIGUSR1 to the ranks (what `sbatch --signal=USR1@T`
# delivers) stops a 2-rank run at the next step with a checkpoint and exit
# code 75; --auto-resume continues it to exactly the weights and metrics of
# an uninterrupted run, each epoch once in metrics.jsonl. A fresh `train` into
# a folder holding a run is refused; --overwrite starts over; --resume with
# no checkpoint is one clear line.
set -euo pipefail
source "$(dirname "$0")/common.sh"
digest=${DIGEST_BIN:?}
work=$1; rm -rf "$work"; mkdir -p "$work"
prep_human_numbers "$work"
small_cpu_lm "$work" 3
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/a" > "$work/a.out"

# The run to preempt, in the background; signal its ranks once epoch 0 is logged.
set +e
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/b" > "$work/b1.out" 2> "$work/b1.err" &
job=$!
for _ in $(seq 1 600); do [ -s "$work/b/metrics.jsonl" ] && break; sleep 0.1; done
pkill -USR1 -f "^$bin train .*--run $work/b" || echo "note: no rank left to signal"
wait $job
rc=$?
set -e
cat "$work/b1.err"
[ $rc -eq 75 ] || { echo "FAIL: preempted run exited $rc, expected 75"; exit 1; }
grep -q "stopped by SIGUSR1 .*checkpoint .*last.pt written" "$work/b1.err" || { echo "FAIL: no stop message"; exit 1; }
[ "$(grep -c "stopped by" "$work/b1.err")" = 1 ] || { echo "FAIL: the stop message is not printed once"; exit 1; }
epochs_before=$(wc -l < "$work/b/metrics.jsonl")
[ "$epochs_before" -lt 3 ] || { echo "FAIL: the signal did not stop the run early"; exit 1; }

# A fresh train into it is refused, and touches nothing.
cp "$work/b/metrics.jsonl" "$work/metrics.before"
set +e
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/b" > /dev/null 2> "$work/refused.err"
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "already holds a run.*--resume (or --auto-resume), or start over with --overwrite" "$work/refused.err" \
  || { echo "FAIL: fresh train into a run folder was not refused (exit $rc)"; cat "$work/refused.err"; exit 1; }
cmp -s "$work/b/metrics.jsonl" "$work/metrics.before" || { echo "FAIL: the refused run changed metrics.jsonl"; exit 1; }

# A run folder that cannot be one is one line and exit 1 before any work
# (was an internal error with exit 2): a file in its place, for train and for
# lr-find (whose sweep ran first and was lost), or a folder that cannot be made.
touch "$work/a_file"
for args in "train --run $work/a_file" "lr-find --iters 5 --run $work/a_file" "train --run /proc/no_run_here"; do
  set +e
  # shellcheck disable=SC2086
  "$root/launch/mpirun" 2 "$bin" ${args%% *} "${common[@]}" ${args#* } > /dev/null 2> "$work/bad_run.err"
  rc=$?
  set -e
  [ $rc -eq 1 ] && [ "$(wc -l < "$work/bad_run.err")" = 1 ] \
    && grep -qE "^parlance: error: .*(a_file: exists and is not a folder|no_run_here: cannot create)" "$work/bad_run.err" \
    || { echo "FAIL: '$args' (exit $rc):"; cat "$work/bad_run.err"; exit 1; }
done

# --auto-resume continues to the uninterrupted run's weights and numbers.
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/b" --auto-resume > "$work/b2.out"
grep -q "resuming" "$work/b2.out" || { echo "FAIL: --auto-resume did not resume"; exit 1; }
diff <("$digest" "$work/a/checkpoints/last.pt") <("$digest" "$work/b/checkpoints/last.pt") \
  || { echo "FAIL: preempted + resumed weights differ from the uninterrupted run"; exit 1; }
strip() { sed 's/"seconds":[^,]*,"tokens_per_s":[^,]*,//' "$1"; }
diff <(strip "$work/a/metrics.jsonl") <(strip "$work/b/metrics.jsonl") \
  || { echo "FAIL: metrics differ (each epoch once, same numbers expected)"; exit 1; }

# The resumed epoch reports its own throughput (it used to count the tokens
# trained before the checkpoint against the resumed part's seconds: ~10× too high).
/usr/bin/python3 - "$work/a/metrics.jsonl" "$work/b/metrics.jsonl" "$epochs_before" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
resumed = b[int(sys.argv[3])]
typical = sorted(r["tokens_per_s"] for r in a)[1]
assert resumed["tokens_per_s"] < 3 * typical, (resumed["tokens_per_s"], typical)
PY

# --auto-resume into an empty folder starts fresh; --resume without a checkpoint is refused.
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/c" --auto-resume --set train.max_steps=2 > "$work/c.out"
grep -q "resuming" "$work/c.out" && { echo "FAIL: --auto-resume resumed from nothing"; exit 1; }
set +e
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/d" --resume > /dev/null 2> "$work/d.err"
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "no checkpoint to resume from" "$work/d.err" || { echo "FAIL: --resume from nothing (exit $rc)"; exit 1; }

# --overwrite starts over: the old epochs are gone.
"$root/launch/mpirun" 2 "$bin" train "${common[@]}" --run "$work/b" --overwrite --set train.max_steps=2 > "$work/o.out"
[ ! -s "$work/b/metrics.jsonl" ] || { echo "FAIL: --overwrite kept the old metrics"; exit 1; }
echo "ok: preempted at epoch $epochs_before of 3 (exit 75), resumed to identical weights; refusals and --overwrite behave"
