#!/usr/bin/env bash
# rank_invariance.sh WORKDIR CONFIG [prep args...]
# Prepares the same input with 1, 2, 3 and 4 MPI ranks and requires every
# dataset (tokens, offsets, labels, vocabulary) to be identical, compared with
# hdf5-tools' h5diff. Also runs 2 ranks x 2 tokenizer threads.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$1 config=$2; shift 2
# Inputs from ../shared that are absent: skip (ctest SKIP_RETURN_CODE 77).
for need in ${NEEDS:-}; do
  [ -e "$need" ] || { echo "SKIP: $need not found"; exit 77; }
done
source "$root/tests/cli/same_datasets.sh"
rm -rf "$work"; mkdir -p "$work"
run() {  # run NP OUT [extra...]
  local np=$1 out=$2; shift 2
  "$root/launch/mpirun" "$np" "${PARLANCE_BIN:-$root/build/parlance}" prep "$config" --quiet --out "$out" "$@" > "$out.log" 2>&1 \
    || { cat "$out.log"; echo "FAIL: prep with $np ranks failed"; exit 1; }
}
run 1 "$work/np1.h5" "$@"
echo "datasets: $(h5ls -r "$work/np1.h5" | awk '$2 == "Dataset" {print $1}' | tr '\n' ' ')"
compare() { same_datasets "$work/np1.h5" "$1"; }
for np in 2 3 4; do
  run "$np" "$work/np$np.h5" "$@"
  compare "$work/np$np.h5"
done
run 2 "$work/np2t2.h5" "$@" --set prep.threads=2
compare "$work/np2t2.h5"
# Small chunks force many chunk boundaries inside each rank's share.
run 3 "$work/np3small.h5" "$@" --set prep.chunk_mb=1
compare "$work/np3small.h5"
tail -n 12 "$work/np1.h5.log"
