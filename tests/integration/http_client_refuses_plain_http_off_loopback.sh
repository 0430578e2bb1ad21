#!/usr/bin/env bash
# Plain http is sent only to a loopback host unless asked for (--plain-http): to any other host
# the request is refused before a connection is made, with a hint; a URL with user
# information is never sent (its password would travel in the clear and reach logs).
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"

set +e
probe get "http://registry.example.invalid/v2/" >out 2>err
rc=$?
set -e
expect_eq "$rc" 1 "exit code (usage)"
expect_contains err "refusing plain HTTP to registry.example.invalid"
set +e
probe get "http://user:pa55word@127.0.0.1:9/v2/" >out 2>err
rc=$?
set -e
expect_eq "$rc" 1 "exit code for a URL with user information"
expect_contains err "user information"
if grep -q pa55word err; then fail "the password reached stderr"; fi
