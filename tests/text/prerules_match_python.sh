#!/usr/bin/env bash
# prerules_match_python.sh DUMP_BIN WIKITEXT2_RAW_DIR WORKDIR: the C++ fastai
# pre-rules equal the Python (re/html) reference byte for byte on WikiText-2.
set -euo pipefail
dump=$1 raw=$2 work=$3
[ -e "$raw/wiki.valid.raw" ] || { echo "SKIP: no WikiText-2 raw at $raw"; exit 77; }
mkdir -p "$work"
for f in wiki.valid.raw wiki.test.raw; do
  /usr/bin/python3 bench/fastai_rules_ref.py prerules "$raw/$f" > "$work/py_$f.jsonl"
  "$dump" "$raw/$f" > "$work/cpp_$f.jsonl"
  cmp "$work/py_$f.jsonl" "$work/cpp_$f.jsonl" || { echo "FAIL: $f differs from the Python reference"; exit 1; }
  echo "$f: $(wc -l < "$work/cpp_$f.jsonl") documents identical"
done
