#!/usr/bin/env bash
# Past --max-memory the columns holding the most numbers go over to a KLL sketch: the report
# says which, with the error bound (JSON rank_error and drift_score_range, a note in the
# other formats), and a warning says the scores are approximate. Without it: exact.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

awk 'BEGIN { srand(1); print "a,b,k"; for (i = 0; i < 60000; i++) printf "%.4f,%.4f,%d\n", rand(), rand() * 2, i % 3 }' >ref.csv
awk 'BEGIN { srand(2); print "a,b,k"; for (i = 0; i < 60000; i++) printf "%.4f,%.4f,%d\n", rand() + 0.2, rand() * 2, i % 3 }' >cur.csv
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --format json --fail-on never
jq -e '[.drift_by_columns[].rank_error] | all(. == null)' "$TEST_DIR/out" >/dev/null || fail "exact without --max-memory"
expect_not_contains "$TEST_DIR/err" "sketch"
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --format json --fail-on never --max-memory 1M
jq -e '.drift_by_columns.a.rank_error > 0 and .drift_by_columns.b.rank_error > 0' "$TEST_DIR/out" >/dev/null ||
  fail "a and b were not sketched: $(jq -c '.drift_by_columns' "$TEST_DIR/out")"
jq -e '.drift_by_columns.a.drift_score_range | length == 2' "$TEST_DIR/out" >/dev/null || fail "no score range"
jq -e '.drift_by_columns.k.rank_error == null' "$TEST_DIR/out" >/dev/null || fail "k (3 values) should stay exact"
jq -e '.drift_by_columns.a.n_ref == 60000 and .drift_by_columns.a.drift_detected' "$TEST_DIR/out" >/dev/null || fail "a: counts or verdict"
expect_contains "$TEST_DIR/err" "compared through a sketch"
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --format md --fail-on never --max-memory 1M
expect_contains "$TEST_DIR/out" "from a sketch: rank error"
expect_exit 2 mlops drift --reference ref.csv --current cur.csv --max-memory lots
expect_contains "$TEST_DIR/err" "--max-memory wants a size"
