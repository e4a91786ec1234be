#!/usr/bin/env bash
# prep_timings.sh WORKDIR: `prep --timings` prints rank 0's steps after the
# summary, every step of the run once, and they add up to the run's time (the
# steps tile it: a step left out would leave a gap); without the flag, no steps.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PARLANCE_BIN:-$root/build/parlance}
work=$1
rm -rf "$work"; mkdir -p "$work"
for split in train test; do
  for cls in pos neg; do
    mkdir -p "$work/corpus/$split/$cls"
    for i in $(seq 1 40); do echo "A $cls review number $i of the $split split, fine enough." > "$work/corpus/$split/$cls/$i.txt"; done
  done
done
printf '[prep]\nformat = "folder"\ninput = "%s"\nmin_freq = 1\n' "$work/corpus" > "$work/recipe.toml"
steps=("check the recipe and output, unpack compressed inputs" "list the corpus" "size its files" "plan the shares"
       "make the tokenizers" "read and tokenize this rank's share" "exchange hashes and counts" "merge the token tables"
       "create the output file" "write the token ids" "wait for every rank's write" "rank 0: vocabulary strings"
       "rank 0: rename into place" "the last barrier")
for np in 1 2; do
  "$root/launch/mpirun" $np "$bin" prep "$work/recipe.toml" --quiet --timings --out "$work/np$np.h5" > "$work/np$np.txt"
  grep -q "^steps on rank 0 of $np$" "$work/np$np.txt" || { echo "FAIL ($np ranks): no steps"; cat "$work/np$np.txt"; exit 1; }
  for step in "${steps[@]}"; do
    [ "$(grep -cF "  $step" "$work/np$np.txt")" -eq 1 ] || { echo "FAIL ($np ranks): step '$step' not printed once"; cat "$work/np$np.txt"; exit 1; }
  done
  # The steps' seconds add up to the run's (printed to 0.01 s, steps to 0.001 s).
  awk '/^time / {total = $2} /^steps on rank 0/ {on = 1; next} on && / s +[0-9.]+%$/ {sum += $(NF-2); n++}
       END {if (n != 14 || sum < total - 0.006 - 0.0005 * n || sum > total + 0.006 + 0.0005 * n) {
              printf "FAIL: %d steps adding up to %.3f s, run %.2f s\n", n, sum, total; exit 1 }}' "$work/np$np.txt"
done
"$bin" prep "$work/recipe.toml" --quiet --out "$work/plain.h5" > "$work/plain.txt"
! grep -q "^steps on rank 0" "$work/plain.txt" || { echo "FAIL: steps printed without --timings"; exit 1; }
echo "ok"
