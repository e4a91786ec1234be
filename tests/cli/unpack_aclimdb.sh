#!/usr/bin/env bash
# unpack_aclimdb.sh TARBALL DEST: the aclImdb fixture, unpacked once.
set -euo pipefail
[ -e "$1" ] || { echo "SKIP: $1 not found (needs ../shared/data)"; exit 77; }
[ -d "$2/aclImdb/train/pos" ] || { mkdir -p "$2" && tar -xzf "$1" -C "$2"; }
