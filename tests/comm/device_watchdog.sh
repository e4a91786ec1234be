#!/usr/bin/env bash
# device_watchdog.sh PROBE_BIN: the watchdog on device work the host does not
# wait for (NCCL collectives), through device_watchdog_probe: work stuck past
# the timeout ends the job with one line naming it, after aborting the
# communicator; completed work lets the job run on; a failure the library
# reports ends the job at once. 1 and 2 ranks (one line for the whole job).
set -euo pipefail
probe=$1 root=$(cd "$(dirname "$0")/../.." && pwd) work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run NP MODE: sets rc, took (s) and the files out/err.
run() {
  local start; start=$(date +%s)
  set +e
  timeout 60 "$root/launch/mpirun" "$1" "$probe" "$2" > "$work/out" 2> "$work/err"
  rc=$?
  set -e
  took=$(( $(date +%s) - start ))
  echo "np $1, $2: exit $rc after ${took} s"
}
fail() { echo "FAIL: $*"; echo "--- stderr:"; cat "$work/err"; exit 1; }
lines_matching() { grep -cE "$1" "$work/err" || true; }

stuck='^parlance: rank 0: an NCCL allreduce \(gradients or metrics\), queued [0-9]+ s ago, has not completed \(train.collective_timeout\), though every rank reached the last host collective'
for np in 1 2; do
  run "$np" stuck
  [ "$rc" -eq 76 ] || fail "exit $rc, not 76"
  [ "$(lines_matching "$stuck")" -eq 1 ] || fail "no single line matching: $stuck"
  [ "$(lines_matching '^parlance:')" -eq 1 ] || fail "more than one parlance line"
  [ "$(head -1 "$work/err")" = "probe: aborted" ] || fail "the work was not aborted before the report"
done

run 1 done
[ "$rc" -eq 0 ] || fail "exit $rc for work that completed"
grep -q '^probe: ran to the end' "$work/out" || fail "the job did not run to its end"
[ ! -s "$work/err" ] || fail "stderr not empty"

run 1 error
[ "$rc" -eq 76 ] || fail "exit $rc, not 76 (the error did not end the job before its timeout)"
[ "$(lines_matching '^parlance: rank 0: the device communicator reported an error: NCCL: unhandled system error')" -eq 1 ] ||
  fail "no line naming the error"
echo "device work watched: stuck, done and failed work handled"
