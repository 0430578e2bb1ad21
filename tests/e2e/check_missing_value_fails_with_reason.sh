#!/usr/bin/env bash
# A gate on a metric the checked run did not record (another run has it) fails, and says why.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'gates:\n  metrics.f1: {min: 0.5}\n  metrics.accuracy: {min: 0.5}\n' >>mlops.yaml
git commit -qam gates
expect_exit 0 mlops exp run -n with-f1 -- sh -c 'echo "{\"accuracy\": 0.95, \"f1\": 0.8}" > metrics.json'
expect_exit 0 mlops exp run -n without -- sh -c 'echo "{\"accuracy\": 0.95}" > metrics.json'
expect_exit 1 mlops --json check without
expect_json "$TEST_DIR/out" '.passed' false
expect_json "$TEST_DIR/out" '.gates[] | select(.field == "metrics.f1") | .status' fail
expect_json "$TEST_DIR/out" '.gates[] | select(.field == "metrics.f1") | .reason' "run without recorded no value for metrics.f1"
expect_json "$TEST_DIR/out" '.gates[] | select(.field == "metrics.accuracy") | .status' pass
expect_exit 0 mlops check with-f1
