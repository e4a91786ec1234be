#!/usr/bin/env bash
# sentencepiece_reuse.sh SP_H5 WORKDIR: the SentencePiece model travels in the
# file (vocab/sp_model), is reused with the vocabulary by prep.vocab_from, and
# lets generate tokenize prompts.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PARLANCE_BIN:-$root/build/parlance}
sp=$1 d=$2
[ -e "$sp" ] || { echo "SKIP: $sp not found (needs ../shared/data)"; exit 77; }
rm -rf "$d"; mkdir -p "$d"
"$bin" prep tests/cli/recipes/imdb_sample_sentencepiece.toml --quiet \
  --set prep.vocab_from="$sp" --set prep.valid_pct=0.5 --set prep.seed=7 --out "$d/reuse.h5"
h5diff "$sp" "$d/reuse.h5" /vocab/sp_model /vocab/sp_model
h5diff "$sp" "$d/reuse.h5" /vocab/itos /vocab/itos
"$bin" train configs/human_numbers_gru.toml --data "$sp" --run "$d/run" --set train.max_steps=2 \
  --set train.epochs=1 --set train.bs=4 > /dev/null
"$bin" generate "$d/run" --prompt 'This movie was' --words 8 | grep -q '^ *This movie was' \
  || { echo "FAIL: generate did not continue the prompt"; exit 1; }
echo "sp ok"
