# Sourced by the prep test scripts: one way to say two prepared files hold the
# same data.
# same_datasets A B: the same dataset names, and every dataset identical
# (hdf5-tools' h5diff); on a difference, names it, shows its first lines and exits 1.
same_datasets() {
  local a=$1 b=$2 ds
  ds=$(h5ls -r "$a" | awk '$2 == "Dataset" {print $1}')
  [ -n "$ds" ] || { echo "FAIL: no datasets in $(basename "$a")"; exit 1; }
  [ "$ds" = "$(h5ls -r "$b" | awk '$2 == "Dataset" {print $1}')" ] \
    || { echo "FAIL: $(basename "$b") has other datasets than $(basename "$a")"; exit 1; }
  for d in $ds; do
    h5diff -q "$a" "$b" "$d" "$d" || {
      echo "FAIL: $d differs between $(basename "$a") and $(basename "$b")"
      h5diff -r -c "$a" "$b" "$d" "$d" | head -20
      exit 1
    }
  done
  echo "identical: $(basename "$b") = $(basename "$a")"
}
