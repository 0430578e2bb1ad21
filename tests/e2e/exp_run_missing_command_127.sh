#!/usr/bin/env bash
# A command that does not exist exits 127, like a shell, and the run is recorded as failed with 127.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 127 mlops exp run -n ghost -- no-such-command-mlops-e2e --flag
expect_contains "$TEST_DIR/err" "no-such-command-mlops-e2e"
expect_exit 0 mlops --json exp show ghost
expect_json "$TEST_DIR/out" .status failed
expect_json "$TEST_DIR/out" .exit_code 127
expect_json "$TEST_DIR/out" '.argv | join(" ")' "no-such-command-mlops-e2e --flag"
expect_eq "$(git for-each-ref refs/mlops/exps | wc -l)" 1 "run refs"
