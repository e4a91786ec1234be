#!/usr/bin/env bash
# mpirun_wrapper.sh: launch/mpirun passes on what matters and only that —
# a rank's crash is still reported, exit statuses come through, and TERM sent
# to the wrapper reaches the ranks (as it would reach plain mpirun).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$root/launch/mpirun" 2 bash -c '[ "$OMPI_COMM_WORLD_RANK" = 1 ] && kill -SEGV $$; sleep 2' > /dev/null 2> "$work/segv.err"
rc=$?
[ $rc -ne 0 ] || fail "a crashed rank gave exit status 0"
grep -q "exited on signal 11" "$work/segv.err" || { cat "$work/segv.err"; fail "the crash report was dropped"; }

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

"$root/launch/mpirun" 2 bash -c 'sleep 60 & s=$!; trap "echo got-term; kill $s; exit 0" TERM; touch '"$work"'/up.$OMPI_COMM_WORLD_RANK; wait' \
  > "$work/term.out" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -e "$work/up.0" ] && [ -e "$work/up.1" ] && break; sleep 0.1; done
sleep 1  # mpirun's own signal handling is set up by the time its ranks run
kill -TERM $pid
wait $pid
[ "$(grep -c got-term "$work/term.out")" -eq 2 ] || { cat "$work/term.out"; fail "TERM did not reach both ranks"; }
echo "ok"
