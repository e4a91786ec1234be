#!/usr/bin/env bash
# watchdog.sh WORKDIR: one rank of a 2-rank run stopped with SIGSTOP (what a
# hung peer looks like to MPI) ends the whole job soon after
# train.collective_timeout, with one line from the waiting rank naming the
# collective and a non-zero exit, instead of hanging forever.
set -euo pipefail
source "$(dirname "$0")/common.sh"
work=$1; rm -rf "$work"; mkdir -p "$work"
prep_human_numbers "$work"
start=$(date +%s)
"$root/launch/mpirun" 2 "$bin" train configs/human_numbers_lm.toml --data "$work/hn.h5" --run "$work/run" \
  --set train.device=cpu --set train.collective_timeout=5 --set train.log_every=1 > "$work/out" 2> "$work/err" &
job=$!
for _ in $(seq 300); do [ -s "$work/run/steps.jsonl" ] && break; sleep 0.1; done
[ -s "$work/run/steps.jsonl" ] || { echo "FAIL: training did not start"; cat "$work/err"; exit 1; }
victim=$(pgrep -f "^$bin train .*$work/run" | tail -n 1)
kill -STOP "$victim"
stopped=$(date +%s)
set +e
timeout 120 tail --pid="$job" -f /dev/null
wait "$job"; rc=$?
set -e
kill -KILL "$victim" 2> /dev/null || true
took=$(( $(date +%s) - stopped ))
echo "job ended ${took} s after the stop, exit $rc"
[ "$rc" -ne 0 ] || { echo "FAIL: exit status 0"; exit 1; }
[ "$took" -lt 60 ] || { echo "FAIL: took ${took} s"; exit 1; }
grep -E "parlance: rank [01] waited [0-9]+ s in .* for the other ranks \(train.collective_timeout\)" "$work/err" \
  || { echo "FAIL: no watchdog line"; cat "$work/err"; exit 1; }
echo "hung peer detected in $(( $(date +%s) - start )) s overall"
