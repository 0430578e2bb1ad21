# shellcheck shell=bash
# Helpers for the remote-module integration tests (source after harness.sh).
#   probe ARGS...          mlops_remote_probe (the HTTP client / OCI backend test driver)
#   start_faultproxy UPSTREAM_HOST:PORT [FAULTS...]  sets PROXY_URL, PROXY_STATS (faultproxy.py)
#   proxy_stat NAME        a counter of the running proxy ("up", "down", "resets", ...)
: "${MLOPS_REMOTE_PROBE:?set MLOPS_REMOTE_PROBE to the mlops_remote_probe binary (ctest does)}"
# Short pauses between retries: the tests count attempts and bytes, never time.
export MLOPS_PROBE_BACKOFF_MS=${MLOPS_PROBE_BACKOFF_MS:-20}

probe() { "$MLOPS_REMOTE_PROBE" "$@"; }

start_faultproxy() {
  local upstream=$1 n=${PROXY_COUNT:-0}
  shift
  PROXY_COUNT=$((n + 1))
  local port_file="$TEST_DIR/proxy$n.port"
  PROXY_STATS="$TEST_DIR/proxy$n.stats"
  /usr/bin/python3 "$MLOPS_SOURCE_DIR/tests/servers/faultproxy.py" --upstream "$upstream" \
    --port-file "$port_file" --stats "$PROXY_STATS" "$@" >"$TEST_DIR/proxy$n.log" 2>&1 &
  KILL_ON_EXIT+=("$!")
  local _
  for _ in $(seq 1 100); do [ -s "$port_file" ] && break; sleep 0.05; done
  [ -s "$port_file" ] || fail "the fault proxy did not start: $(cat "$TEST_DIR/proxy$n.log")"
  PROXY_URL="http://127.0.0.1:$(cat "$port_file")"
  export PROXY_URL
}

proxy_stat() { jq -r ".$1" "$PROXY_STATS"; }

basic_auth() { printf 'Authorization: Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 -w0)"; }
