#!/usr/bin/env bash
# started_alone.sh WORKDIR: a parlance process started alone (no mpirun, no
# srun) skips Open MPI's cm PML, whose probing of network adapters was half
# of a data command's start-up, and a user's own OMPI_MCA_pml stands
# (src/comm/mpi_world.cpp). Open MPI's verbose PML log says which PMLs load.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PARLANCE_BIN:-$root/build/parlance}
d=$1; rm -rf "$d"; mkdir -p "$d"
fail() { echo "FAIL: $*" >&2; exit 1; }
pmls() {  # pmls [ENV...]: the PML components Open MPI registered for a data command started alone
  env -u OMPI_MCA_pml "$@" OMPI_MCA_pml_base_verbose=10 "$bin" demo-data human-numbers --out "$d/hn" 2>&1 >/dev/null \
    | sed -n 's/.*components_register: found loaded component \(.*\)/\1/p' | sort | tr '\n' ' '
}
alone=$(pmls)
grep -qw ob1 <<< "$alone" || fail "no ob1 PML started alone: $alone"
! grep -qw cm <<< "$alone" || fail "the cm PML loaded in a process started alone: $alone"
chosen=$(pmls OMPI_MCA_pml=^ucx)
grep -qw cm <<< "$chosen" && ! grep -qw ucx <<< "$chosen" || fail "the user's OMPI_MCA_pml=^ucx was not kept: $chosen"
echo "started alone: PMLs $alone; with the user's ^ucx: $chosen"
