#!/usr/bin/env bash
# An http:// remote that is not on loopback is refused before a byte is sent (a password or a
# package in clear text over the network): exit 2, one line, the hint names --plain-http.
. "$(dirname "$0")/harness.sh"
make_package_project proj
build_package proj
expect_exit 2 mlops push demo:1.0 http://192.0.2.1/store
expect_clean_error
expect_contains "$TEST_DIR/err" "plain HTTP"
expect_contains "$TEST_DIR/err" "--plain-http"
expect_exit 2 mlops pull http://192.0.2.1/store/demo:1.0 --store "$TEST_DIR/second"
expect_clean_error
if [ -f "$TEST_DIR/second/index.json" ]; then expect_eq "$(jq ".manifests | length" "$TEST_DIR/second/index.json")" 0 "packages in the store"; fi
