#!/usr/bin/env bash
# A reference profile works with the presets and windows: from exact values it gives the CSV
# reference's report (alibi, mlops, each row window); a sketched column gets K-S with its
# p-value range and the mlops effect size. What needs the rows is refused (exit 2): nannyml's
# threshold (reference chunks in file order), windows or --prediction on a current profile,
# --target on a reference profile.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_drift_csvs .
expect_exit 0 mlops drift profile ref.csv -o ref.profile
# same_columns ARGS...: the report with ref.csv and with ref.profile, its columns (or windows) equal.
same_columns() {
  local what=$1; shift
  expect_exit 0 mlops drift --reference ref.csv --current cur.csv --format json --fail-on never "$@"
  jq -S "$what" "$TEST_DIR/out" >from_csv.json
  expect_exit 0 mlops drift --reference ref.profile --current cur.csv --format json --fail-on never "$@"
  jq -S "$what" "$TEST_DIR/out" >from_profile.json
  cmp -s from_csv.json from_profile.json || { diff from_csv.json from_profile.json >&2; fail "profile and CSV differ: $*"; }
}
same_columns .drift_by_columns --preset alibi
same_columns .drift_by_columns --preset mlops
same_columns .windows --window 100
same_columns .windows --window 100 --preset mlops
jq -e '.windows | length == 3' "$TEST_DIR/out" >/dev/null || fail "expected 3 windows of 100 rows"

# Sketched: 60,000 distinct values a column, the profile keeps at most 10 exact ones.
awk 'BEGIN { srand(1); print "a,b"; for (i = 0; i < 60000; i++) printf "%.5f,%.5f\n", rand(), rand() * 2 }' >big_ref.csv
awk 'BEGIN { srand(2); print "a,b"; for (i = 0; i < 60000; i++) printf "%.5f,%.5f\n", rand() + 0.2, rand() * 2 }' >big_cur.csv
expect_exit 0 mlops drift profile big_ref.csv -o big.profile --exact-values 10
expect_exit 0 mlops drift --reference big.profile --current big_cur.csv --format json --fail-on never --preset mlops
jq -e '.drift_by_columns.a | .method == "ks" and .rank_error > 0 and (.drift_score_range | length == 2)
       and .p_value_adjusted != null and .effect_size > 0.1 and .drift_detected' "$TEST_DIR/out" >/dev/null ||
  fail "mlops on a sketched column: $(jq -c .drift_by_columns.a "$TEST_DIR/out")"
jq -e '.drift_by_columns.b.drift_detected == false' "$TEST_DIR/out" >/dev/null || fail "b did not move"
expect_exit 0 mlops drift --reference big.profile --current big_cur.csv --format json --fail-on never --preset alibi
expect_json "$TEST_DIR/out" '.drift_by_columns.a.stattest_name' "K-S p_value (asymptotic)"
# nannyml past --max-memory: the sketched columns are skipped, saying why.
expect_exit 0 mlops drift --reference big_ref.csv --current big_cur.csv --format json --fail-on never --preset nannyml --max-memory 1M
jq -e '.drift_by_columns.a.skipped | test("file order")' "$TEST_DIR/out" >/dev/null ||
  fail "nannyml on a sketched column: $(jq -c .drift_by_columns.a "$TEST_DIR/out")"

# What a profile cannot give.
expect_exit 2 mlops drift --reference ref.profile --current cur.csv --preset nannyml
expect_contains "$TEST_DIR/err" "--preset nannyml"
expect_contains "$TEST_DIR/err" "keeps no order"
expect_clean_error
expect_exit 2 mlops drift --reference ref.csv --current ref.profile --window 100
expect_contains "$TEST_DIR/err" "is a drift profile"
expect_clean_error
expect_exit 2 mlops drift --reference ref.csv --current ref.profile --prediction y
expect_contains "$TEST_DIR/err" "--prediction"
expect_exit 2 mlops drift --reference ref.profile --current cur.csv --prediction y --target x
expect_contains "$TEST_DIR/err" "--target"
expect_clean_error
# The prediction's drift alone needs no rows of the reference.
expect_exit 0 mlops drift --reference ref.profile --current cur.csv --prediction y --format json --fail-on never
expect_json "$TEST_DIR/out" '.model.prediction' "y"
