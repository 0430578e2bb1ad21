#!/usr/bin/env bash
# tests/servers/slurm_start.sh RUN_DIR
#
# Starts a single-node Slurm on loopback for the `exp run --executor slurm` scenarios
# (docs/architecture.md, "Executors"): munged (reused when one already answers), slurmctld and
# slurmd, as root, with their configuration, state, spool and logs under RUN_DIR and ports
# picked at run time. Accounting stays off (no slurmdbd), so the sacct-disabled path is the
# one tested; jobcomp/filetxt records finished tasks. MaxArraySize=11 on purpose (bench/dispatch
# sets MLOPS_SLURM_MAX_ARRAY_SIZE=1001), so a sweep
# of more than 11 points is split into several array jobs.
#
# Writes RUN_DIR/env (sourced by tests/integration/lib/slurm.sh):
#   MLOPS_TEST_SLURM_CONF  the slurm.conf to export as SLURM_CONF   (only when the node is idle)
#   MLOPS_TEST_SKIP_SLURM  why Slurm is not available                (otherwise)
# Always exits 0 (a missing Slurm is a skip for the scenarios, not a failure), 64 on usage.
# tests/servers/slurm_stop.sh RUN_DIR stops what this started, by the PIDs in RUN_DIR.
set -uo pipefail
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 RUN_DIR" >&2
  exit 64
fi
RUN=$(mkdir -p "$1" && cd "$1" && pwd) || exit 64
mkdir -p "$RUN/state" "$RUN/spool" "$RUN/log" "$RUN/pids"
env_tmp="$RUN/env.tmp"
give_up() {
  echo "slurm_start.sh: $1" >&2
  printf 'MLOPS_TEST_SKIP_SLURM=%q\n' "$1" >"$env_tmp" && mv -f "$env_tmp" "$RUN/env"
  exit 0
}
for p in munged slurmctld slurmd sbatch squeue scancel scontrol; do
  command -v "$p" >/dev/null || give_up "$p is not installed (apt-get install slurm-wlm munge)"
done
[ "$(id -u)" = 0 ] || give_up "slurmctld and slurmd need root here (SlurmUser=root)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# munge: one per machine (its socket is /run/munge); start it only if none answers.
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ -r /etc/munge/munge.key ] || give_up "/etc/munge/munge.key is missing"
  mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null
  if id munge >/dev/null 2>&1; then
    runuser -u munge -- munged >/dev/null 2>&1 || munged -f >/dev/null 2>&1
  else
    munged -f >/dev/null 2>&1
  fi
  for _ in $(seq 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 || give_up "munged did not start"
  pgrep -n -x munged >"$RUN/pids/munged.pid" 2>/dev/null || true
fi

host=$(hostname -s)
ctld_port=$(free_port)
d_port=$(free_port)
cat >"$RUN/slurm.conf" <<CONF
ClusterName=mlopsci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
StateSaveLocation=$RUN/state
SlurmdSpoolDir=$RUN/spool
SlurmctldPidFile=$RUN/pids/slurmctld.pid
SlurmdPidFile=$RUN/pids/slurmd.pid
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=100000
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MaxArraySize=${MLOPS_SLURM_MAX_ARRAY_SIZE:-11}
MinJobAge=300
KillWait=5
SlurmctldLogFile=$RUN/log/ctld.log
SlurmdLogFile=$RUN/log/d.log
JobCompType=jobcomp/filetxt
JobCompLoc=$RUN/log/jobcomp.txt
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$RUN/slurm.conf"
slurmctld -f "$SLURM_CONF" >>"$RUN/log/start.log" 2>&1 || give_up "slurmctld did not start (see $RUN/log/ctld.log)"
slurmd -f "$SLURM_CONF" >>"$RUN/log/start.log" 2>&1 || give_up "slurmd did not start (see $RUN/log/d.log)"
for _ in $(seq 100); do
  [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
  sleep 0.2
done
[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] || give_up "the node is not idle after 20 s: $(sinfo -h -o %T 2>&1 | head -1)"
printf 'MLOPS_TEST_SLURM_CONF=%q\n' "$SLURM_CONF" >"$env_tmp" && mv -f "$env_tmp" "$RUN/env"
echo "$RUN/env"
