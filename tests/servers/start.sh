#!/usr/bin/env bash
# shellcheck disable=SC2317  # prep_*/exec_* and helpers are called indirectly
# tests/servers/start.sh RUN_DIR
#
# Starts the loopback test servers used by mlops integration tests. Every
# server binds to 127.0.0.1 only, on a port picked at run time, keeps all of
# its data under RUN_DIR and runs in its own session/process group (setsid),
# so that tests/servers/stop.sh RUN_DIR can stop exactly what was started here.
#
# Each server is optional: a missing program, or a server that does not come
# up in time, is logged (stderr + RUN_DIR/logs/start.log) and skipped. The
# script exits 0 unless RUN_DIR itself is unusable (exit 2) or the usage is
# wrong (exit 64). On success it prints the path of RUN_DIR/env on stdout.
#
# Layout of RUN_DIR:
#   env            sourceable file with the variables below (written atomically)
#   pids/NAME.pid  pid (= process-group id) of each running server;
#                  NAME.ports and NAME.stime are bookkeeping for stop.sh
#   logs/          start.log and one log per server
#   registry/ registry-auth/ gitd/ nginx/ s3/ moto/   server data and configs
#
# Variables written to RUN_DIR/env (only for servers that came up):
#   MLOPS_TEST_RUN_DIR           absolute RUN_DIR (always written)
#   MLOPS_TEST_USER              user name of every password-protected server (mlops)
#   MLOPS_TEST_PASSWORD          its password (s3cret)
#   MLOPS_TEST_OCI_URL           http://127.0.0.1:PORT   docker-registry (distribution 2.8), no auth
#   MLOPS_TEST_OCI_HOST          127.0.0.1:PORT          same, as skopeo/docker reference host
#   MLOPS_TEST_OCI_AUTH_URL      http://127.0.0.1:PORT   docker-registry, htpasswd (bcrypt) basic auth
#   MLOPS_TEST_OCI_AUTH_HOST     127.0.0.1:PORT
#   MLOPS_TEST_OCI_USER          mlops
#   MLOPS_TEST_OCI_PASSWORD      s3cret
#   MLOPS_TEST_OCI_TLS_URL       https://127.0.0.1:PORT  docker-registry over TLS (cert from a CA made here)
#   MLOPS_TEST_OCI_TLS_HOST      127.0.0.1:PORT
#   MLOPS_TEST_OCI_TLS_CA_FILE   that CA's certificate, for --ca-file
#   MLOPS_TEST_OCI_TOKEN_URL     http://127.0.0.1:PORT   docker-registry, auth: token (token_issuer.py)
#   MLOPS_TEST_OCI_TOKEN_HOST    127.0.0.1:PORT
#   MLOPS_TEST_OCI_TOKEN_REALM   the issuer's URL (Basic mlops/s3cret -> an RS256 JWT)
#   MLOPS_TEST_OCI_TOKEN_LOG     one line per token request (for counting re-authentications)
#   MLOPS_TEST_GIT_DAEMON_URL    git://127.0.0.1:PORT    git daemon, push (receive-pack) enabled, no auth;
#                                                        bare repo exps.git -> $MLOPS_TEST_GIT_DAEMON_URL/exps.git
#   MLOPS_TEST_GIT_DAEMON_ROOT   its base path; `git init --bare "$MLOPS_TEST_GIT_DAEMON_ROOT/x.git"`
#                                makes git://127.0.0.1:PORT/x.git (all repos are exported)
#   MLOPS_TEST_GIT_HTTP_URL      http://127.0.0.1:PORT/git  git smart HTTP (nginx + fcgiwrap +
#                                git-http-backend), basic auth; repo exps.git -> .../git/exps.git
#   MLOPS_TEST_GIT_HTTP_ROOT     its project root; bare repos created there are served too
#                                (push works because the backend sees an authenticated REMOTE_USER)
#   MLOPS_TEST_GIT_HTTP_USER     mlops
#   MLOPS_TEST_GIT_HTTP_PASSWORD s3cret
#   MLOPS_TEST_WEBDAV_URL        http://127.0.0.1:PORT   nginx WebDAV (PUT DELETE MKCOL COPY MOVE), basic auth
#   MLOPS_TEST_WEBDAV_ROOT       directory served at /
#   MLOPS_TEST_WEBDAV_USER       mlops
#   MLOPS_TEST_WEBDAV_PASSWORD   s3cret
#   MLOPS_TEST_WEBDAV_PROPFIND   1 if PROPFIND/OPTIONS work (nginx dav_ext module present), else 0
#   MLOPS_TEST_S3_URL            http://127.0.0.1:PORT   s3rver 3.7.1, path-style; does NOT verify SigV4
#   MLOPS_TEST_S3_ACCESS_KEY     S3RVER
#   MLOPS_TEST_S3_SECRET_KEY     S3RVER
#   MLOPS_TEST_S3_REGION         us-east-1
#   MLOPS_TEST_MOTO_URL          http://127.0.0.1:PORT   moto_server (only if on PATH); VERIFIES SigV4
#   MLOPS_TEST_MOTO_ACCESS_KEY   access key of IAM user mlops (policy s3:*), created at start
#   MLOPS_TEST_MOTO_SECRET_KEY   its secret
#   MLOPS_TEST_MOTO_REGION       us-east-1
# For each server that did NOT come up:
#   MLOPS_TEST_SKIP_<NAME>="reason"   NAME in OCI OCI_AUTH OCI_TLS OCI_TOKEN GIT_DAEMON GIT_HTTP WEBDAV S3 MOTO
#
# Knobs (environment):
#   MLOPS_TEST_PORT_BASE     pin ports: BASE+0 OCI, +1 OCI_AUTH, +2 GIT_DAEMON, +3 WEBDAV,
#                            +4 GIT_HTTP, +5 S3, +6 MOTO, +7 OCI_TLS, +8 token issuer, +9 OCI_TOKEN
#                            (a busy port falls back to a random one)
#   MLOPS_TEST_START_TIMEOUT seconds to wait for each server to listen (default 20)
#   MLOPS_TEST_NO_MOTO=1     do not start moto_server even if it is on PATH
#   MLOPS_TEST_NPM_CI=1      run `npm ci` in tests/servers if node_modules/s3rver is missing
#
# Requires bash >= 4.3 and Linux /proc (port ownership is checked in /proc/net/tcp).
set -euo pipefail
shopt -s nullglob

