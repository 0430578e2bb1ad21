#!/usr/bin/env bash
# A cell that is not a number in a numeric column counts as missing, with a warning and in the
# JSON (unparsable_*); --strict makes it an error naming file:line.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

printf 'v\n1.5\n2.5\n3.5\n4.5\n5.5\n6.5\n' >ref.csv
printf 'v\n1.5\n2.5\noops\n4.5\n\n6.5\n7.5\n' >cur.csv
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --format json
expect_json "$TEST_DIR/out" '.drift_by_columns.v.column_type' num
expect_json "$TEST_DIR/out" '.drift_by_columns.v.unparsable_cur' 1
expect_json "$TEST_DIR/out" '.drift_by_columns.v.missing_cur' 1
expect_json "$TEST_DIR/out" '.drift_by_columns.v.n_cur' 5
expect_contains "$TEST_DIR/err" "mlops: warning: column v: 1 cells are not numbers and count as missing"
expect_exit 4 mlops drift --reference ref.csv --current cur.csv --strict
expect_clean_error
expect_contains "$TEST_DIR/err" "cur.csv:4: column v: not a number: oops"
# A column with no value on one side is reported, not tested; a constant column is tested.
printf 'v,w,k\n1,,7\n2,,7\n3,,7\n' >a.csv
printf 'v,w,k\n1,,7\n2,,7\n3,,7\n' >b.csv
expect_exit 0 mlops drift --reference a.csv --current b.csv --format json
expect_json "$TEST_DIR/out" '.drift_by_columns.w.skipped' "no values in the reference data"
expect_json "$TEST_DIR/out" '.drift_by_columns.k.p_value' 1
expect_json "$TEST_DIR/out" '.number_of_columns' 2
