#!/usr/bin/env bash
# tests/servers/stop.sh RUN_DIR
#
# Stops exactly the servers that tests/servers/start.sh RUN_DIR started: each
# one runs in its own process group whose id is in RUN_DIR/pids/NAME.pid.
# Sends SIGTERM to those groups, waits (bounded) until no live process is left
# in them and their ports (RUN_DIR/pids/NAME.ports) no longer listen, sends
# SIGKILL to what is left after half the time, then removes the pid files.
# Idempotent: with no pid files it does nothing. Data under RUN_DIR is kept.
#
# Zombies are ignored on purpose (PID 1 in some containers never reaps them,
# and `kill -0` succeeds on a zombie), so this never waits on `kill -0`.
#
# Exit status: 0 all stopped (or nothing to stop), 1 something survived
# SIGKILL (its pid file is kept), 64 usage.
# Knob: MLOPS_TEST_STOP_TIMEOUT seconds (default 10).
set -uo pipefail
shopt -s nullglob

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 RUN_DIR" >&2
  exit 64
fi
RUN=$1
TIMEOUT=${MLOPS_TEST_STOP_TIMEOUT:-10}
case "$TIMEOUT" in ''|*[!0-9]*) echo "stop.sh: MLOPS_TEST_STOP_TIMEOUT must be a whole number" >&2; exit 64 ;; esac

# fcgiwrap's socket (possibly in a short private dir, see start.sh)
remove_socket() {
  local d
  if [ -f "$RUN/fcgi-sockdir" ]; then
    d=$(cat "$RUN/fcgi-sockdir")
    case "$d" in */mlops-fcgi.*) rm -rf -- "$d" ;; esac
    rm -f "$RUN/fcgi-sockdir"
  fi
  rm -f "$RUN/nginx/fcgiwrap.sock"
}

pidfiles=("$RUN"/pids/*.pid)
if [ ${#pidfiles[@]} -eq 0 ]; then
  remove_socket
  exit 0
fi

log() {
  printf 'stop.sh: %s\n' "$*" >&2
  [ -d "$RUN/logs" ] && printf '%s stop.sh: %s\n' "$(date +%H:%M:%S)" "$*" >> "$RUN/logs/start.log"
  return 0
}
now_us() { NOW=${EPOCHREALTIME//[!0-9]/}; }

# Sets PGRPS[pgid]=1 for every live (non-zombie) process.
scan_groups() {
  local f line st rest
  PGRPS=()
  for f in /proc/[0-9]*/stat; do
    { read -r line < "$f"; } 2>/dev/null || continue
    line=${line##*) }
    st=${line%% *}; rest=${line#* }; rest=${rest#* }
    [ "$st" = Z ] || [ "$st" = X ] || PGRPS[${rest%% *}]=1
  done
}
# mapfile: bash's `read` loop does one syscall per byte on /proc files.
port_listening() {
  local hex f l w
  printf -v hex '%04X' "$1"
  for f in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$f" ] || continue
    mapfile -t PROC_LINES < "$f"
    for l in "${PROC_LINES[@]}"; do
      [[ $l == *":$hex "* ]] || continue
      read -r -a w <<< "$l"
      [ "${w[3]}" = 0A ] && [ "${w[1]##*:}" = "$hex" ] && return 0
    done
  done
  return 1
}
stime_of() { # pid -> field 22 of /proc/pid/stat
  local line
  { read -r line < "/proc/$1/stat"; } 2>/dev/null || return 1
  line=${line##*) }
  # shellcheck disable=SC2086  # split on purpose
  set -- $line
  printf '%s' "${20}"
}

declare -A PGRPS=()
declare -A GROUP=() PORTS=()       # name -> pgid / ports
T0=$EPOCHREALTIME

for f in "${pidfiles[@]}"; do
  name=$(basename "$f" .pid)
  pid=$(head -n 1 "$f" 2>/dev/null)
  if ! [[ "$pid" =~ ^[0-9]+$ ]] || [ "$pid" -le 1 ]; then
    log "$name: ignoring malformed pid file $f"
    rm -f "$f" "$RUN/pids/$name.ports" "$RUN/pids/$name.stime"
    continue
  fi
  # If the leader still exists but started at another time, the pid was
  # reused by an unrelated process: our group is gone, leave it alone.
  want=$(cat "$RUN/pids/$name.stime" 2>/dev/null)
  have=$(stime_of "$pid")
  if [ -n "$want" ] && [ -n "$have" ] && [ "$want" != "$have" ]; then
    log "$name: pid $pid now belongs to another process; not signalling it"
    rm -f "$f" "$RUN/pids/$name.ports" "$RUN/pids/$name.stime"
    continue
  fi
  GROUP[$name]=$pid
  PORTS[$name]=$(cat "$RUN/pids/$name.ports" 2>/dev/null)
  kill -TERM -- "-$pid" 2>/dev/null || true
done

now_us
deadline=$((NOW + TIMEOUT * 1000000))
kill_at=$((NOW + TIMEOUT * 500000))
killed=0
while :; do
  scan_groups
  pending=()
  for name in "${!GROUP[@]}"; do
    busy=""
    [ -n "${PGRPS[${GROUP[$name]}]:-}" ] && busy="processes"
    for p in ${PORTS[$name]}; do
      port_listening "$p" && busy+="${busy:+, }port $p"
    done
    [ -n "$busy" ] && pending+=("$name ($busy)")
  done
  [ ${#pending[@]} -eq 0 ] && break
  now_us
  if [ $killed -eq 0 ] && [ "$NOW" -ge "$kill_at" ]; then
    log "still running after SIGTERM: ${pending[*]}; sending SIGKILL"
    for name in "${!GROUP[@]}"; do kill -KILL -- "-${GROUP[$name]}" 2>/dev/null || true; done
    killed=1
  fi
  [ "$NOW" -ge "$deadline" ] && break
  sleep 0.05
done

rc=0
scan_groups
for name in "${!GROUP[@]}"; do
  if [ -n "${PGRPS[${GROUP[$name]}]:-}" ]; then
    log "$name: process group ${GROUP[$name]} survived SIGKILL; keeping $RUN/pids/$name.pid"
    rc=1
    continue
  fi
  for p in ${PORTS[$name]}; do
    port_listening "$p" && log "$name: port $p still listens, but not by a process of ours"
  done
  rm -f "$RUN/pids/$name.pid" "$RUN/pids/$name.ports" "$RUN/pids/$name.stime"
done

remove_socket

a=${T0//[!0-9]/}; now_us
ms=$(( (NOW - a) / 1000 ))
log "stopped ${#GROUP[@]} server group(s) in ${ms} ms"
exit $rc
