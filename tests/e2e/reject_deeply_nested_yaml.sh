#!/usr/bin/env bash
# A manifest or answers file nested deeper than the YAML parser allows exits 4 with an error that says so; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p tpl/files
{ echo "name: deep"; printf 'summary: '; head -c 100000 /dev/zero | tr '\0' '['; echo; } >tpl/mlops-template.yaml
expect_exit 4 mlops template show ./tpl
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops-template.yaml"
expect_contains "$TEST_DIR/err" "nested too deeply"
expect_exit 4 mlops init proj --template ./tpl --defaults
expect_contains "$TEST_DIR/err" "nested too deeply"
expect_no_path proj

{ printf 'project_name: '; for _ in $(seq 3000); do printf '{a: '; done; echo; } >answers.yaml
expect_exit 4 mlops init proj --answers answers.yaml --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "answers.yaml"
expect_contains "$TEST_DIR/err" "nested too deeply"
expect_no_path proj
