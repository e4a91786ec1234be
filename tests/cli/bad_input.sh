#!/usr/bin/env bash
# bad_input.sh CASE WORKDIR
# Builds one kind of bad input, runs `parlance prep` on it with 2 MPI ranks,
# and requires: a non-zero exit within the time limit (no rank left hanging),
# a one-line error naming the file and the problem, no output file, no
# temporary file left behind, and an existing output left untouched.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
case_name=$1 work=$2
bin=${PARLANCE_BIN:-$root/build/parlance}
case $case_name in  # the archive cases need a build that reads compressed input
  damaged_archive|not_compressed|archive_escape|archive_link)
    if "$bin" --version | grep -q "no compressed inputs"; then
      echo "SKIP: $("$bin" --version)"; exit 77
    fi ;;
esac
rm -rf "$work"; mkdir -p "$work"; cd "$work"
out=$work/out.h5
sets=()
config=$work/recipe.toml
csv_recipe() {
  printf '[prep]\nformat = "csv"\ninput = "%s"\nmin_freq = 1\n%s\n' "$1" "${2:-}" > "$config"
}
text_recipe() {
  printf '[prep]\nformat = "text"\ninput = "%s"\nmin_freq = 1\n%s\n' "$1" "${2:-}" > "$config"
}
big_ok_text() {  # enough normal lines that both ranks get work
  for i in $(seq 1 2000); do echo "line number $i of a perfectly fine text file"; done
}
case $case_name in
  missing_path)   text_recipe "$work/nope.txt"; expect="nope.txt: no such file" ;;
  empty_corpus)   : > empty.txt; text_recipe "$work/empty.txt"; expect="empty.txt: empty corpus" ;;
  csv_unclosed_quote)
    { echo 'label,text'; for i in $(seq 1 500); do echo "pos,\"fine review $i\""; done; echo 'neg,"this one never ends'; echo 'pos,ok'; } > bad.csv
    csv_recipe "$work/bad.csv"; expect='bad.csv: line 502 \(byte [0-9]+\): unclosed quote' ;;
  csv_column_count)
    { echo 'label,text,is_valid'; for i in $(seq 1 500); do echo "pos,review $i,False"; done; echo 'neg,missing a column'; } > bad.csv
    csv_recipe "$work/bad.csv"; expect='bad.csv: line 502 \(byte [0-9]+\): expected 3 columns, found 2' ;;
  label_not_in_classes)
    { echo 'label,text'; for i in $(seq 1 500); do echo "pos,review $i"; done; echo 'meh,lukewarm'; } > bad.csv
    csv_recipe "$work/bad.csv" 'classes = ["neg", "pos"]'; expect='bad.csv: line 502 \(byte [0-9]+\): label "meh" is not in prep.classes' ;;
  parallel_line_counts)
    big_ok_text > en.txt; { big_ok_text; echo extra; } > fr.txt
    printf '[prep]\nformat = "parallel_files"\ninput = "%s"\ninput_tgt = "%s"\n' "$work/en.txt" "$work/fr.txt" > "$config"
    expect='en.txt has 2000 lines but .*fr.txt has 2001' ;;
  huge_line)
    { big_ok_text; head -c 100000000 /dev/zero | tr '\0' 'a'; echo; } > huge.txt
    text_recipe "$work/huge.txt"; expect='huge.txt: record starting at byte [0-9]+ \(line 2001\) is longer than prep.max_record_mb' ;;
  huge_line_in_one_chunk)  # 40 MB: the whole line fits one 64 MB chunk, and is still over the 32 MB limit
    { big_ok_text; head -c 40000000 /dev/zero | tr '\0' 'a'; echo; big_ok_text; } > huge.txt
    text_recipe "$work/huge.txt" 'chunk_mb = 64'; expect='huge.txt: record starting at byte [0-9]+ \(line 2001\) is longer than prep.max_record_mb' ;;
  nul_bytes)
    { big_ok_text; printf 'bin\0ary\n'; big_ok_text; } > nul.txt
    text_recipe "$work/nul.txt"; expect='nul.txt: line 2001 \(byte [0-9]+\): NUL byte' ;;
  unknown_key)    big_ok_text > ok.txt; text_recipe "$work/ok.txt" 'max_vocabulary = 10'; expect='recipe.toml: unknown key prep.max_vocabulary' ;;
  negative_max_vocab) big_ok_text > ok.txt; text_recipe "$work/ok.txt"; sets=(--set prep.max_vocab=-5); expect='prep.max_vocab = -5 is out of range' ;;
  zero_min_freq)  big_ok_text > ok.txt; text_recipe "$work/ok.txt" 'min_freq = 0'; sed -i '0,/min_freq = 1/{/min_freq = 1/d}' "$config"; expect='prep.min_freq = 0 is out of range' ;;
  wrong_type)     big_ok_text > ok.txt; text_recipe "$work/ok.txt"; sets=(--set prep.threads=many); expect='"many" is not an integer' ;;
  missing_out_folder) big_ok_text > ok.txt; text_recipe "$work/ok.txt"; out=$work/no/such/dir/out.h5; expect='output folder .*no/such/dir does not exist' ;;
  out_is_folder)  big_ok_text > ok.txt; text_recipe "$work/ok.txt"; out=$work/outdir; mkdir -p "$out/keep"
    expect='outdir: is a folder; give the .h5 file to write' ;;
  folder_without_classes)
    mkdir -p flat; for i in 1 2 3; do big_ok_text > "flat/$i.txt"; done
    printf '[prep]\nformat = "folder"\ninput = "%s"\nmin_freq = 1\n' "$work/flat" > "$config"
    expect='flat: prep.format = "folder" expects one folder per class' ;;
  damaged_archive)  # a tarball cut short in the middle of its data
    mkdir -p tree/pos tree/neg; for c in pos neg; do for i in $(seq 1 40); do big_ok_text > "tree/$c/$i.txt"; done; done
    tar -czf whole.tar.gz tree; head -c $(( $(stat -c %s whole.tar.gz) / 2 )) whole.tar.gz > cut.tar.gz
    printf '[prep]\nformat = "folder"\ninput = "%s"\nmin_freq = 1\n' "$work/cut.tar.gz" > "$config"
    expect='cut.tar.gz: damaged (after member|in member) tree/' ;;
  not_compressed)  big_ok_text > plain.txt.gz; text_recipe "$work/plain.txt.gz"
    expect='plain.txt.gz: is not compressed, though its name says so' ;;
  archive_escape)  # a member path that climbs out of the unpacking folder
    big_ok_text > ok.txt
    /usr/bin/python3 -c 'import tarfile,sys; t=tarfile.open(sys.argv[1],"w:gz"); t.add("ok.txt", arcname="../evil.txt"); t.close()' evil.tar.gz
    printf '[prep]\nformat = "folder"\ninput = "%s"\nmin_freq = 1\n' "$work/evil.tar.gz" > "$config"
    expect='evil.tar.gz: member ../evil.txt would be written outside the archive' ;;
  archive_link)
    mkdir -p tree/pos; big_ok_text > tree/pos/1.txt; ln -s 1.txt tree/pos/2.txt; tar -czf linked.tar.gz tree
    printf '[prep]\nformat = "folder"\ninput = "%s"\nmin_freq = 1\n' "$work/linked.tar.gz" > "$config"
    expect='linked.tar.gz: member tree/pos/2.txt is a link or special file' ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
