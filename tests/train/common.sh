# Sourced by the training test scripts: where the repository and the binary
# are, and the demo corpus every one of them trains on.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${PARLANCE_BIN:-$root/build/parlance}

# CUDA devices this parlance sees (from `parlance --version`): GPU tests skip
# without one; CPU-semantics tests (bit-exact resume) pin train.device = cpu.
cuda_devices() { "$bin" --version | sed -n 's/.*; \([0-9]*\) CUDA devices\{0,1\};.*/\1/p' | grep . || echo 0; }

# small_cpu_lm WORK EPOCHS: sets the array `common` to the small CPU language
# model (2 layers, hidden 64, on WORK/hn.h5) the resume and preemption tests train.
small_cpu_lm() {
  common=(configs/human_numbers_lm.toml --data "$1/hn.h5" --set train.device=cpu --set train.epochs="$2"
    --set model.layers=2 --set model.hidden=64)
}

# prep_human_numbers WORK: writes the human-numbers corpus to WORK/hn and its
# prepared form (2 ranks) to WORK/hn.h5.
prep_human_numbers() {
  "$bin" demo-data human-numbers --out "$1/hn"
  "$root/launch/mpirun" 2 "$bin" prep configs/human_numbers_prep.toml --quiet --set prep.input="$1/hn" --out "$1/hn.h5"
}
