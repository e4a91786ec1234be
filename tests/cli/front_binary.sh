#!/usr/bin/env bash
# front_binary.sh WORKDIR: `parlance` runs the data commands itself, without
# LibTorch, and hands every other command line to parlance-torch beside it
# (src/cli/parlance_main.cpp).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PARLANCE_BIN:-$root/build/parlance}
d=$1; rm -rf "$d"; mkdir -p "$d/alone"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Nothing of LibTorch is linked into the front.
if ldd "$bin" | grep -E 'lib(torch|c10)'; then fail "$bin links LibTorch"; fi

# Alone, without parlance-torch beside it, the data commands still work ...
cp "$bin" "$d/alone/parlance"
alone=$d/alone/parlance
"$alone" demo-data human-numbers --out "$d/hn" > /dev/null
"$alone" prep configs/human_numbers_prep.toml --quiet --set prep.input="$d/hn" --out "$d/hn.h5" > /dev/null
"$alone" inspect "$d/hn.h5" --split valid --decode 3 | grep -q "eight thousand one" || fail "inspect without parlance-torch"
# ... and every other command says what is missing, with exit status 2.
for args in "train configs/human_numbers_lm.toml" "--version" ""; do
  set +e; err=$("$alone" $args 2>&1 >/dev/null); status=$?; set -e
  [ "$status" = 2 ] || fail "'parlance $args' without parlance-torch: exit $status, expected 2"
  grep -q "^parlance: error: cannot run $d/alone/parlance-torch: No such file or directory" <<< "$err" \
    || fail "'parlance $args' without parlance-torch said: $err"
done

# Beside it, command lines reach parlance-torch unchanged: the version names
# LibTorch, help lists the model commands, a user error keeps its one line
# and exit status 1, and usage lines keep the name it was started with.
"$bin" --version | grep -q "LibTorch" || fail "--version was not handed over"
help=$("$bin" --help)
grep -q "^  translate " <<< "$help" || fail "--help does not list the model commands"
grep -q "^Usage: $bin \[OPTIONS\] SUBCOMMAND" <<< "$help" || fail "--help's usage line: $(grep Usage <<< "$help")"
set +e; err=$("$bin" train "$d/none.toml" 2>&1 >/dev/null); status=$?; set -e
[ "$status" = 1 ] || fail "train with a missing recipe: exit $status, expected 1 ($err)"
[ "$(wc -l <<< "$err")" = 1 ] && grep -q "^parlance: error: .*none.toml" <<< "$err" || fail "train error: $err"
# Command-line mistakes read like every other user error: one line naming
# the option and the help to read, exit status 1 — whichever binary parses.
check_usage_error() {  # expected-line args...
  local want=$1; shift
  set +e; err=$("$bin" "$@" 2>&1 >/dev/null); status=$?; set -e
  [ "$status" = 1 ] && [ "$err" = "$want" ] || fail "'parlance $*': exit $status, said: $err (expected: $want)"
}
check_usage_error 'parlance: error: --temperature: 0 is not > 0 (parlance generate --help lists the options)' \
  generate "$d/no_run" --prompt x --temperature 0
check_usage_error 'parlance: error: --top-k: "many" is not a number (parlance generate --help lists the options)' \
  generate "$d/no_run" --prompt x --top-k many
check_usage_error 'parlance: error: config is required (parlance prep --help lists the options)' prep
check_usage_error 'parlance: error: no command "frobnicate" (parlance --help lists them)' frobnicate

# OpenBLAS's kernels (src/util/openblas_kernels.h): however parlance-torch is
# started, it does not run OpenBLAS's pre-AVX fallback on a CPU with AVX2 (a
# CPU model OpenBLAS does not know got its SSE3 kernels: half the training
# speed); a user's OPENBLAS_CORETYPE is kept. Nothing to check where the BLAS
# is not OpenBLAS (no "OpenBLAS kernels" in --version).
pre_avx='OpenBLAS kernels: (Katmai|Coppermine|Northwood|Prescott|Banias|Core2|Penryn|Dunnington|Nehalem|Atom|Opteron|Barcelona|Nano|Bobcat)\b'
for b in "$bin" "$(dirname "$bin")/parlance-torch"; do
  v=$(env -u OPENBLAS_CORETYPE "$b" --version)
  echo "$v"
  if grep -qw avx2 /proc/cpuinfo && grep -qE "$pre_avx" <<< "$v"; then fail "$b runs pre-AVX OpenBLAS kernels: $v"; fi
done
v=$(OPENBLAS_CORETYPE=Haswell "$bin" --version)
if grep -q "OpenBLAS kernels" <<< "$v"; then
  grep -q "OpenBLAS kernels: Haswell (OPENBLAS_CORETYPE=Haswell)" <<< "$v" || fail "OPENBLAS_CORETYPE=Haswell not kept: $v"
fi
echo "front binary: data commands alone, the rest handed over"
