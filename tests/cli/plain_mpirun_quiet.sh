#!/usr/bin/env bash
# plain_mpirun_quiet.sh WORKDIR: what the README promises users of plain
# `mpirun --quiet` (no launch/mpirun): a prep job that fails on bad input ends
# with parlance's one line on stderr — no Open MPI box restating the exit, no
# ORTE_ERROR_LOG relay noise — and a non-zero status. Two errors: one every
# rank finds at once (a missing input), one that a single rank's shard meets
# (an unclosed CSV quote near the end), agreed among the ranks before exiting.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$1
rm -rf "$work"; mkdir -p "$work"; cd "$work"
[ "$(id -u)" -ne 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
{ echo 'label,text'; for i in $(seq 1 2000); do echo "pos,\"fine review $i\""; done; echo 'neg,"this one never ends'; } > bad.csv
for input in "$work/missing.csv" "$work/bad.csv"; do
  printf '[prep]\nformat = "csv"\ninput = "%s"\nmin_freq = 1\n' "$input" > recipe.toml
  for round in 1 2 3; do  # the relay noise was a race: give it chances
    set +e
    timeout 120 mpirun --quiet --oversubscribe --bind-to none -np 2 "${PARLANCE_BIN:-$root/build/parlance}" prep recipe.toml \
      --quiet --out "$work/out.h5" > stdout.txt 2> stderr.txt
    rc=$?
    set -e
    [ $rc -ne 0 ] && [ $rc -ne 124 ] || { echo "FAIL: exit status $rc for $input"; exit 1; }
    lines=$(grep -c . stderr.txt || true)
    [ "$lines" -eq 1 ] && grep -q "^parlance: error: .*$(basename "$input")" stderr.txt \
      || { echo "FAIL: round $round, $input: expected parlance's one line, got:"; cat stderr.txt; exit 1; }
  done
done
echo "ok"
