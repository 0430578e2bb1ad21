#!/usr/bin/env bash
# tests/servers/slurm_stop.sh RUN_DIR: stops the slurmd and slurmctld that slurm_start.sh
# RUN_DIR started (and munged if it started one and no other slurmctld still runs), by the
# PIDs in their pid files; idempotent.
set -uo pipefail
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 RUN_DIR" >&2
  exit 64
fi
RUN=$1
status=0
for name in slurmd slurmctld munged; do
  f="$RUN/pids/$name.pid"
  [ -r "$f" ] || continue
  pid=$(cat "$f")
  case "$pid" in '' | *[!0-9]*) rm -f "$f"; continue ;; esac
  # munged is one per machine: while another suite's slurmctld still uses it, leave it up
  # (two suites at once on one machine broke each other when the first to stop killed it).
  if [ "$name" = munged ] && pgrep -x slurmctld >/dev/null 2>&1; then
    rm -f "$f"
    continue
  fi
  # only if that PID is still the daemon we started
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do
      if [ ! -d "/proc/$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$name" ]; then break; fi
      sleep 0.1
    done
    if [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
      kill -KILL "$pid" 2>/dev/null
      sleep 0.2
      [ -d "/proc/$pid" ] && status=1 && continue
    fi
  fi
  rm -f "$f"
done
rm -f "$RUN/env"
exit $status
