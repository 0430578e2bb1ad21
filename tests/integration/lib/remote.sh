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

# use_s3 S3|MOTO: the AWS variables for that test server (endpoint, region, its key) and a
# fresh bucket named in $BUCKET (created with curl's own SigV4 signer, not ours).
use_s3() {
  local url="MLOPS_TEST_$1_URL" key="MLOPS_TEST_$1_ACCESS_KEY" secret="MLOPS_TEST_$1_SECRET_KEY" region="MLOPS_TEST_$1_REGION"
  unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_DEFAULT_REGION
  export AWS_ENDPOINT_URL_S3=${!url} AWS_ACCESS_KEY_ID=${!key} AWS_SECRET_ACCESS_KEY=${!secret} AWS_REGION=${!region}
  export AWS_SHARED_CREDENTIALS_FILE=$TEST_DIR/no-aws-credentials AWS_CONFIG_FILE=$TEST_DIR/no-aws-config
  BUCKET="mlops-$$-$RANDOM"
  s3_curl -X PUT "$AWS_ENDPOINT_URL_S3/$BUCKET" >/dev/null || fail "cannot create the bucket $BUCKET"
}
# use_s3_server: use_test_server and use_s3 for the S3 server there is, moto (it checks
# signatures) before s3rver; skipped with both reasons when neither is up.
use_s3_server() {
  if [ -n "${MLOPS_TEST_ENV:-}" ] && [ -r "$MLOPS_TEST_ENV" ] && grep -q "MLOPS_TEST_MOTO_URL=" "$MLOPS_TEST_ENV"; then
    use_test_server MOTO
    use_s3 MOTO
  else
    use_test_server S3
    use_s3 S3
  fi
}
# s3_curl ARGS...: curl signing with the test server's key (path-style URLs).
s3_curl() {
  curl -sSf --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
}
