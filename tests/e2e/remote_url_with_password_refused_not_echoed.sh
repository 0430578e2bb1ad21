#!/usr/bin/env bash
# A remote URL with user information is refused (exit 2, hint: mlops login) and the password
# reaches no output, log line or file, even with -vv.
. "$(dirname "$0")/harness.sh"

mkdir proj && cd proj
printf 'schema: 1\n' >mlops.yaml
for url in https://alice:s3cr3tPW@registry.example/team oci://s3cr3tPW@registry.example/t s3://AKIAs3cr3tPW:x@bucket/p; do
  expect_exit 2 mlops -vv remote add team "$url"
  expect_clean_error
  expect_contains "$TEST_DIR/err" "mlops login"
  expect_not_contains "$TEST_DIR/err" "s3cr3tPW"
  expect_not_contains "$TEST_DIR/out" "s3cr3tPW"
done
expect_eq "$(cat mlops.yaml)" "schema: 1"
# Written by hand, it is refused when read, naming the line and not the password.
printf 'schema: 1\nremotes:\n  team: {url: "https://alice:s3cr3tPW@registry.example/team"}\n' >mlops.yaml
expect_exit 4 mlops remote list
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops.yaml:3:"
expect_not_contains "$TEST_DIR/err" "s3cr3tPW"
if grep -rq s3cr3tPW "$HOME" 2>/dev/null; then fail "the password was written under HOME"; fi
