#!/usr/bin/env bash
# `mlops report --against R1 R1 R2`: the baseline named among the runs is listed once, in its
# baseline row, not as a run too; a run named twice is one row; named alone with itself as the
# baseline, it stays a run so that its gates are still evaluated.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'gates:\n  metrics.accuracy: {min: 0.9}\n' >>mlops.yaml
git commit -qam gates
expect_exit 0 mlops exp run -n base -- sh -c 'echo "{\"accuracy\": 0.90}" > metrics.json'
expect_exit 0 mlops exp run -n better -S lr=0.2 -- sh -c 'echo "{\"accuracy\": 0.95}" > metrics.json'
base_id=$(exp_field base .id)

expect_exit 0 mlops report --against base base better
expect_contains "$TEST_DIR/out" "## mlops report: 1 run against base"
expect_eq "$(grep -c '^| baseline: base' "$TEST_DIR/out")" 2 "the baseline's rows (metrics, params)"
expect_eq "$(grep -c '^| base (' "$TEST_DIR/out")" 0 "rows of the baseline as a run"
expect_eq "$(grep -c '^| better (' "$TEST_DIR/out")" 3 "rows of better (metrics, params, gates)"

expect_exit 0 mlops --json report --against base base better "$base_id" better
expect_json "$TEST_DIR/out" '.runs | length' 1
expect_json "$TEST_DIR/out" '.runs[0].label' better
expect_json "$TEST_DIR/out" '.baseline.label' base

expect_exit 0 mlops --json report base --against base
expect_json "$TEST_DIR/out" '.runs | length' 1
expect_json "$TEST_DIR/out" '.runs[0].gates[0].status' pass
