#!/usr/bin/env bash
# bad_recipe.sh WORKDIR: training requests this machine cannot honour (CUDA,
# mixed precision or NCCL without a GPU, NCCL for ranks sharing a GPU, an
# unknown precision) fail on every rank with one clear line, exit 1 and no
# hang, before any run folder appears.
set -euo pipefail
source "$(dirname "$0")/common.sh"
work=$1; rm -rf "$work"; mkdir -p "$work"
prep_human_numbers "$work"
expect_error() {  # expect_error PATTERN ARGS...
  local pattern=$1; shift
  set +e
  timeout 120 "$root/launch/mpirun" 2 "$bin" train configs/human_numbers_lm.toml --data "$work/hn.h5" --run "$work/run" "$@" \
    > "$work/out" 2> "$work/err"
  local rc=$?
  set -e
  [ $rc -ne 124 ] || { echo "FAIL ($*): hung"; exit 1; }
  [ $rc -ne 0 ] || { echo "FAIL ($*): exit status 0"; exit 1; }
  grep -q "$pattern" "$work/err" || { echo "FAIL ($*): expected '$pattern' in:"; cat "$work/err"; exit 1; }
  [ ! -e "$work/run" ] || { echo "FAIL ($*): a run folder was created"; exit 1; }
  echo "ok ($*): $(grep -m1 "$pattern" "$work/err")"
}
gpus=$(cuda_devices)
expect_error 'needs a CUDA device; CPU training stays fp32' --set train.precision=bf16 --set train.device=cpu
expect_error 'needs a CUDA device; CPU training stays fp32' --set train.precision=fp16 --set train.device=cpu
expect_error 'train.backend = "nccl" needs CUDA tensors' --set train.backend=nccl --set train.device=cpu
expect_error 'train.precision' --set train.precision=fp8
if [ "$gpus" -eq 0 ]; then
  expect_error 'train.device = "cuda", but this LibTorch sees no CUDA device' --set train.device=cuda
  expect_error 'needs a CUDA device; CPU training stays fp32' --set train.precision=bf16  # auto means CPU here
elif [ "$gpus" -eq 1 ]; then  # two ranks, one GPU: NCCL would fail with "invalid usage"
  expect_error 'train.backend = "nccl" needs one GPU per rank, but 2 ranks share 1 visible GPU on this node' \
    --set train.device=cuda --set train.backend=nccl
fi
echo "all bad recipes rejected"
