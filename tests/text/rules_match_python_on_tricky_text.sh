#!/usr/bin/env bash
# rules_match_python_on_tricky_text.sh DUMP_BIN WORKDIR: each fastai pre-rule
# in C++ equals the Python (re/html) reference byte for byte on 4,000 seeded
# random strings built to hit the rules' edges: repeated words and characters
# (ASCII, accented, CJK, digits, underscores, letters and digits of
# U+0080..U+00BF, emoji), separators of every kind,
# runs of spaces, newlines, slashes, hashes, HTML entities and escapes, and
# text ending mid-pattern. The word-at-a-time scans live or die here.
set -euo pipefail
dump=$1 work=$2
mkdir -p "$work"
/usr/bin/python3 - > "$work/cases.jsonl" <<'PY'
import json, random
rng = random.Random(1234)
words = ['go', 'la', 'a', 'The', 'the', 'ça', 'été', 'x_1', '_', '9', '12', 'ÉTÉ', '日本', 'don', 't', 'word',
         'zZ', 'ª', 'x²', 'µm', '😀', 'Ωz']
seps = [' ', '  ', '-', ', ', '!', '!!!!', '\n', ' \n ', '/', '#', 'é', '’', '.', '...', '\t', ' @-@ ', '&amp;',
        '#39;', '<br />', '\\n', '\\', 'quot;', '&#x41;', '\u00a0', '  \n\n  ']
for _ in range(4000):
    parts = []
    for _ in range(rng.randint(1, 12)):
        w = rng.choice(words)
        s = rng.choice(seps)
        parts.append((w + s) * (rng.randint(1, 6) if rng.random() < 0.3 else 1))
        if rng.random() < 0.15:
            parts.append(rng.choice('aé!日 _9') * rng.randint(2, 7))
    text = ''.join(parts)
    if rng.random() < 0.3:
        text = text.rstrip()
    print(json.dumps(text))
PY
for rule in fix_html replace_rep replace_wrep spec_add_spaces rm_useless_spaces pre_rules; do
  /usr/bin/python3 bench/fastai_rules_ref.py rule "$rule" < "$work/cases.jsonl" > "$work/py_$rule.jsonl"
  "$dump" --rule "$rule" < "$work/cases.jsonl" > "$work/cpp_$rule.jsonl"
  if ! cmp -s "$work/py_$rule.jsonl" "$work/cpp_$rule.jsonl"; then
    n=$(paste "$work/py_$rule.jsonl" "$work/cpp_$rule.jsonl" | awk -F'\t' '$1 != $2 && !n {n = NR} END {print n}')
    echo "FAIL: $rule differs from Python on case $n:"
    sed -n "${n}p" "$work/cases.jsonl"
    echo "python: $(sed -n "${n}p" "$work/py_$rule.jsonl")"
    echo "c++:    $(sed -n "${n}p" "$work/cpp_$rule.jsonl")"
    exit 1
  fi
  echo "$rule: 4000 cases identical"
done
