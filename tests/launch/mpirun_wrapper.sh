#!/usr/bin/env bash
# mpirun_wrapper.sh: launch/mpirun passes on what matters and only that —
# a rank's crash is still reported, exit statuses come through, and TERM sent
# to the wrapper reaches the ranks (as it would reach plain mpirun), and
# ranks do not probe network adapters one machine never uses.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Open MPI's own side of these two cases races the ranks' exits on a loaded
# machine (its crash report missing, or a rank SIGKILLed before its TERM
# handler ran: each seen about 1 run in 5 on a 2-core VM), so each gets three
# tries; a wrapper that drops the report or does not pass TERM on fails all three.
tries() {  # tries FN: FN until it succeeds, at most 3 times; its last message otherwise
  local k
  for k in 1 2 3; do "$1" && return 0; done
  fail "$why"
}

crash_reported() {
  "$root/launch/mpirun" 2 bash -c '[ "$OMPI_COMM_WORLD_RANK" = 1 ] && kill -SEGV $$; sleep 2' > /dev/null 2> "$work/segv.err"
  local rc=$?
  why="a rank killed by SIGSEGV gave exit status $rc, not 139"
  [ $rc -eq 139 ] || return 1
  why="the crash report was dropped: $(cat "$work/segv.err")"
  grep -q "exited on signal 11" "$work/segv.err"
}
tries crash_reported

"$root/launch/mpirun" 2 bash -c 'exit 3' > /dev/null 2>&1
rc=$?
[ $rc -eq 3 ] || fail "exit status 3 came back as $rc"

"$root/launch/mpirun" 2 bash -c 'echo "parlance: error: something the user can fix" >&2; exit 1' > /dev/null 2> "$work/user.err"
[ "$(grep -c . "$work/user.err")" -le 2 ] || { cat "$work/user.err"; fail "Open MPI's restating boxes were not dropped"; }

# The restating box may reach stderr before parlance's line (seen in CI); it is
# still dropped, and kept when no parlance line ever comes.
box='d=----------------------------------------; printf "%s\nMPI_ABORT was invoked on rank 0 in communicator MPI_COMM_WORLD\n%s\n" $d $d >&2'
"$root/launch/mpirun" 1 bash -c "$box; sleep 0.5; echo 'parlance: error: late line' >&2; exit 1" > /dev/null 2> "$work/late.err"
grep -q "MPI_ABORT" "$work/late.err" && { cat "$work/late.err"; fail "a box before parlance's line was not dropped"; }
grep -q "parlance: error: late line" "$work/late.err" || { cat "$work/late.err"; fail "parlance's line was lost"; }
"$root/launch/mpirun" 1 bash -c "$box; exit 1" > /dev/null 2> "$work/alone.err"
grep -q "MPI_ABORT" "$work/alone.err" || { cat "$work/alone.err"; fail "a box with no parlance line was dropped"; }

# Each rank notes the TERM in a file: output a rank prints while mpirun winds
# the job down can be lost on its way through Open MPI.
term_reaches_both_ranks() {
  rm -f "$work"/up.* "$work"/term.*
  "$root/launch/mpirun" 2 bash -c 'sleep 60 & s=$!; r=$OMPI_COMM_WORLD_RANK
    trap "touch '"$work"'/term.\$r; kill \$s; exit 0" TERM; touch '"$work"'/up.$r; wait' > "$work/term.out" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do [ -e "$work/up.0" ] && [ -e "$work/up.1" ] && break; sleep 0.1; done
  sleep 1  # mpirun's own signal handling is set up by the time its ranks run
  kill -TERM $pid
  wait $pid
  why="TERM did not reach both ranks (noted: $(cd "$work" && echo term.*))"
  [ -e "$work/term.0" ] && [ -e "$work/term.1" ]
}
tries term_reaches_both_ranks

# Ranks skip the cm PML's probing of network adapters, unless the user chose PMLs.
pml=$("$root/launch/mpirun" 2 bash -c 'echo "[$OMPI_MCA_pml]"' | sort -u)
[ "$pml" = "[^cm]" ] || fail "ranks got OMPI_MCA_pml=$pml, expected [^cm]"
pml=$(OMPI_MCA_pml=ob1 "$root/launch/mpirun" 1 bash -c 'echo "[$OMPI_MCA_pml]"')
[ "$pml" = "[ob1]" ] || fail "the user's OMPI_MCA_pml=ob1 reached the rank as $pml"
echo "ok"
