#!/usr/bin/env bash
# demo_prep.sh WORKDIR: the demo path — generate the human-numbers corpus,
# prepare it with 2 ranks, inspect and decode the start of the valid split;
# a split the file lacks is an error, with or without --decode.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PARLANCE_BIN:-$root/build/parlance}
d=$1; rm -rf "$d"
"$bin" demo-data human-numbers --out "$d/hn"
"$root/launch/mpirun" 2 "$bin" prep configs/human_numbers_prep.toml --quiet --set prep.input="$d/hn" --out "$d/hn.h5"
"$bin" inspect "$d/hn.h5" --split valid --decode 12
for decode in "" "--decode 3"; do
  # shellcheck disable=SC2086
  if "$bin" inspect "$d/hn.h5" --split tset $decode > "$d/out" 2> "$d/err"; then echo "FAIL: --split tset accepted"; exit 1; fi
  grep -q 'no split "tset" (it has: train, valid)' "$d/err" || { echo "FAIL: inspect --split tset:"; cat "$d/err"; exit 1; }
  [ ! -s "$d/out" ] || { echo "FAIL: inspect printed before failing"; exit 1; }
done
