#!/usr/bin/env bash
# A metrics.json written just before `exp run` (same second, same clock tick) by something else is not credited to a run that does not write it, whether the run completes or fails.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
echo '{"accuracy": 0.5}' >metrics.json
expect_exit 0 mlops exp run -n quick -- true
expect_not_contains "$TEST_DIR/err" "accuracy"
expect_json <(mlops --json exp show quick) '.metrics | length' 0

echo '{"accuracy": 0.92}' >metrics.json
expect_exit 1 mlops exp run -n failing -- false
expect_json <(mlops --json exp show failing) '.metrics | length' 0
expect_eq "$(git show "$(exp_field failing .commit):metrics.json")" "{}" "metrics.json of the run commit"

# The same file, its mtime set to the future (no timestamp makes it the run's).
echo '{"accuracy": 0.93}' >metrics.json
touch -d '+1 hour' metrics.json
expect_exit 0 mlops exp run -n future -- true
expect_json <(mlops --json exp show future) '.metrics | length' 0

# An isolated run starts from a fresh checkout, just written: a tracked metrics.json in it is
# not the run's either.
echo '{"accuracy": 0.94}' >metrics.json
git add metrics.json
git commit -q -m metrics
expect_exit 0 mlops exp run --isolated -n iso -- true
expect_json <(mlops --json exp show iso) '.metrics | length' 0
expect_exit 0 mlops exp run --isolated -n iso-writes -- sh -c 'echo "{\"accuracy\": 0.95}" >metrics.json'
expect_json <(mlops --json exp show iso-writes) '.metrics.accuracy.last' 0.95
