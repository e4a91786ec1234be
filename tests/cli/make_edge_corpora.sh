#!/usr/bin/env bash
# make_edge_corpora.sh DIR: generated inputs whose records straddle rank
# boundaries in awkward ways, for the rank-count invariance tests.
set -euo pipefail
dir=$1; rm -rf "$dir"; mkdir -p "$dir/tree/train/pos" "$dir/tree/train/neg" "$dir/tree/test/pos" "$dir/tree/test/neg" "$dir/tree/unsup"
# CSV: quoted multi-line fields, "" escapes, CRLF endings, commas inside quotes, two text columns.
{
  printf 'label,title,text,is_valid\r\n'
  for i in $(seq 1 400); do
    v=False; [ $((i % 5)) -eq 0 ] && v=True
    l=pos; [ $((i % 3)) -eq 0 ] && l=neg
    printf '%s,"Title %d, with comma","Line one of %d\nline ""two"" — ünïcödé\n\nTHIRD LINE!!!!",%s\r\n' "$l" "$i" "$i" "$v"
  done
} > "$dir/multiline.csv"
# Headerless CSV in fastai's label,text layout.
for i in $(seq 1 600); do
  printf '%s,"Review %d: I ""liked"" it,\nmostly."\n' "$([ $((i % 2)) -eq 0 ] && echo pos || echo neg)" "$i"
done > "$dir/noheader.csv"
# Folder tree: many tiny files, an empty one, one without a final newline, unsup.
for i in $(seq 1 300); do
  echo "A tiny positive review number $i. Great!" > "$dir/tree/train/pos/$i.txt"
  echo "A tiny negative review number $i. Awful..." > "$dir/tree/train/neg/$i.txt"
  printf 'Test review %d without newline' "$i" > "$dir/tree/test/pos/$i.txt"
  echo "Another test review $i" > "$dir/tree/test/neg/$i.txt"
  echo "Unlabelled text $i" > "$dir/tree/unsup/$i.txt"
done
: > "$dir/tree/train/pos/empty.txt"
# Names JSON must escape in the provenance (quote, backslash, tab) or keep as
# UTF-8 (é): check_outputs.py finds each file again by the recorded path.
for name in 'quote"d' 'back\slash' "$(printf 'tab\tname')" 'café'; do
  echo "A review filed under an awkward name: $name" > "$dir/tree/train/pos/$name.txt"
done
# Text with invalid UTF-8 sprinkled in and no trailing newline.
{
  for i in $(seq 1 3000); do
    if [ $((i % 97)) -eq 0 ]; then printf 'bad bytes \xff\xfe here %d and \xe2\x82 truncated\n' "$i"; else echo "Plain line $i of text with some Words."; fi
  done
  printf 'last line without newline'
} > "$dir/invalid_utf8.txt"
# A vocabulary wider than uint16 ids: 70,000 distinct words, each on two lines.
awk 'BEGIN { for (r = 0; r < 2; r++) for (i = 0; i < 70000; i++) printf "word%d and word%dx\n", i, i }' > "$dir/wide.txt"
# Parallel files, line-aligned.
for i in $(seq 1 2000); do echo "What is number $i?"; done > "$dir/en.txt"
for i in $(seq 1 2000); do echo "Qu'est-ce que le numéro $i ?"; done > "$dir/fr.txt"
