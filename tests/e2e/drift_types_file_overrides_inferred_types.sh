#!/usr/bin/env bash
# --types FILE (YAML or JSON: column -> numerical|categorical|text|ignore) replaces the
# inferred type, and every output says the type was set; a bad file is a file:line error with
# exit 4, a missing one exit 3, a column the data does not have exit 2.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_drift_csvs .
# y holds the integers 0..6 (categorical by inference), x decimals (numerical), city text.
printf 'y: numerical\nx: categorical\ncity: ignore\n' >types.yaml
mlops drift --reference ref.csv --current cur.csv --types types.yaml --format json --fail-on never >out.json
expect_eq "$(jq -r '.drift_by_columns.y.column_type' out.json)" num "y set numerical"
expect_eq "$(jq -r '.drift_by_columns.y.type_overridden' out.json)" true
expect_eq "$(jq -r '.drift_by_columns.y.method' out.json)" ks "a numerical column with 7 values gets K-S"
expect_eq "$(jq -r '.drift_by_columns.x.column_type' out.json)" cat "x set categorical"
expect_eq "$(jq -r '.drift_by_columns.x.method' out.json)" chisquare
expect_eq "$(jq -r '.drift_by_columns | has("city")' out.json)" false "ignored column left out"
expect_eq "$(jq -r '.number_of_columns' out.json)" 2

# JSON works the same, and text skips the column with the reason.
printf '{"y": "text"}\n' >types.json
mlops drift --reference ref.csv --current cur.csv --types types.json --format json --fail-on never >out.json
expect_eq "$(jq -r '.drift_by_columns.y.skipped' out.json)" "text (--types): not tested"
expect_eq "$(jq -r '.drift_by_columns.x.type_overridden' out.json)" false
mlops drift --reference ref.csv --current cur.csv --types types.yaml --fail-on never >table.txt
grep -Eq '^y +num \(set\)' table.txt || fail "the table does not say y's type was set: $(cat table.txt)"
mlops drift --reference ref.csv --current cur.csv --types types.yaml --format md --fail-on never >out.md
expect_contains out.md '| y | num (set) |'

# Bad files.
printf 'y: numerical\nx: catgorical\n' >bad.yaml
expect_exit 4 mlops drift --reference ref.csv --current cur.csv --types bad.yaml
expect_contains "$TEST_DIR/err" 'bad.yaml:2'
expect_contains "$TEST_DIR/err" 'categorical'
printf -- '- y\n- x\n' >list.yaml
expect_exit 4 mlops drift --reference ref.csv --current cur.csv --types list.yaml
printf '{"y": "numerical",\n "y": "text"}\n' >twice.json
expect_exit 4 mlops drift --reference ref.csv --current cur.csv --types twice.json
expect_contains "$TEST_DIR/err" 'twice.json:2'
printf 'y: [numerical]\n' >nested.yaml
expect_exit 4 mlops drift --reference ref.csv --current cur.csv --types nested.yaml
printf 'y: {\n' >broken.yaml
expect_exit 4 mlops drift --reference ref.csv --current cur.csv --types broken.yaml
expect_exit 3 mlops drift --reference ref.csv --current cur.csv --types nowhere.yaml
printf 'yy: numerical\n' >unknown.yaml
expect_exit 2 mlops drift --reference ref.csv --current cur.csv --types unknown.yaml
expect_contains "$TEST_DIR/err" 'unknown.yaml:1'
expect_exit 4 mlops drift --reference ref.csv --current cur.csv --types /dev/zero
