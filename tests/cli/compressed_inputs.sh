#!/usr/bin/env bash
# compressed_inputs.sh WORKDIR SHARED_DATA [ACLIMDB_NP1_H5]
# Compressed inputs give the datasets their unpacked input gives, for any
# rank count: WikiText-2 raw as a folder of .gz files, as a .tar.gz and as a
# .zip; IMDB_SAMPLE's CSV as .xz; and, when the aclImdb fixture's output is
# given, the aclImdb tarball of ../shared as is. The provenance names the
# archive and member, and no unpacking folder is left behind.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$1 shared=$2 aclimdb_np1=${3:-}
for need in "$shared/wikitext-2-raw" "$shared/imdb_sample/texts.csv"; do
  [ -e "$need" ] || { echo "SKIP: $need not found"; exit 77; }
done
source "$root/tests/cli/same_datasets.sh"
bin=${PARLANCE_BIN:-$root/build/parlance}
if "$bin" --version | grep -q "no compressed inputs"; then echo "SKIP: $("$bin" --version)"; exit 77; fi
rm -rf "$work"; mkdir -p "$work"
prep() {  # prep NP OUT CONFIG INPUT
  local np=$1 out=$2 config=$3 input=$4
  "$root/launch/mpirun" "$np" "$bin" prep "$config" --quiet --out "$out" --set prep.input="$input" > "$out.log" 2>&1 \
    || { cat "$out.log"; echo "FAIL: prep of $input with $np ranks failed"; exit 1; }
  [ ! -e "$out.expanded" ] || { echo "FAIL: $out.expanded left behind"; exit 1; }
}
inputs_attr() { /usr/bin/python3 -c 'import h5py,sys; print(h5py.File(sys.argv[1], "r").attrs["inputs"])' "$1"; }

# WikiText-2 raw: plain folder, folder of .gz files, .tar.gz, .zip.
wt2=configs/wikitext2_prep.toml
prep 1 "$work/plain.h5" $wt2 "$shared/wikitext-2-raw"
mkdir -p "$work/gz"
for f in "$shared"/wikitext-2-raw/wiki.*.raw; do gzip -c "$f" > "$work/gz/$(basename "$f").gz"; done
prep 2 "$work/gz.h5" $wt2 "$work/gz"
same_datasets "$work/plain.h5" "$work/gz.h5"
inputs_attr "$work/gz.h5" | grep -q "$work/gz/wiki.train.raw.gz" || { echo "FAIL: provenance does not name the .gz file"; exit 1; }
tar -czf "$work/wt2.tar.gz" -C "$shared" wikitext-2-raw
prep 3 "$work/tgz.h5" $wt2 "$work/wt2.tar.gz"
same_datasets "$work/plain.h5" "$work/tgz.h5"
inputs_attr "$work/tgz.h5" | grep -q "wt2.tar.gz:wikitext-2-raw/wiki.train.raw" \
  || { echo "FAIL: provenance does not name the archive member"; inputs_attr "$work/tgz.h5"; exit 1; }
/usr/bin/python3 -c '
import sys, zipfile, pathlib
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(pathlib.Path(sys.argv[2]).iterdir()):
        z.write(f, "wikitext-2-raw/" + f.name)' "$work/wt2.zip" "$shared/wikitext-2-raw"
prep 2 "$work/zip.h5" $wt2 "$work/wt2.zip"
same_datasets "$work/plain.h5" "$work/zip.h5"

# A single compressed CSV.
sample=configs/imdb_sample_prep.toml
prep 1 "$work/csv.h5" $sample "$shared/imdb_sample/texts.csv"
xz -c "$shared/imdb_sample/texts.csv" > "$work/texts.csv.xz"
prep 2 "$work/csv_xz.h5" $sample "$work/texts.csv.xz"
same_datasets "$work/csv.h5" "$work/csv_xz.h5"

# The aclImdb tarball as it comes, against the unpacked fixture's 1-rank output.
tarball=$shared/aclImdb_v1_labelled.tar.gz
if [ -n "$aclimdb_np1" ] && [ -e "$aclimdb_np1" ] && [ -e "$tarball" ]; then
  prep 2 "$work/aclimdb_tarball.h5" configs/imdb_prep.toml "$tarball"
  same_datasets "$aclimdb_np1" "$work/aclimdb_tarball.h5"
else
  echo "aclImdb tarball: not compared (no fixture output or no tarball)"
fi
echo "ok"
