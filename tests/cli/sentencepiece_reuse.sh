#!/usr/bin/env bash
# sentencepiece_reuse.sh SP_H5 WORKDIR: SentencePiece learns from the
# vocabulary's splits only; the model travels in the file (vocab/sp_model), is
# reused with the vocabulary by prep.vocab_from, and lets generate tokenize
# prompts.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PARLANCE_BIN:-$root/build/parlance}
sp=$1 d=$2
/usr/bin/python3 -c 'import h5py' 2>/dev/null || { echo "SKIP: /usr/bin/python3 has no h5py (python3-h5py)"; exit 77; }
rm -rf "$d"; mkdir -p "$d"
# SentencePiece learns from the vocabulary's splits only: a character that
# appears in valid alone gets no piece by default (it would leak evaluation
# text into the model), and gets one with prep.vocab_splits = "all".
mkdir -p "$d/split_corpus"
for i in $(seq 300); do echo "the quick brown fox number $i jumps over the lazy dog"; done > "$d/split_corpus/train.txt"
for i in $(seq 100); do echo "αβγ δεζ ηθι κλμ νξο"; done > "$d/split_corpus/valid.txt"
alpha_pieces() {  # how many of the model's pieces hold the valid-only α
  "$bin" prep tests/cli/recipes/imdb_sample_sentencepiece.toml --quiet --set prep.format=text \
    --set prep.input="$d/split_corpus" --set prep.sp_vocab_size=100 "$@" --out "$d/split.h5" > /dev/null
  /usr/bin/python3 "$root/tests/cli/sp_pieces.py" "$d/split.h5" | grep -c "α" || true
}
on_train=$(alpha_pieces) on_all=$(alpha_pieces --set prep.vocab_splits=all)
echo "pieces holding a valid-only character: SentencePiece trained on train $on_train, on all splits $on_all"
[ "$on_train" = 0 ] && [ "$on_all" -gt 0 ] \
  || { echo "FAIL: the SentencePiece sample does not follow prep.vocab_splits"; exit 1; }
[ -e "$sp" ] || { echo "SKIP: $sp not found (needs ../shared/data)"; exit 77; }
"$bin" prep tests/cli/recipes/imdb_sample_sentencepiece.toml --quiet \
  --set prep.vocab_from="$sp" --set prep.valid_pct=0.5 --set prep.seed=7 --out "$d/reuse.h5"
h5diff "$sp" "$d/reuse.h5" /vocab/sp_model /vocab/sp_model
h5diff "$sp" "$d/reuse.h5" /vocab/itos /vocab/itos
"$bin" train configs/human_numbers_gru.toml --data "$sp" --run "$d/run" --set train.max_steps=2 \
  --set train.epochs=1 --set train.bs=4 > /dev/null
"$bin" generate "$d/run" --prompt 'This movie was' --words 8 | grep -q '^ *This movie was' \
  || { echo "FAIL: generate did not continue the prompt"; exit 1; }
echo "sp ok"
