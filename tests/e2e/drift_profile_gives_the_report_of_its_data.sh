#!/usr/bin/env bash
# `mlops drift profile DATA -o FILE` keeps what the tests need; --reference takes the profile
# (recognised by its first bytes, whatever its name) and, while it holds exact values, the
# report is the one the CSV file gives, in every format.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_drift_csvs .
expect_exit 0 mlops drift profile ref.csv -o ref-profile.csv
expect_contains "$TEST_DIR/err" "wrote ref-profile.csv: 300 rows, 3 columns (0 as a sketch)"
for format in json md junit html table; do
  expect_exit 0 mlops drift --reference ref.csv --current cur.csv --format "$format" --fail-on never
  sed 's/ref-profile\.csv/ref.csv/g' "$TEST_DIR/out" >from-csv
  expect_exit 0 mlops drift --reference ref-profile.csv --current cur.csv --format "$format" --fail-on never
  sed 's/ref-profile\.csv/ref.csv/g' "$TEST_DIR/out" >from-profile
  diff -u from-csv from-profile >&2 || fail "--format $format: the profile gives another report than its data"
done
# A gzip'd CSV and standard input profile the same.
expect_exit 0 mlops drift profile ref.csv.gz -o gz.profile
expect_exit 0 mlops drift profile - -o stdin.profile <ref.csv
cmp gz.profile stdin.profile || true  # the source names differ; the reports must not:
for p in gz.profile stdin.profile; do
  expect_exit 0 mlops drift --reference "$p" --current cur.csv --format json --fail-on never
  jq 'del(.reference)' "$TEST_DIR/out" >"$p.json"
done
diff -u gz.profile.json stdin.profile.json >&2 || fail "gzip and stdin profiles differ"
# --json says what was written.
expect_exit 0 mlops --json drift profile ref.csv -o again.profile
[[ $(jq -r '.rows, .columns, .sketched_columns' "$TEST_DIR/out" | tr '\n' ' ') == "300 3 0 " ]] || fail "profile --json: $(cat "$TEST_DIR/out")"
