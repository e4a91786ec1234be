#!/usr/bin/env bash
# slurm_requeue.sh WORKDIR: a real single-node SLURM — munge, slurmctld and
# slurmd from Debian's slurm-wlm (scripts/setup installs them), started here
# on private ports and paths — runs cluster/prep.sbatch and
# cluster/train.sbatch as the README tells users to (2 tasks, srun --mpi=pmix).
# Each training job is interrupted mid-epoch, once by `scontrol requeue`
# (SLURM's SIGTERM to the steps) and once by the USR1 that `--signal`
# delivers before the time limit; each must checkpoint, come back as the same
# job (requeued), resume, and end with exactly the weights of an uninterrupted
# run and each epoch once in metrics.jsonl. Skips (77) only without SLURM.
set -euo pipefail
source "$(dirname "$0")/../train/common.sh"
digest=${DIGEST_BIN:?}
for tool in munged slurmctld slurmd sbatch scontrol squeue scancel; do
  command -v "$tool" > /dev/null || { echo "SKIP: no $tool (scripts/setup installs SLURM and munge)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: slurmd must run as root to start jobs"; exit 77; }
work=$(mkdir -p "$1" && cd "$1" && pwd)
cluster=$work/cluster
# This folder's cluster: its daemons and the job's ranks name a path in it on
# their command line, slurmstepd only in its environment (SLURM_CONF).
cluster_pids() {
  pgrep -f -- "$work/" || true
  for p in $(pgrep -x slurmstepd || true); do
    if grep -qzxF "SLURM_CONF=$cluster/slurm.conf" "/proc/$p/environ" 2> /dev/null; then echo "$p"; fi
  done
}
# stop_processes: ends them all (SIGKILL after 10 s: slurmstepd outlives
# SIGTERM) and prints how many there were.
stop_processes() {
  local pids left
  pids=$(cluster_pids)
  [ -n "$pids" ] || { echo 0; return; }
  kill $pids 2> /dev/null || true
  for _ in $(seq 10); do [ -z "$(cluster_pids)" ] && break; sleep 1; done
  left=$(cluster_pids)
  [ -z "$left" ] || kill -KILL $left 2> /dev/null || true
  wc -w <<< "$pids"
}
# Daemons detach: a run killed before its EXIT trap (a ctest timeout) leaves
# them, and the job they ran, working in this folder.
stale=$(stop_processes)
[ "$stale" = 0 ] || echo "stopped $stale processes an earlier run of this test left (SLURM daemons, job steps)"
rm -rf "${work:?}"/*
mkdir -p "$cluster/state" "$cluster/spool"

# --- a private cluster: one node with this machine's cores ---------------------
port=$((20000 + ($$ % 500) * 2))
host=$(hostname -s)
export SLURM_CONF=$cluster/slurm.conf
cat > "$SLURM_CONF" <<EOF
ClusterName=parlancetest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$cluster/munge.sock
StateSaveLocation=$cluster/state
SlurmdSpoolDir=$cluster/spool
SlurmctldPidFile=$cluster/slurmctld.pid
SlurmdPidFile=$cluster/slurmd.pid
SlurmctldLogFile=$cluster/slurmctld.log
SlurmdLogFile=$cluster/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=sched_interval=2
MpiDefault=none
ReturnToService=2
KillWait=30
NodeName=parlance0 NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
# SLURM's PMIx plugin gives each step a folder BASE/spmix_appdir_UID_JOB.STEP
# (BASE is /tmp by default) and will not launch the step if it exists. Job ids
# restart at 1 on every fresh cluster, so one left by an earlier, killed run of
# this test failed job 2's launch ("task 0 launch failed"): keep them private.
mkdir -p "$cluster/pmix"
echo "PMIxCliTmpDirBase=$cluster/pmix" > "$cluster/mpi.conf"
stop_cluster() {  # jobs cancelled through this cluster's own slurmctld (SLURM_CONF), then every process
  scancel --quiet --user="$(id -un)" 2> /dev/null || true
  stop_processes > /dev/null
}
trap stop_cluster EXIT
# slurm_errors: the daemons' last errors, for failures SLURM itself explains.
slurm_errors() { grep -h "error" "$cluster/slurmd.log" "$cluster/slurmctld.log" | tail -20 || true; }
dd if=/dev/urandom of="$cluster/munge.key" bs=1024 count=1 status=none
chmod 400 "$cluster/munge.key"
munged --force --key-file="$cluster/munge.key" --socket="$cluster/munge.sock" --pid-file="$cluster/munged.pid" \
  --log-file="$cluster/munged.log" --seed-file="$cluster/munged.seed"
slurmctld -c -f "$SLURM_CONF"
slurmd -N parlance0 -f "$SLURM_CONF"
for _ in $(seq 60); do sinfo -h -o %t 2> /dev/null | grep -q idle && break; sleep 1; done
sinfo -h -o %t | grep -q idle || { echo "FAIL: the test cluster did not come up"; tail -20 "$cluster"/*.log; exit 1; }

# job_state JOB → "STATE RESTARTS EXIT"; wait_job JOB: until it has finished for good.
job_state() {
  scontrol show job "$1" | awk '{for (i = 1; i <= NF; i++) {split($i, kv, "="); f[kv[1]] = kv[2]}}
    END {print f["JobState"], f["Restarts"], f["ExitCode"]}'
}
wait_job() {
  local state
  for _ in $(seq 600); do
    read -r state _ _ < <(job_state "$1")
    case $state in
      COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) return 0 ;;
      # A requeued job waits out SLURM's requeue delay (about 2 minutes); skip it.
      PENDING) scontrol update JobId="$1" StartTime=now 2> /dev/null || true ;;
    esac
    sleep 1
  done
  echo "FAIL: job $1 did not finish in 10 minutes"; scontrol show job "$1"; exit 1
}

# --- prep, as the README says --------------------------------------------------
export PARLANCE_BIN=$bin  # the sbatch scripts run this build (default build/parlance)
"$bin" demo-data human-numbers --out "$work/hn" > /dev/null
job=$(sbatch --parsable -n 2 --output="$work/%x-%j.out" cluster/prep.sbatch configs/human_numbers_prep.toml \
  --quiet --set prep.input="$work/hn" --out "$work/hn.h5")
wait_job "$job"
read -r state _ code < <(job_state "$job")
[ "$state $code" = "COMPLETED 0:0" ] || { echo "FAIL: prep job $state $code"; cat "$work"/parlance-prep-*.out; exit 1; }
grep -q "  rank 1 " "$work/parlance-prep-$job.out" || { echo "FAIL: prep did not run on 2 ranks"; exit 1; }
echo "prep job $job: 2 ranks, completed"

# --- training: the uninterrupted reference, then two interrupted jobs ----------
recipe=(configs/human_numbers_lm.toml --data "$work/hn.h5" --set train.device=cpu --set train.epochs=4
  --set model.layers=2 --set model.hidden=384)  # ~2 s per epoch on 2 cores: room to stop mid-epoch
"$root/launch/mpirun" 2 "$bin" train "${recipe[@]}" --run "$work/reference" > "$work/reference.out" 2>&1

# interrupted NAME HOW: submits train.sbatch, interrupts it once epoch 0 is logged, checks the end.
interrupted() {
  local name=$1 how=$2 run=$work/$1
  job=$(sbatch --parsable -n 2 --output="$work/%x-%j.out" cluster/train.sbatch "${recipe[@]}" --run "$run")
  for _ in $(seq 1200); do [ -s "$run/metrics.jsonl" ] && break; sleep 0.1; done
  [ -s "$run/metrics.jsonl" ] || { echo "FAIL: $name: no epoch logged"; cat "$work/parlance-train-$job.out"; slurm_errors; exit 1; }
  case $how in
    requeue) scontrol requeue "$job" ;;
    usr1) scancel --signal=USR1 "$job" ;;
  esac
  wait_job "$job"
  local log=$work/parlance-train-$job.out state restarts code
  read -r state restarts code < <(job_state "$job")
  [ "$state $code" = "COMPLETED 0:0" ] || { echo "FAIL: $name: job $state $code"; cat "$log"; exit 1; }
  [ "$restarts" -ge 1 ] || { echo "FAIL: $name: the job was not requeued"; cat "$log"; exit 1; }
  grep -q "stopped by SIG.* at epoch 1, .*checkpoint .* written" "$log" \
    || { echo "FAIL: $name: no checkpoint mid-epoch 1"; cat "$log"; exit 1; }
  grep -q "^resuming .* at epoch 1" "$log" || { echo "FAIL: $name: the requeued job did not resume"; cat "$log"; exit 1; }
  diff <("$digest" "$work/reference/checkpoints/last.pt") <("$digest" "$run/checkpoints/last.pt") \
    || { echo "FAIL: $name: final weights differ from the uninterrupted run"; exit 1; }
  [ "$(/usr/bin/python3 -c 'import json,sys; print(" ".join(str(json.loads(l)["epoch"]) for l in open(sys.argv[1])))' \
      "$run/metrics.jsonl")" = "0 1 2 3" ] || { echo "FAIL: $name: metrics.jsonl does not hold each epoch once"; exit 1; }
  echo "$name: job $job stopped mid-epoch 1 ($(grep -o "stopped by SIG[A-Z0-9]*" "$log")), requeued $restarts time(s), resumed to identical weights"
}
interrupted scontrol_requeue requeue
interrupted signal_usr1 usr1
echo "ok: prep and training under a real SLURM; requeued training ends where an uninterrupted run does"
