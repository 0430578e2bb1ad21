#!/usr/bin/env bash
# `mlops model list --remote R`: a repository that cannot be read (here: its index.json is
# broken) does not stop the listing: that alias is shown with the state error and the reason,
# the others are still looked up, and the exit code is that of the first error (4: bad input).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
cd proj
expect_exit 0 mlops package build -t another:1.0
remote="file://$TEST_DIR/remote"
expect_exit 0 mlops push demo:1.0 "$remote"
expect_exit 0 mlops push another:1.0 "$remote"
expect_exit 0 mlops model promote another:1.0 --alias a-first --remote "$remote"
expect_exit 0 mlops model promote demo:1.0 --alias z-last --remote "$remote"
expect_exit 0 mlops --json model list --remote "$remote"
expect_json "$TEST_DIR/out" '[.[].state] | join(",")' same,same

# The repository of the first alias (by name) breaks.
printf 'not json' >"$TEST_DIR/remote/another/index.json"
expect_exit 4 mlops --json model list --remote "$remote"
expect_json "$TEST_DIR/out" '[.[].alias] | join(",")' a-first,z-last
expect_json "$TEST_DIR/out" '[.[].state] | join(",")' error,same
expect_json "$TEST_DIR/out" '.[0].error | length > 0' true
expect_json "$TEST_DIR/out" '.[1].digest == .[1].local_digest' true
expect_contains "$TEST_DIR/err" "1 of 2 aliases could not be read"
expect_exit 4 mlops model list --remote "$remote"
expect_contains "$TEST_DIR/out" "a-first"
expect_contains "$TEST_DIR/out" "error"
grep -q '^z-last .* same$' "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "no row for z-last"; }
expect_contains "$TEST_DIR/err" "alias a-first:"