SELF_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
readonly SELF_DIR
readonly TEST_USER=mlops TEST_PASSWORD=s3cret
readonly START_TIMEOUT=${MLOPS_TEST_START_TIMEOUT:-20}
readonly MAX_ATTEMPTS=3
case "$START_TIMEOUT" in ''|*[!0-9]*) echo "start.sh: MLOPS_TEST_START_TIMEOUT must be a whole number of seconds" >&2; exit 64 ;; esac
case "${MLOPS_TEST_PORT_BASE:-0}" in *[!0-9]*) echo "start.sh: MLOPS_TEST_PORT_BASE must be a number" >&2; exit 64 ;; esac

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 RUN_DIR" >&2
  exit 64
fi

die() { echo "start.sh: error: $*" >&2; exit 2; }

case "$1" in
  *[!A-Za-z0-9._/+@,=-]*) die "RUN_DIR '$1' contains characters other than [A-Za-z0-9._/+@,=-]" ;;
esac
mkdir -p -- "$1" 2>/dev/null || die "cannot create RUN_DIR '$1'"
RUN=$(cd -- "$1" && pwd -P) || die "cannot enter RUN_DIR '$1'"
readonly RUN
# Paths are written unescaped into nginx/registry configs and the env file.
case "$RUN" in
  *[!A-Za-z0-9._/+@,=-]*) die "RUN_DIR '$RUN' contains characters other than [A-Za-z0-9._/+@,=-]" ;;
esac
[ -w "$RUN" ] || die "RUN_DIR '$RUN' is not writable"
[ -r /proc/self/stat ] || die "/proc is not available"

