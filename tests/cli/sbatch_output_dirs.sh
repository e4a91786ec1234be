#!/usr/bin/env bash
# sbatch_output_dirs.sh: every folder a cluster/*.sbatch script names in
# `#SBATCH --output=` exists in a fresh clone (SLURM opens the file before the
# script runs, so a missing folder makes the job fail with no output at all).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
for f in "$root"/cluster/*.sbatch; do
  out=$(sed -n 's/^#SBATCH --\(output\|error\)=//p' "$f")
  for o in $out; do
    dir=$(dirname "$o")
    [ -d "$root/$dir" ] || { echo "FAIL: $f writes $o but $dir/ is not in the repository"; exit 1; }
    git -C "$root" ls-files --error-unmatch "$dir/.gitignore" > /dev/null 2>&1 \
      || { echo "FAIL: $dir/ exists here but is not tracked, so a fresh clone lacks it"; exit 1; }
    echo "$(basename "$f"): $dir/ present"
  done
done
