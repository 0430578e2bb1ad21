#!/usr/bin/env bash
# An unknown option is named first, with the closest option of the command it was given to (global ones included) and that command's --help.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

check() { # WORDS... -- OPTION SUGGESTION COMMAND
  local args=()
  while [ "$1" != -- ]; do args+=("$1"); shift; done
  expect_exit 2 mlops "${args[@]}"
  expect_clean_error
  grep -q "^mlops: error: unknown option '$2'" "$TEST_DIR/err" || { cat "$TEST_DIR/err" >&2; fail "mlops ${args[*]}: the error does not start with the option"; }
  if [ -n "$3" ]; then expect_contains "$TEST_DIR/err" "did you mean '$3'?"; fi
  expect_contains "$TEST_DIR/err" "'$4 --help'"
  expect_not_contains "$TEST_DIR/err" "not expected"
}
check exp list --lmit 3 -- --lmit --limit "mlops exp list"
check exp list --lmit=3 -- --lmit --limit "mlops exp list"
check exp list --jsn -- --jsn --json "mlops exp list"
check init --tempalte x demo -- --tempalte --template "mlops init"
check package build --compresion zstd -- --compresion --compression "mlops package build"
check package verify x --kye k -- --kye --key "mlops package verify"
check --jsn template list -- --jsn --json "mlops"
check template list -x -- -x "" "mlops template list"
expect_no_path demo
