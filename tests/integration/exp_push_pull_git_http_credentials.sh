#!/usr/bin/env bash
# `mlops exp push/pull` over git smart HTTP with user:password in the URL: runs arrive, and the password is printed nowhere and stored nowhere; a wrong password exits 5.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"

use_test_server GIT_HTTP
user=$MLOPS_TEST_GIT_HTTP_USER pass=$MLOPS_TEST_GIT_HTTP_PASSWORD

name="exps-$$-$RANDOM.git"
bare="$MLOPS_TEST_GIT_HTTP_ROOT/$name"
git init -q --bare -b main "$bare"
git -C "$bare" config http.receivepack true
plain_url="$MLOPS_TEST_GIT_HTTP_URL/$name"
url=$(with_creds "$plain_url" "$user" "$pass")
no_secret() { # FILE...
  local f
  for f in "$@"; do expect_not_contains "$f" "$pass"; done
}

exp_repo a
cd a
expect_exit 0 mlops exp run -n r1 -t base -- sh -c 'echo "{\"acc\": 0.5}" > metrics.json'
expect_exit 0 mlops exp run -n r2 -S depth=5 -- sh -c 'echo "{\"acc\": 0.6}" > metrics.json'
for verbosity in "" -vv; do
  # shellcheck disable=SC2086  # $verbosity is one flag or nothing
  expect_exit 0 mlops $verbosity --json exp push "$url"
  no_secret "$TEST_DIR/out" "$TEST_DIR/err"
done
expect_exit 0 mlops exp push "$url"
no_secret "$TEST_DIR/out" "$TEST_DIR/err"
expect_eq "$(git -C "$bare" for-each-ref refs/mlops/exps | wc -l)" 2 "run refs on the server"

# A fresh repository pulls them by URL.
cd "$TEST_DIR"
git init -q -b main b
cd b
expect_exit 0 mlops -vv --json exp pull "$url"
no_secret "$TEST_DIR/out" "$TEST_DIR/err"
expect_json "$TEST_DIR/out" '.updated | length' 2
listing() { mlops --json exp list --all | jq -c 'map({id, name, status, metrics, tags, params}) | sort_by(.id)'; }
expect_eq "$(listing)" "$(cd ../a && listing)" "runs pulled over HTTP"
if grep -rlF -- "$pass" .git ../a/.git; then fail "the password was stored (files above)"; fi

# A wrong password: a remote error (exit 5) that does not print the password given.
bad=$(with_creds "$plain_url" "$user" "not-$pass-wrong")
expect_exit 5 mlops exp pull "$bad"
expect_clean_error
expect_not_contains "$TEST_DIR/err" "not-$pass-wrong"
expect_contains "$TEST_DIR/err" "127.0.0.1"
cd ../a
expect_exit 0 mlops exp tag r2 more
expect_exit 5 mlops exp push "$bad"
expect_not_contains "$TEST_DIR/err" "not-$pass-wrong"

rm -rf -- "$bare"
