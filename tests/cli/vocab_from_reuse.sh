#!/usr/bin/env bash
# vocab_from_reuse.sh LM_H5 OUT_H5: prep.vocab_from makes a classifier corpus
# (IMDb sample) reuse a language model's vocabulary exactly.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
lm=$1 out=$2
[ -e "$lm" ] || { echo "SKIP: $lm not found (needs ../shared/data)"; exit 77; }
"$root/launch/mpirun" 2 "${PARLANCE_BIN:-$root/build/parlance}" prep configs/imdb_sample_prep.toml --quiet \
  --set prep.vocab_from="$lm" --out "$out"
h5diff "$lm" "$out" /vocab/itos /vocab/itos || { echo "FAIL: vocabularies differ"; exit 1; }
echo "same vocabulary"