[ -d "$(dirname "$out")" ] && [ ! -d "$out" ] && echo "previous output" > "$out"
set +e
timeout 120 "$root/launch/mpirun" 2 "$bin" prep "$config" --quiet --out "$out" "${sets[@]}" > stdout.txt 2> stderr.txt
rc=$?
set -e
cat stderr.txt | grep -v '^\s*$' | head -5
[ $rc -ne 124 ] || { echo "FAIL: timed out (a rank hung)"; exit 1; }
[ $rc -ne 0 ] || { echo "FAIL: exit status 0"; exit 1; }
grep -Eq "parlance: error: .*$expect" stderr.txt || { echo "FAIL: expected error matching: $expect"; exit 1; }
# One line, not Open MPI's restatements of it (launch/mpirun drops those).
grep -Eq "MPI_ABORT was invoked|non-zero exit code|non-zero status|ORTE_ERROR_LOG" stderr.txt \
  && { echo "FAIL: Open MPI noise after the error:"; cat stderr.txt; exit 1; }
if [ -d "$out" ]; then
  [ -d "$out/keep" ] || { echo "FAIL: the folder named as output was modified"; exit 1; }
elif [ -d "$(dirname "$out")" ]; then
  [ "$(cat "$out")" = "previous output" ] || { echo "FAIL: existing output was modified"; exit 1; }
  [ ! -e "$out.partial" ] || { echo "FAIL: $out.partial left behind"; exit 1; }
  ls -A "$(dirname "$out")" | grep -q '^\.parlance-spill' && { echo "FAIL: scratch files left behind"; exit 1; }
  [ ! -e "$out.expanded" ] || { echo "FAIL: the unpacking folder $out.expanded was left behind"; exit 1; }
fi
echo "ok: $case_name (exit $rc)"
