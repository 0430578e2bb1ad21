#!/usr/bin/env bash
# `mlops login` asks the registry before it stores anything (GET /v2/ with the credentials):
# a wrong password is one line, exit 5, and no credentials file entry, against htpasswd Basic
# auth and against the token flow; the right one is stored; an unreachable registry is a
# warning and the login is stored unchecked. The password is in no output.
. "$(dirname "$0")/../e2e/harness.sh"
use_test_server OCI_AUTH

file="$XDG_CONFIG_HOME/mlops/credentials.json"
wrong="wrong-$MLOPS_TEST_OCI_PASSWORD"
printf '%s\n' "$wrong" >wrong.pw
printf '%s\n' "$MLOPS_TEST_OCI_PASSWORD" >right.pw

expect_exit 5 mlops login "$MLOPS_TEST_OCI_AUTH_HOST" --username "$MLOPS_TEST_OCI_USER" --password-stdin <wrong.pw
expect_clean_error
expect_contains "$TEST_DIR/err" "refused the credentials"
cp "$TEST_DIR/err" wrong.err
[ ! -f "$file" ] || expect_eq "$(jq -r '.hosts | length' "$file")" 0 "entries after a refused login"

expect_exit 0 mlops login "$MLOPS_TEST_OCI_AUTH_HOST" --username "$MLOPS_TEST_OCI_USER" --password-stdin <right.pw
expect_not_contains "$TEST_DIR/err" "warning"
expect_eq "$(jq -r --arg h "$MLOPS_TEST_OCI_AUTH_HOST" '.hosts[$h].username' "$file")" "$MLOPS_TEST_OCI_USER" "stored user"
cp "$TEST_DIR/err" right.err

if [ -n "${MLOPS_TEST_OCI_TOKEN_HOST:-}" ]; then
  expect_exit 5 mlops login "$MLOPS_TEST_OCI_TOKEN_HOST" --username "$MLOPS_TEST_OCI_USER" --password-stdin <wrong.pw
  expect_clean_error
  expect_eq "$(jq -r --arg h "$MLOPS_TEST_OCI_TOKEN_HOST" '.hosts | has($h)' "$file")" false "token registry entry after a refused login"
  cp "$TEST_DIR/err" token-wrong.err
  expect_exit 0 mlops login "$MLOPS_TEST_OCI_TOKEN_HOST" --username "$MLOPS_TEST_OCI_USER" --password-stdin <right.pw
fi

# Nothing listens on port 9 of loopback: a warning, stored unchecked.
expect_exit 0 mlops login 127.0.0.1:9 --username someone --password-stdin <right.pw
expect_contains "$TEST_DIR/err" "could not check the credentials"
expect_eq "$(jq -r '.hosts["127.0.0.1:9"].username' "$file")" someone "stored unchecked"

basic=$(printf '%s:%s' "$MLOPS_TEST_OCI_USER" "$MLOPS_TEST_OCI_PASSWORD" | base64 -w0)
for f in wrong.err right.err token-wrong.err "$TEST_DIR/out" "$TEST_DIR/err"; do
  [ -f "$f" ] || continue
  if grep -qF -e "$MLOPS_TEST_OCI_PASSWORD" -e "$basic" "$f"; then fail "the password reached $f"; fi
done
