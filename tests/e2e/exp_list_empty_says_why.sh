#!/usr/bin/env bash
# An empty `exp list` says why: no run at all, none based on HEAD's recent history, or none
# that the filter kept (and how many it checked), not "no runs yet" when runs exist.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp list
expect_contains "$TEST_DIR/err" "no runs yet"

expect_exit 0 mlops exp run -n first -- sh -c 'echo "{\"acc\": 0.5}" >metrics.json'
expect_exit 0 mlops exp list --filter 'metrics.acc > 0.9'
expect_not_contains "$TEST_DIR/err" "no runs yet"
expect_contains "$TEST_DIR/err" "no run matches the filter (1 checked)"
[ ! -s "$TEST_DIR/out" ] || fail "an empty list printed rows on stdout"
expect_exit 0 mlops exp list --all --filter 'metrics.acc > 0.9'
expect_contains "$TEST_DIR/err" "no run matches the filter (1 checked)"

# On a branch without that run's baseline in its history: none in scope, --all finds it.
git checkout -q --orphan other
git commit -q -m other
expect_exit 0 mlops exp list
expect_contains "$TEST_DIR/err" "no runs based on HEAD's recent history"