# A previous run in the same RUN_DIR that was not stopped: stop it first.
stale=("$RUN"/pids/*.pid)
if [ ${#stale[@]} -gt 0 ]; then
  echo "start.sh: found pid files of an earlier run in $RUN/pids; running stop.sh first" >&2
  "$SELF_DIR/stop.sh" "$RUN" >&2 || die "stop.sh could not stop the earlier run in $RUN"
fi

mkdir -p "$RUN/pids" "$RUN/logs" || die "cannot create $RUN/pids or $RUN/logs"
: > "$RUN/logs/start.log" || die "cannot write $RUN/logs/start.log"
rm -f "$RUN/env"
cd "$RUN"

T_START=$EPOCHREALTIME
# Interrupted half-way: stop whatever was launched so far.
trap 'echo "start.sh: interrupted; stopping what was started" >&2; "$SELF_DIR/stop.sh" "$RUN" >&2; exit 130' INT TERM HUP

# ---------------------------------------------------------------- helpers ---
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >> "$RUN/logs/start.log"; }
warn() {
  printf 'start.sh: %s\n' "$*" >&2
  log "WARN $*"
}
elapsed() { # START_EPOCHREALTIME -> seconds with 2 decimals
  local a=${1//[!0-9]/} b=${EPOCHREALTIME//[!0-9]/}
  local d=$(( (b - a) / 10000 ))
  printf '%d.%02d' $((d / 100)) $((d % 100))
}
have() { command -v "$1" >/dev/null 2>&1; }

# Last meaningful line of a log file, squashed to one short line.
log_tail() {
  local f=$1 line=""
  [ -s "$f" ] && line=$(grep -v '^[[:space:]]*$' "$f" | tail -n 1 | tr -d '\r' | cut -c1-200)
  [ -n "$line" ] && printf ' (%s: %s)' "${f#"$RUN"/}" "$line"
  return 0
}

# Sets PSTATE to the state letter of pid $1 (R S D Z ...); returns 1 if gone.
proc_state() {
  local line
  PSTATE=""
  { read -r line < "/proc/$1/stat"; } 2>/dev/null || return 1
  line=${line##*) }
  PSTATE=${line%% *}
}
alive() { proc_state "$1" && [ "$PSTATE" != Z ] && [ "$PSTATE" != X ]; }
proc_stime() { # pid -> start time (clock ticks since boot), field 22 of /proc/pid/stat
  local line
  { read -r line < "/proc/$1/stat"; } 2>/dev/null || return 1
  line=${line##*) }
  # after "comm) ": field 3 is the first word, so field 22 is word 20
  # shellcheck disable=SC2086  # split on IFS on purpose
  set -- $line
  printf '%s' "${20}"
}

# Sets LISTEN_INODES to the inodes of TCP sockets in LISTEN state on port $1.
# (mapfile: bash's `read` loop does one syscall per byte on /proc files.)
listen_inodes() {
  local hex f l w
  printf -v hex '%04X' "$1"
  LISTEN_INODES=()
  for f in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$f" ] || continue
    mapfile -t PROC_LINES < "$f"
    for l in "${PROC_LINES[@]}"; do
      [[ $l == *":$hex "* ]] || continue
      read -r -a w <<< "$l"  # sl local rem st tx:rx tr:when retrnsmt uid timeout inode
      if [ "${w[3]}" = 0A ] && [ "${w[1]##*:}" = "$hex" ]; then LISTEN_INODES+=("${w[9]}"); fi
    done
  done
}
port_listening() { listen_inodes "$1"; [ ${#LISTEN_INODES[@]} -gt 0 ]; }

# Sets GROUP_PIDS to the live (non-zombie) processes of process group $1.
group_pids() {
  local f line st rest pg
  GROUP_PIDS=()
  for f in /proc/[0-9]*/stat; do
    { read -r line < "$f"; } 2>/dev/null || continue
    line=${line##*) }
    st=${line%% *}; rest=${line#* }   # state
    rest=${rest#* }                   # ppid
    pg=${rest%% *}                    # pgrp
    if [ "$pg" = "$1" ] && [ "$st" != Z ]; then
      f=${f#/proc/}; GROUP_PIDS+=("${f%/stat}")
    fi
  done
}

# port_owner PORT PGID: 0 = a process of group PGID listens on PORT,
# 1 = something else listens on it, 2 = nothing listens on it.
port_owner() {
  local port=$1 pgid=$2 p inode link
  listen_inodes "$port"
  [ ${#LISTEN_INODES[@]} -gt 0 ] || return 2
  group_pids "$pgid"
  for p in "${GROUP_PIDS[@]}"; do
    for link in /proc/"$p"/fd/*; do
      link=$(readlink "$link" 2>/dev/null) || continue
      for inode in "${LISTEN_INODES[@]}"; do
        [ "$link" = "socket:[$inode]" ] && return 0
      done
    done
  done
  return 1
}

# ------------------------------------------------------------------ ports ---
declare -A TAKEN=()        # ports handed out in this run
read -r EPH_LO _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPH_LO=32768
PORT_LO=20000 PORT_HI=$((EPH_LO - 1))      # stay below the ephemeral range
[ "$PORT_HI" -gt $((PORT_LO + 1000)) ] || { PORT_LO=10000; PORT_HI=19999; }

# pick_port OFFSET ATTEMPT -> prints a free port. The pinned one
# (MLOPS_TEST_PORT_BASE + OFFSET) is used on the first attempt if it is free.
pick_port() {
  local off=$1 attempt=$2 p i
  if [ -n "${MLOPS_TEST_PORT_BASE:-}" ] && [ "$attempt" -eq 1 ]; then
    p=$((MLOPS_TEST_PORT_BASE + off))
    if [ -z "${TAKEN[$p]:-}" ] && ! port_listening "$p"; then
      TAKEN[$p]=1; PICKED=$p; return 0
    fi
    log "pinned port $p is busy; picking a random one"
  fi
  for ((i = 0; i < 200; i++)); do
    p=$(( PORT_LO + (RANDOM * 32768 + RANDOM) % (PORT_HI - PORT_LO + 1) ))
    [ -z "${TAKEN[$p]:-}" ] || continue
    port_listening "$p" && continue
    TAKEN[$p]=1; PICKED=$p; return 0
  done
  return 1
}

# -------------------------------------------------------- process control ---
declare -A UPID=() UPORTS=() USOCK=()

# launch UNIT CMD... : start CMD in a new session (pid == pgid), log to logs/UNIT.log
launch() {
  local unit=$1; shift
  # In a non-interactive script a background child is never a group leader,
  # so setsid execs CMD in place (no fork) and $! is the server's pid/pgid.
  setsid "$@" > "$RUN/logs/$unit.log" 2>&1 < /dev/null &
  local pid=$!
  UPID[$unit]=$pid
  echo "$pid" > "$RUN/pids/$unit.pid"
  echo "${UPORTS[$unit]:-}" > "$RUN/pids/$unit.ports"
  proc_stime "$pid" > "$RUN/pids/$unit.stime" || true
  log "launched $unit pid=$pid ports=${UPORTS[$unit]:-none}: $*"
}

# kill_unit UNIT: TERM (then KILL) its group, reap it, forget its pid files.
kill_unit() {
  local unit=$1 pid=${UPID[$1]:-} i
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    group_pids "$pid"; [ ${#GROUP_PIDS[@]} -eq 0 ] && break
    sleep 0.1
  done
  group_pids "$pid"
  [ ${#GROUP_PIDS[@]} -eq 0 ] || kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true   # our child: reap it (PID 1 may not)
  rm -f "$RUN/pids/$unit.pid" "$RUN/pids/$unit.ports" "$RUN/pids/$unit.stime"
  unset "UPID[$unit]"
}

# await UNIT: wait until every port of UNIT listens and belongs to its group
# (or its unix socket exists). Returns 0 ready, 1 conflict/died (retryable),
# 2 timeout. Sets WHY on failure.
await() {
  local unit=$1 pid=${UPID[$1]} deadline p rc ready
  # counted from the launch: servers launched together time out together
  local t0=${T_UNIT[$unit]:-$EPOCHREALTIME}
  deadline=$(( ${t0//[!0-9]/} + START_TIMEOUT * 1000000 ))
  WHY=""
  while :; do
    ready=1
    if [ -n "${USOCK[$unit]:-}" ]; then
      [ -S "${USOCK[$unit]}" ] || ready=0
    fi
    for p in ${UPORTS[$unit]:-}; do
      rc=0; port_owner "$p" "$pid" || rc=$?
      if [ $rc -eq 1 ]; then
        WHY="port $p is taken by another process"; return 1
      elif [ $rc -eq 2 ]; then
        ready=0
      fi
    done
    [ $ready -eq 1 ] && return 0
    if ! alive "$pid"; then
      WHY="exited during start-up$(log_tail "$RUN/logs/$unit.log")"; return 1
    fi
    if [ "${EPOCHREALTIME//[!0-9]/}" -ge "$deadline" ]; then
      p=${UPORTS[$unit]:-}
      if [ -n "$p" ]; then p="listening on 127.0.0.1:${p// /,}"; else p="ready (socket ${USOCK[$unit]:-?})"; fi
      WHY="not $p after ${START_TIMEOUT}s$(log_tail "$RUN/logs/$unit.log")"
      return 2
    fi
    sleep 0.05
  done
}

# -------------------------------------------------------- service results ---
declare -A SKIP=()          # NAME -> reason
declare -a ENV_LINES=()
setenv() { ENV_LINES+=("export $1='${2//\'/\'\\\'\'}'"); }
skip() { # NAME reason
  SKIP[$1]=$2
  warn "skipping $1: $2"
}

HTTP_CODE=""
http_code() { # curl args... -> sets HTTP_CODE
  HTTP_CODE=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" 2>/dev/null) || true
}

# ============================================================ unit configs ===
# Each unit has: prep_UNIT ATTEMPT (pick ports, write config, may return 1 with
# WHY set) and exec_UNIT (launch). Ports are re-picked on every attempt.

# ---- shared credentials ----------------------------------------------------
HTPASSWD_BCRYPT=""   # for docker-registry (bcrypt only)
HTPASSWD_NGINX=""    # for nginx (bcrypt or apr1)
if have htpasswd; then
  if htpasswd -Bbc "$RUN/htpasswd" "$TEST_USER" "$TEST_PASSWORD" 2>/dev/null; then
    HTPASSWD_BCRYPT=$RUN/htpasswd HTPASSWD_NGINX=$RUN/htpasswd
  fi
fi
if [ -z "$HTPASSWD_NGINX" ] && have openssl; then
  if hash=$(openssl passwd -apr1 "$TEST_PASSWORD" 2>>"$RUN/logs/start.log"); then
    printf '%s:%s\n' "$TEST_USER" "$hash" > "$RUN/htpasswd.apr1"
    HTPASSWD_NGINX=$RUN/htpasswd.apr1
  fi
fi

# ---- docker-registry (OCI, OCI_AUTH) ----------------------------------------
write_registry_config() { # dir port [htpasswd]
  local dir=$1 port=$2 auth=${3:-} secret
  mkdir -p "$dir/data"
  secret=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  {
    echo "version: 0.1"
    echo "log:"
    echo "  level: info"
    echo "storage:"
    echo "  filesystem:"
    echo "    rootdirectory: \"$dir/data\""
    echo "  delete:"
    echo "    enabled: true"
    echo "http:"
    echo "  addr: \"127.0.0.1:$port\""
    echo "  secret: \"$secret\""
    if [ -n "$auth" ]; then
      echo "auth:"
      echo "  htpasswd:"
      echo "    realm: mlops-test-registry"
      echo "    path: \"$auth\""
    fi
  } > "$dir/config.yml"
}
prep_registry() {
  pick_port 0 "$1" || { WHY="no free port"; return 1; }
  UPORTS[registry]=$PICKED
  write_registry_config "$RUN/registry" "$PICKED"
}
exec_registry() { launch registry docker-registry serve "$RUN/registry/config.yml"; }
prep_registry_auth() {
  pick_port 1 "$1" || { WHY="no free port"; return 1; }
  UPORTS[registry_auth]=$PICKED
  write_registry_config "$RUN/registry-auth" "$PICKED" "$HTPASSWD_BCRYPT"
}
exec_registry_auth() { launch registry_auth docker-registry serve "$RUN/registry-auth/config.yml"; }
# ---- docker-registry with TLS (OCI_TLS) and with token auth (OCI_TOKEN) -----
# A CA made for this run signs the TLS registry's certificate (127.0.0.1 and localhost) and,
# separately, the token issuer's signing certificate (the registry's rootcertbundle).
make_test_pki() {
  [ -f "$RUN/pki/ca.crt" ] && return 0
  mkdir -p "$RUN/pki"
  (
    cd "$RUN/pki" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=mlops-test-ca \
      && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 \
      && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > server.ext \
      && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext \
      && openssl req -x509 -newkey rsa:2048 -nodes -keyout token.key -out token.crt -days 2 -subj /CN=mlops-test-token-issuer
  ) >> "$RUN/logs/pki.log" 2>&1
}
prep_registry_tls() {
  make_test_pki || { WHY="openssl could not make the test CA$(log_tail "$RUN/logs/pki.log")"; return 1; }
  pick_port 7 "$1" || { WHY="no free port"; return 1; }
  UPORTS[registry_tls]=$PICKED
  write_registry_config "$RUN/registry-tls" "$PICKED"
  {
    echo "  tls:"
    echo "    certificate: \"$RUN/pki/server.crt\""
    echo "    key: \"$RUN/pki/server.key\""
  } >> "$RUN/registry-tls/config.yml"
}
exec_registry_tls() { launch registry_tls docker-registry serve "$RUN/registry-tls/config.yml"; }
TOKEN_ISSUER_PORT=""
prep_token_issuer() {
  make_test_pki || { WHY="openssl could not make the test CA$(log_tail "$RUN/logs/pki.log")"; return 1; }
  pick_port 8 "$1" || { WHY="no free port"; return 1; }
  UPORTS[token_issuer]=$PICKED
  TOKEN_ISSUER_PORT=$PICKED
}
exec_token_issuer() {
  launch token_issuer /usr/bin/python3 "$SELF_DIR/token_issuer.py" --port "$TOKEN_ISSUER_PORT" \
    --port-file "$RUN/registry-token/issuer.port" --key "$RUN/pki/token.key" --cert "$RUN/pki/token.crt" \
    --issuer mlops-test-issuer --user "$TEST_USER" --password "$TEST_PASSWORD" --log "$RUN/logs/token-requests.log"
}
prep_registry_token() {
  pick_port 9 "$1" || { WHY="no free port"; return 1; }
  UPORTS[registry_token]=$PICKED
  mkdir -p "$RUN/registry-token"
  write_registry_config "$RUN/registry-token" "$PICKED"
  {
    echo "auth:"
    echo "  token:"
    echo "    realm: \"http://127.0.0.1:$TOKEN_ISSUER_PORT/token\""
    echo "    service: mlops-test-registry"
    echo "    issuer: mlops-test-issuer"
    echo "    rootcertbundle: \"$RUN/pki/token.crt\""
  } >> "$RUN/registry-token/config.yml"
}
exec_registry_token() { launch registry_token docker-registry serve "$RUN/registry-token/config.yml"; }

# ---- git daemon (GIT_DAEMON) ------------------------------------------------
# Server-side git ignores the developer's ~/.gitconfig and /etc/gitconfig.
git_srv() { GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git "$@"; }
prep_git_daemon() {
  pick_port 2 "$1" || { WHY="no free port"; return 1; }
  UPORTS[git_daemon]=$PICKED
  mkdir -p "$RUN/gitd"
  git_srv -c init.defaultBranch=main init -q --bare "$RUN/gitd/exps.git" 2>>"$RUN/logs/start.log" \
    || { WHY="git init --bare failed"; return 1; }
}
exec_git_daemon() {
  launch git_daemon env GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
    git daemon --listen=127.0.0.1 --port="${UPORTS[git_daemon]}" --reuseaddr \
    --export-all --enable=receive-pack --informative-errors --verbose \
    --base-path="$RUN/gitd" "$RUN/gitd"
}

# ---- fcgiwrap (for GIT_HTTP) ------------------------------------------------
GIT_HTTP_BACKEND="$(git --exec-path 2>/dev/null || echo /usr/lib/git-core)/git-http-backend"
FCGI_SOCK=$RUN/nginx/fcgiwrap.sock
prep_fcgiwrap() {
  mkdir -p "$RUN/nginx"
  # sun_path holds at most 107 bytes; use a short private dir if RUN is deep
  # (stop.sh removes it).
  if [ ${#FCGI_SOCK} -gt 100 ]; then
    local d
    d=$(mktemp -d "${TMPDIR:-/tmp}/mlops-fcgi.XXXXXX") || { WHY="mktemp -d failed"; return 1; }
    echo "$d" > "$RUN/fcgi-sockdir"
    FCGI_SOCK=$d/fcgiwrap.sock
  fi
  rm -f "$FCGI_SOCK"
  USOCK[fcgiwrap]=$FCGI_SOCK
}
# -c 1: one worker. fcgiwrap runs the CGI (git-http-backend) in its own group.
exec_fcgiwrap() { launch fcgiwrap fcgiwrap -c 1 -s "unix:$FCGI_SOCK"; }

# ---- nginx (WEBDAV, GIT_HTTP) -----------------------------------------------
WITH_GIT_HTTP=0 DAV_EXT_MODULE=""
for m in /usr/lib/nginx/modules/ngx_http_dav_ext_module.so /usr/share/nginx/modules/ngx_http_dav_ext_module.so; do
  [ -f "$m" ] && { DAV_EXT_MODULE=$m; break; }
done
prep_nginx() {
  local webdav_port git_port="" user_line=""
  pick_port 3 "$1" || { WHY="no free port"; return 1; }
  webdav_port=$PICKED
  if [ "$WITH_GIT_HTTP" = 1 ]; then
    pick_port 4 "$1" || { WHY="no free port"; return 1; }
    git_port=$PICKED
  fi
  UPORTS[nginx]="$webdav_port${git_port:+ $git_port}"
  NGINX_WEBDAV_PORT=$webdav_port NGINX_GIT_PORT=$git_port
  mkdir -p "$RUN/nginx/dav/strict" "$RUN/nginx/git" "$RUN/nginx/logs" "$RUN/nginx/tmp"
  # Started as root, workers would run as nobody and could not write RUN_DIR.
  [ "$(id -u)" = 0 ] && user_line="user root root;"
  {
    cat <<NGX
# generated by tests/servers/start.sh
${DAV_EXT_MODULE:+load_module $DAV_EXT_MODULE;}
daemon off;
master_process on;
worker_processes 1;
$user_line
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log $RUN/nginx/logs/access.log;
  client_body_temp_path $RUN/nginx/tmp/client_body;
  proxy_temp_path       $RUN/nginx/tmp/proxy;
  fastcgi_temp_path     $RUN/nginx/tmp/fastcgi;
  uwsgi_temp_path       $RUN/nginx/tmp/uwsgi;
  scgi_temp_path        $RUN/nginx/tmp/scgi;
  types { application/json json; text/plain txt; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$webdav_port;
    server_name localhost;
    root $RUN/nginx/dav;
    client_max_body_size 0;
    location / {
      auth_basic "mlops-webdav";
      auth_basic_user_file $HTPASSWD_NGINX;
      dav_methods PUT DELETE MKCOL COPY MOVE;
      ${DAV_EXT_MODULE:+dav_ext_methods PROPFIND OPTIONS;}
      create_full_put_path on;
      dav_access user:rw group:r all:r;
      autoindex on;
    }
    # As a WebDAV server that makes no parent collections on PUT (409): clients must MKCOL.
    location /strict/ {
      auth_basic "mlops-webdav";
      auth_basic_user_file $HTPASSWD_NGINX;
      dav_methods PUT DELETE MKCOL COPY MOVE;
      create_full_put_path off;
      dav_access user:rw group:r all:r;
    }
  }
NGX
    if [ -n "$git_port" ]; then
      cat <<NGX
  server {
    listen 127.0.0.1:$git_port;
    server_name localhost;
    client_max_body_size 0;
    location ~ ^/git(/.*)\$ {
      auth_basic "mlops-git";
      auth_basic_user_file $HTPASSWD_NGINX;
      fastcgi_pass unix:$FCGI_SOCK;
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $GIT_HTTP_BACKEND;
      fastcgi_param GIT_PROJECT_ROOT $RUN/nginx/git;
      fastcgi_param GIT_HTTP_EXPORT_ALL "";
      fastcgi_param GIT_CONFIG_NOSYSTEM 1;
      fastcgi_param GIT_CONFIG_GLOBAL /dev/null;
      fastcgi_param PATH_INFO \$1;
      fastcgi_param REMOTE_USER \$remote_user;
      fastcgi_request_buffering off;
      fastcgi_buffering off;
    }
  }
NGX
    fi
    echo "}"
  } > "$RUN/nginx/nginx.conf"
}
exec_nginx() {
  # -e: do not open /var/log/nginx/error.log before the config is read
  launch nginx nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/nginx/logs/error.log"
}

# ---- s3rver (S3) ------------------------------------------------------------
S3RVER_JS=$SELF_DIR/node_modules/s3rver/bin/s3rver.js
prep_s3rver() {
  pick_port 5 "$1" || { WHY="no free port"; return 1; }
  UPORTS[s3rver]=$PICKED
  mkdir -p "$RUN/s3"
}
exec_s3rver() { launch s3rver node "$S3RVER_JS" -d "$RUN/s3" -a 127.0.0.1 -p "${UPORTS[s3rver]}"; }

# ---- moto_server (MOTO) -----------------------------------------------------
prep_moto() {
  pick_port 6 "$1" || { WHY="no free port"; return 1; }
  UPORTS[moto]=$PICKED
  mkdir -p "$RUN/moto"
}
# The first 3 requests are unauthenticated (IAM bootstrap below), then SigV4 is enforced.
exec_moto() {
  launch moto env INITIAL_NO_AUTH_ACTION_COUNT=3 moto_server -H 127.0.0.1 -p "${UPORTS[moto]}"
}

# ========================================================= decide & launch ===
declare -a UNITS=()
have curl || warn "curl not found: readiness probes are skipped, moto cannot be bootstrapped"

if have docker-registry; then
  UNITS+=(registry)
  if [ -n "$HTPASSWD_BCRYPT" ]; then UNITS+=(registry_auth)
  else skip OCI_AUTH "htpasswd (apache2-utils) not found: cannot make a bcrypt htpasswd file"; fi
  if have openssl; then UNITS+=(registry_tls)
  else skip OCI_TLS "openssl not found: cannot make the test CA"; fi
  if ! have openssl; then skip OCI_TOKEN "openssl not found: cannot sign tokens"
  elif [ ! -x /usr/bin/python3 ]; then skip OCI_TOKEN "/usr/bin/python3 not found: no token issuer"
  else UNITS+=(token_issuer registry_token); fi
else
  skip OCI_TLS "docker-registry not found on PATH (Debian package docker-registry)"
  skip OCI_TOKEN "docker-registry not found on PATH (Debian package docker-registry)"
  skip OCI "docker-registry not found on PATH (Debian package docker-registry)"
  skip OCI_AUTH "docker-registry not found on PATH (Debian package docker-registry)"
fi

if have git; then UNITS+=(git_daemon)
else skip GIT_DAEMON "git not found on PATH"; fi

if ! have nginx; then
  skip WEBDAV "nginx not found on PATH (Debian package nginx)"
  skip GIT_HTTP "nginx not found on PATH (Debian package nginx)"
elif [ -z "$HTPASSWD_NGINX" ]; then
  skip WEBDAV "neither htpasswd (apache2-utils) nor openssl found: cannot make a password file"
  skip GIT_HTTP "neither htpasswd (apache2-utils) nor openssl found: cannot make a password file"
else
  if ! have fcgiwrap; then
    skip GIT_HTTP "fcgiwrap not found on PATH (Debian package fcgiwrap)"
  elif [ ! -x "$GIT_HTTP_BACKEND" ]; then
    skip GIT_HTTP "git-http-backend not found at $GIT_HTTP_BACKEND"
  else
    WITH_GIT_HTTP=1
    UNITS+=(fcgiwrap)
  fi
  UNITS+=(nginx)
fi

if [ ! -f "$S3RVER_JS" ] && [ "${MLOPS_TEST_NPM_CI:-0}" = 1 ] && have npm; then
  log "running npm ci in $SELF_DIR"
  (cd "$SELF_DIR" && npm ci --no-fund --no-audit) >> "$RUN/logs/npm-ci.log" 2>&1 \
    || warn "npm ci failed$(log_tail "$RUN/logs/npm-ci.log")"
fi
if ! have node; then
  skip S3 "node not found on PATH (Debian package nodejs)"
elif [ ! -f "$S3RVER_JS" ]; then
  skip S3 "s3rver not installed: run 'npm ci --no-fund --no-audit' in $SELF_DIR (or set MLOPS_TEST_NPM_CI=1)"
else
  UNITS+=(s3rver)
fi

if [ "${MLOPS_TEST_NO_MOTO:-0}" = 1 ]; then
  skip MOTO "disabled by MLOPS_TEST_NO_MOTO=1"
elif ! have moto_server; then
  skip MOTO "moto_server not found on PATH (optional; pip package moto[server])"
elif ! have curl; then
  skip MOTO "curl not found: cannot create the IAM access key"
else
  UNITS+=(moto)
fi

# unit -> service names it provides (for skip reasons)
declare -A PROVIDES=([registry]=OCI [registry_auth]=OCI_AUTH [registry_tls]=OCI_TLS [token_issuer]=OCI_TOKEN
  [registry_token]=OCI_TOKEN [git_daemon]=GIT_DAEMON
  [fcgiwrap]=GIT_HTTP [nginx]="WEBDAV GIT_HTTP" [s3rver]=S3 [moto]=MOTO)
declare -A UP=()            # unit -> 1 when ready
declare -A T_UNIT=()        # unit -> launch time
declare -A ATTEMPT=()

unit_failed() { # unit reason
  local s
  for s in ${PROVIDES[$1]}; do
    [ -n "${SKIP[$s]:-}" ] || skip "$s" "$2"
  done
}

try_launch() { # unit attempt -> 0 launched, 1 prep failed (WHY set)
  local u=$1 a=$2
  ATTEMPT[$u]=$a
  WHY=""
  if ! "prep_$u" "$a"; then return 1; fi
  T_UNIT[$u]=$EPOCHREALTIME
  "exec_$u"
}

# Phase 1: launch everything at once (they start in parallel).
declare -a LAUNCHED=()
for u in "${UNITS[@]}"; do
  if try_launch "$u" 1; then LAUNCHED+=("$u"); else unit_failed "$u" "$WHY"; fi
done

# Phase 2: wait for each; on a port clash or early exit, retry on new ports.
for u in "${LAUNCHED[@]}"; do
  while :; do
    rc=0; await "$u" || rc=$?
    if [ $rc -eq 0 ]; then
      UP[$u]=1
      log "$u ready on ${UPORTS[$u]:-${USOCK[$u]:-}} after $(elapsed "${T_UNIT[$u]}")s (attempt ${ATTEMPT[$u]})"
      break
    fi
    kill_unit "$u"
    if [ $rc -eq 1 ] && [ "${ATTEMPT[$u]}" -lt $MAX_ATTEMPTS ]; then
      log "$u attempt ${ATTEMPT[$u]} failed: $WHY; retrying on new ports"
      if try_launch "$u" $((ATTEMPT[$u] + 1)); then continue; fi
    fi
    unit_failed "$u" "$WHY"
    break
  done
done

# =================================================== verify & describe =====
disable_unit() { # unit reason: stop it and mark its services skipped
  kill_unit "$1"; unset "UP[$1]"; unit_failed "$1" "$2"
}

# --- OCI ---
if [ -n "${UP[registry]:-}" ]; then
  url="http://127.0.0.1:${UPORTS[registry]}"
  if have curl; then http_code "$url/v2/"; else HTTP_CODE=200; fi
  if [ "$HTTP_CODE" = 200 ]; then
    setenv MLOPS_TEST_OCI_URL "$url"
    setenv MLOPS_TEST_OCI_HOST "127.0.0.1:${UPORTS[registry]}"
  else
    disable_unit registry "GET $url/v2/ answered HTTP $HTTP_CODE, expected 200"
  fi
fi
# --- OCI_AUTH ---
if [ -n "${UP[registry_auth]:-}" ]; then
  url="http://127.0.0.1:${UPORTS[registry_auth]}"
  anon=401 authed=200
  if have curl; then
    http_code "$url/v2/"; anon=$HTTP_CODE
    http_code -u "$TEST_USER:$TEST_PASSWORD" "$url/v2/"; authed=$HTTP_CODE
  fi
  if [ "$anon" = 401 ] && [ "$authed" = 200 ]; then
    setenv MLOPS_TEST_OCI_AUTH_URL "$url"
    setenv MLOPS_TEST_OCI_AUTH_HOST "127.0.0.1:${UPORTS[registry_auth]}"
    setenv MLOPS_TEST_OCI_USER "$TEST_USER"
    setenv MLOPS_TEST_OCI_PASSWORD "$TEST_PASSWORD"
  else
    disable_unit registry_auth "GET $url/v2/ answered $anon anonymously (want 401) and $authed with credentials (want 200)"
  fi
fi
# --- OCI_TLS ---
if [ -n "${UP[registry_tls]:-}" ]; then
  url="https://127.0.0.1:${UPORTS[registry_tls]}"
  if have curl; then http_code --cacert "$RUN/pki/ca.crt" "$url/v2/"; else HTTP_CODE=200; fi
  if [ "$HTTP_CODE" = 200 ]; then
    setenv MLOPS_TEST_OCI_TLS_URL "$url"
    setenv MLOPS_TEST_OCI_TLS_HOST "127.0.0.1:${UPORTS[registry_tls]}"
    setenv MLOPS_TEST_OCI_TLS_CA_FILE "$RUN/pki/ca.crt"
  else
    disable_unit registry_tls "GET $url/v2/ with the test CA answered HTTP $HTTP_CODE, expected 200"
  fi
fi
# --- OCI_TOKEN ---
if [ -n "${UP[registry_token]:-}" ] && [ -n "${UP[token_issuer]:-}" ]; then
  url="http://127.0.0.1:${UPORTS[registry_token]}"
  anon=401 authed=200
  if have curl; then
    http_code "$url/v2/"; anon=$HTTP_CODE
    tok=$(curl -s --max-time 10 -u "$TEST_USER:$TEST_PASSWORD" \
      "http://127.0.0.1:$TOKEN_ISSUER_PORT/token?service=mlops-test-registry&scope=registry:catalog:*" | sed -n 's/.*"token": *"\([^"]*\)".*/\1/p')
    http_code -H "Authorization: Bearer $tok" "$url/v2/"; authed=$HTTP_CODE
  fi
  if [ "$anon" = 401 ] && [ "$authed" = 200 ]; then
    setenv MLOPS_TEST_OCI_TOKEN_URL "$url"
    setenv MLOPS_TEST_OCI_TOKEN_HOST "127.0.0.1:${UPORTS[registry_token]}"
    setenv MLOPS_TEST_OCI_TOKEN_REALM "http://127.0.0.1:$TOKEN_ISSUER_PORT/token"
    setenv MLOPS_TEST_OCI_TOKEN_LOG "$RUN/logs/token-requests.log"
  else
    disable_unit registry_token "GET $url/v2/ answered $anon anonymously (want 401) and $authed with a token (want 200)$(log_tail "$RUN/logs/registry_token.log")"
  fi
elif [ -n "${UP[registry_token]:-}" ]; then
  disable_unit registry_token "the token issuer did not start"
fi
# --- GIT_DAEMON ---
if [ -n "${UP[git_daemon]:-}" ]; then
  setenv MLOPS_TEST_GIT_DAEMON_URL "git://127.0.0.1:${UPORTS[git_daemon]}"
  setenv MLOPS_TEST_GIT_DAEMON_ROOT "$RUN/gitd"
fi
# --- WEBDAV + GIT_HTTP (nginx) ---
if [ -n "${UP[nginx]:-}" ]; then
  url="http://127.0.0.1:$NGINX_WEBDAV_PORT"
  if have curl; then http_code "$url/"; else HTTP_CODE=401; fi
  if [ "$HTTP_CODE" = 401 ]; then
    setenv MLOPS_TEST_WEBDAV_URL "$url"
    setenv MLOPS_TEST_WEBDAV_ROOT "$RUN/nginx/dav"
    setenv MLOPS_TEST_WEBDAV_USER "$TEST_USER"
    setenv MLOPS_TEST_WEBDAV_PASSWORD "$TEST_PASSWORD"
    setenv MLOPS_TEST_WEBDAV_PROPFIND "$([ -n "$DAV_EXT_MODULE" ] && echo 1 || echo 0)"
  else
    skip WEBDAV "GET $url/ answered HTTP $HTTP_CODE anonymously, expected 401"
  fi
  if [ "$WITH_GIT_HTTP" = 1 ] && [ -n "$NGINX_GIT_PORT" ]; then
    if [ -z "${UP[fcgiwrap]:-}" ]; then
      [ -n "${SKIP[GIT_HTTP]:-}" ] || skip GIT_HTTP "fcgiwrap did not start"
    else
      url="http://127.0.0.1:$NGINX_GIT_PORT/git"
      if ! git_srv -c init.defaultBranch=main init -q --bare "$RUN/nginx/git/exps.git" 2>>"$RUN/logs/start.log" \
         || ! git_srv -C "$RUN/nginx/git/exps.git" config http.receivepack true 2>>"$RUN/logs/start.log"; then
        HTTP_CODE="(git init --bare $RUN/nginx/git/exps.git failed)"
      elif have curl; then
        http_code -u "$TEST_USER:$TEST_PASSWORD" "$url/exps.git/info/refs?service=git-receive-pack"
      else HTTP_CODE=200; fi
      if [ "$HTTP_CODE" = 200 ]; then
        setenv MLOPS_TEST_GIT_HTTP_URL "$url"
        setenv MLOPS_TEST_GIT_HTTP_ROOT "$RUN/nginx/git"
        setenv MLOPS_TEST_GIT_HTTP_USER "$TEST_USER"
        setenv MLOPS_TEST_GIT_HTTP_PASSWORD "$TEST_PASSWORD"
      else
        skip GIT_HTTP "GET $url/exps.git/info/refs?service=git-receive-pack answered HTTP $HTTP_CODE, expected 200$(log_tail "$RUN/nginx/logs/error.log")"
      fi
    fi
  fi
fi
# nginx without any working service is of no use
if [ -n "${UP[nginx]:-}" ] && [ -n "${SKIP[WEBDAV]:-}" ] && [ -n "${SKIP[GIT_HTTP]:-}" ]; then
  disable_unit nginx "unused"
fi
if [ -n "${UP[fcgiwrap]:-}" ] && [ -n "${SKIP[GIT_HTTP]:-}" ]; then
  kill_unit fcgiwrap; unset "UP[fcgiwrap]"
fi
# --- S3 ---
if [ -n "${UP[s3rver]:-}" ]; then
  url="http://127.0.0.1:${UPORTS[s3rver]}"
  if have curl; then http_code "$url/"; else HTTP_CODE=200; fi
  if [ "$HTTP_CODE" = 200 ]; then
    setenv MLOPS_TEST_S3_URL "$url"
    setenv MLOPS_TEST_S3_ACCESS_KEY S3RVER
    setenv MLOPS_TEST_S3_SECRET_KEY S3RVER
    setenv MLOPS_TEST_S3_REGION us-east-1
  else
    disable_unit s3rver "GET $url/ answered HTTP $HTTP_CODE, expected 200"
  fi
fi
# --- MOTO: create IAM user mlops with s3:* and an access key (the 3 free actions) ---
if [ -n "${UP[moto]:-}" ]; then
  url="http://127.0.0.1:${UPORTS[moto]}"
  iam=(-sS --max-time 20 -X POST --aws-sigv4 "aws:amz:us-east-1:iam" --user AKIAIOSFODNN7EXAMPLE:bootstrap)
  policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
  ak="" sk=""
  if curl "${iam[@]}" -d 'Action=CreateUser&UserName=mlops&Version=2010-05-08' "$url/" \
       > "$RUN/moto/create-user.xml" 2>>"$RUN/logs/moto.log" \
     && curl "${iam[@]}" --data-urlencode Action=PutUserPolicy --data-urlencode UserName=mlops \
       --data-urlencode PolicyName=s3all --data-urlencode "PolicyDocument=$policy" \
       --data-urlencode Version=2010-05-08 "$url/" > "$RUN/moto/put-policy.xml" 2>>"$RUN/logs/moto.log" \
     && curl "${iam[@]}" -d 'Action=CreateAccessKey&UserName=mlops&Version=2010-05-08' "$url/" \
       > "$RUN/moto/access-key.xml" 2>>"$RUN/logs/moto.log"; then
    ak=$(sed -n 's:.*<AccessKeyId>\([^<]*\)</AccessKeyId>.*:\1:p' "$RUN/moto/access-key.xml" | head -n 1)
    sk=$(sed -n 's:.*<SecretAccessKey>\([^<]*\)</SecretAccessKey>.*:\1:p' "$RUN/moto/access-key.xml" | head -n 1)
  fi
  if [ -n "$ak" ] && [ -n "$sk" ]; then
    setenv MLOPS_TEST_MOTO_URL "$url"
    setenv MLOPS_TEST_MOTO_ACCESS_KEY "$ak"
    setenv MLOPS_TEST_MOTO_SECRET_KEY "$sk"
    setenv MLOPS_TEST_MOTO_REGION us-east-1
  else
    disable_unit moto "IAM bootstrap (CreateUser/PutUserPolicy/CreateAccessKey) failed; see $RUN/moto/*.xml"
  fi
fi

# ================================================================ env file ===
{
  echo "# generated by tests/servers/start.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); stop with tests/servers/stop.sh $RUN"
  echo "export MLOPS_TEST_RUN_DIR='$RUN'"
  echo "export MLOPS_TEST_USER='$TEST_USER'"
  echo "export MLOPS_TEST_PASSWORD='$TEST_PASSWORD'"
  for l in "${ENV_LINES[@]}"; do echo "$l"; done
  for s in OCI OCI_AUTH OCI_TLS OCI_TOKEN GIT_DAEMON GIT_HTTP WEBDAV S3 MOTO; do
    if [ -n "${SKIP[$s]:-}" ]; then
      r=${SKIP[$s]}
      echo "export MLOPS_TEST_SKIP_$s='${r//\'/\'\\\'\'}'"
    fi
  done
} > "$RUN/env.tmp"
mv -f "$RUN/env.tmp" "$RUN/env"

up_list="" ; for s in OCI OCI_AUTH OCI_TLS OCI_TOKEN GIT_DAEMON GIT_HTTP WEBDAV S3 MOTO; do
  [ -n "${SKIP[$s]:-}" ] || up_list+=" $s"
done
msg="up:${up_list:- none}; skipped: ${#SKIP[@]}; in $(elapsed "$T_START")s; env: $RUN/env"
log "$msg"
echo "start.sh: $msg" >&2
echo "$RUN/env"
exit 0
