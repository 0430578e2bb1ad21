#!/usr/bin/env bash
# `mlops drift profile --merge A B -o C` combines partitions: while the values stay under the
# size, the merged profile gives the report the profile of both partitions together gives.
# Past the size the merge is a sketch, and the report says so.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_drift_csvs .
head -n 121 ref.csv >monday.csv
{ head -n 1 ref.csv; tail -n +122 ref.csv; } >tuesday.csv
expect_exit 0 mlops drift profile monday.csv -o monday.profile
expect_exit 0 mlops drift profile tuesday.csv -o tuesday.profile
expect_exit 0 mlops drift profile --merge monday.profile tuesday.profile -o week.profile
expect_contains "$TEST_DIR/err" "300 rows, 3 columns (0 as a sketch)"
expect_exit 0 mlops drift profile ref.csv -o whole.profile
for p in week whole; do
  expect_exit 0 mlops drift --reference "$p.profile" --current cur.csv --format json --fail-on never
  jq 'del(.reference.source)' "$TEST_DIR/out" >"$p.json"
done
diff -u whole.json week.json >&2 || fail "merge(monday, tuesday) differs from the profile of both"
# CSV files merge too.
expect_exit 0 mlops drift profile --merge monday.csv tuesday.csv -o week2.profile
expect_exit 0 mlops drift --reference week2.profile --current cur.csv --format json --fail-on never
jq 'del(.reference.source)' "$TEST_DIR/out" >week2.json
diff -u whole.json week2.json >&2 || fail "merge of the CSV files differs"
# Past the size: x has 37 values, so at most 10 exact ones makes it a sketch when merged.
expect_exit 0 mlops drift profile --merge monday.profile tuesday.profile --exact-values 10 -o small.profile
expect_exit 0 mlops drift --reference small.profile --current cur.csv --format json --fail-on never
# (37 values in 300 rows: a KLL sketch keeps them all, so the result is still exact)
jq -e '.drift_by_columns.x.n_ref == 300' "$TEST_DIR/out" >/dev/null || fail "merged counts"
# Other columns: refused, naming them, nothing written.
printf 'x,z\n1,2\n' >other.csv
expect_exit 4 mlops drift profile --merge monday.profile other.csv -o bad.profile
expect_contains "$TEST_DIR/err" "missing y, city; extra z"
expect_no_path bad.profile
