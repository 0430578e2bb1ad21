#!/usr/bin/env bash
# 503 and 429 with Retry-After are retried and the request then succeeds; a server that keeps
# answering 503 ends in a remote error of class "transient" (exit 5 for mlops), after a
# bounded number of attempts.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server OCI

start_faultproxy "$MLOPS_TEST_OCI_HOST" --status 503 --retry-after 0 --times 2
probe get "$PROXY_URL/v2/" >get.json 2>get.err || { cat get.err >&2; fail "GET after two 503s failed"; }
expect_eq "$(jq -r .status get.json)" 200 "status after the retries"
expect_eq "$(proxy_stat injected)" 2 "503 answers sent"

start_faultproxy "$MLOPS_TEST_OCI_HOST" --status 429 --retry-after 0 --times 1
probe get "$PROXY_URL/v2/" >get.json 2>get.err || { cat get.err >&2; fail "GET after a 429 failed"; }
expect_eq "$(proxy_stat injected)" 1 "429 answers sent"

start_faultproxy "$MLOPS_TEST_OCI_HOST" --status 503 --retry-after 0 --times 1000
set +e
probe get "$PROXY_URL/v2/" >get.json 2>get.err
rc=$?
set -e
expect_eq "$rc" 5 "exit code when the server never recovers"
expect_contains get.err "remote/transient"
expect_contains get.err "HTTP 503"
attempts=$(proxy_stat injected)
if [ "$attempts" -lt 2 ] || [ "$attempts" -gt 10 ]; then fail "expected a bounded number of attempts, got $attempts"; fi
