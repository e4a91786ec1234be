#!/usr/bin/env bash
# demo_prep.sh WORKDIR: the demo path — generate the human-numbers corpus,
# prepare it with 2 ranks, inspect and decode the start of the valid split.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PARLANCE_BIN:-$root/build/parlance}
d=$1; rm -rf "$d"
"$bin" demo-data human-numbers --out "$d/hn"
"$root/launch/mpirun" 2 "$bin" prep configs/human_numbers_prep.toml --quiet --set prep.input="$d/hn" --out "$d/hn.h5"
"$bin" inspect "$d/hn.h5" --split valid --decode 12
