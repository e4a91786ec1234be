#!/usr/bin/env bash
# watchdog.sh WORKDIR: a rank that stops (SIGSTOP: what a hung peer looks like
# to MPI) ends the whole job soon after train.collective_timeout, with a
# non-zero exit and exactly one line on stderr, from the lowest rank that
# reached the collective, naming the collective and the rank that did not
# arrive — instead of hanging forever. Cases: 2 ranks, rank 1 stops itself
# between collectives (rank 0 reports); 3 ranks, rank 0 does (rank 1
# reports); 2 ranks, rank 1 stopped from outside at whatever point it is
# (perhaps inside the collective, which the line then says instead).
set -euo pipefail
source "$(dirname "$0")/common.sh"
work=$1; rm -rf "$work"; mkdir -p "$work"
prep_human_numbers "$work"

# rank_of PID: the MPI rank of a process started by mpirun.
rank_of() { tr '\0' '\n' < "/proc/$1/environ" | sed -n 's/^OMPI_COMM_WORLD_RANK=//p'; }

# stop_one NP VICTIM HOW EXPECTED_LINE: HOW is "self" (the victim stops itself
# at step 3, PARLANCE_FAIL_HOW=stop) or "outside" (kill -STOP once training runs).
stop_one() {
  local np=$1 victim_rank=$2 how=$3 want=$4 run="$work/run_np$1_$3"
  local inject=()
  [ "$how" = self ] && inject=(env PARLANCE_FAIL_RANK="$victim_rank" PARLANCE_FAIL_STEP=3 PARLANCE_FAIL_HOW=stop)
  "${inject[@]}" "$root/launch/mpirun" "$np" "$bin" train configs/human_numbers_lm.toml --data "$work/hn.h5" \
    --run "$run" --set train.device=cpu --set train.collective_timeout=5 --set train.log_every=1 > "$run.out" 2> "$run.err" &
  local job=$!
  for _ in $(seq 600); do [ -s "$run/steps.jsonl" ] && break; sleep 0.1; done
  [ -s "$run/steps.jsonl" ] || { echo "FAIL: training did not start"; cat "$run.err"; exit 1; }
  local victim="" pid
  for pid in $(pgrep -f "^$bin train .*$run( |$)"); do [ "$(rank_of "$pid")" = "$victim_rank" ] && victim=$pid; done
  [ -n "$victim" ] || { echo "FAIL: no process of rank $victim_rank"; exit 1; }
  [ "$how" = outside ] && kill -STOP "$victim"
  local stopped; stopped=$(date +%s)
  set +e
  timeout 120 tail --pid="$job" -f /dev/null
  wait "$job"; local rc=$?
  set -e
  kill -KILL "$victim" 2> /dev/null || true
  local took=$(( $(date +%s) - stopped ))
  echo "np $np, rank $victim_rank stopped ($how): the job ended ${took} s later, exit $rc"
  [ "$rc" -ne 0 ] || { echo "FAIL: exit status 0"; exit 1; }
  [ "$took" -lt 60 ] || { echo "FAIL: took ${took} s"; exit 1; }
  grep -E "$want" "$run.err" || { echo "FAIL: no line matching: $want"; cat "$run.err"; exit 1; }
  local lines; lines=$(wc -l < "$run.err")
  [ "$lines" -eq 1 ] || { echo "FAIL: $lines lines on stderr, not 1"; cat "$run.err"; exit 1; }
}

# named REPORTER VICTIM: the line of a report naming the absent rank.
named() { echo "^parlance: rank $1 waited [0-9]+ s in .+ for rank $2, which did not arrive \(train.collective_timeout\)"; }
inside="^parlance: rank 0 waited [0-9]+ s in .+, which every rank entered but which did not complete"

start=$(date +%s)
stop_one 2 1 self "$(named 0 1)"
stop_one 3 0 self "$(named 1 0)"
stop_one 2 1 outside "$(named 0 1)|$inside"
echo "hung peers detected in $(( $(date +%s) - start )) s overall"
