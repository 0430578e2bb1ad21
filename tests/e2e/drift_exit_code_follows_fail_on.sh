#!/usr/bin/env bash
# mlops drift exits 1 when --fail-on trips (default: dataset drift), 0 when it does not: a CI
# step fails on drift unless told otherwise.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_drift_csvs .   # x drifts, y and city do not: 1 of 3 columns
expect_exit 0 mlops drift --reference ref.csv --current cur.csv
expect_contains "$TEST_DIR/out" "Drift in 1 of 3 columns"
expect_exit 1 mlops drift --reference ref.csv --current cur.csv --fail-on any
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --drift-share 0.6
expect_exit 1 mlops drift --reference ref.csv --current cur.csv --drift-share 0.3
expect_exit 1 mlops drift --reference ref.csv --current cur.csv --drift-share 0.3 --format json
expect_json "$TEST_DIR/out" .dataset_drift true
expect_json "$TEST_DIR/out" .share_of_drifted_columns 0.3333333333333333
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --drift-share 0.3 --fail-on never
# The same files against themselves: nothing drifts, whatever --fail-on says.
expect_exit 0 mlops drift --reference ref.csv --current ref.csv --fail-on any
