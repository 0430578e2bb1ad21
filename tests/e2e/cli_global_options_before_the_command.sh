#!/usr/bin/env bash
# Only the command argv names gets its options set up (start-up time); global options in
# front of it must still find it, and every other command must still be listed and reachable.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir sub
expect_exit 0 mlops -C sub --color never -vv --json -q template list
jq -e 'type == "array" and length >= 1' "$TEST_DIR/out" >/dev/null || fail "template list --json did not print an array"
expect_exit 0 mlops -Csub --color=never template show ml-project
expect_contains "$TEST_DIR/out" "ml-project"
# An option of the selected command works; one of another command is refused as unknown.
expect_exit 0 mlops -v template list --json
expect_exit 2 mlops template list --limit 3
expect_contains "$TEST_DIR/err" "--limit"
# The top-level help lists every command of the table, with its summary.
expect_exit 0 mlops --help
for c in init template update exp params metrics check report package model key push pull copy remote drift login logout completion version help; do
  grep -qE "^  $c( |$)" "$TEST_DIR/out" || fail "mlops --help does not list '$c'"
done
# A command's own help still has its options after global options.
expect_exit 0 mlops --color never exp list --help
expect_contains "$TEST_DIR/out" "--limit"
# An unknown command still gets a suggestion from the whole table.
expect_exit 2 mlops --json tempalte list
expect_contains "$TEST_DIR/err" "template"
