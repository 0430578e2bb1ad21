#!/usr/bin/env bash
# Every kind of command-line error (bad value, value out of range or not a choice, missing value, missing argument or option, repeated option, extra argument) is one line naming the option and the expected form, exit 2, never the parser's own words.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

raw=("Could not convert" "At Most" "At least" "is required" "excludes" "requires" "not expected" "required but received"
  "not in range" "not in {" " missing" "Should be true/false" "too many inputs" "subcommand")
check() { # WORDS... :: TEXT... (each TEXT must be in the error; the first line names the command's help)
  local args=()
  while [ "$1" != :: ]; do args+=("$1"); shift; done
  shift
  expect_exit 2 mlops "${args[@]}"
  expect_clean_error
  local t
  for t in "$@"; do expect_contains "$TEST_DIR/err" "$t"; done
  for t in "${raw[@]}"; do expect_not_contains "$TEST_DIR/err" "$t"; done
}
# ConversionError
check exp list --limit abc :: "invalid value 'abc' for --limit" "a whole number" "'mlops exp list --help'"
check exp log --step x :: "invalid value 'x' for --step" "a whole number"
check exp list --all=maybe :: "--all" "takes no value"
# ValidationError: a choice, a range, a positional choice, a global option
check package build --compression foo :: "invalid value 'foo' for --compression" "none, gzip or zstd" "'mlops package build --help'"
check exp run -j 0 -- true :: "invalid value '0' for --jobs" "1 to 256" "'mlops exp run --help'"
check package build -j abc :: "invalid value 'abc' for --jobs" "1 to 256"
check completion tcsh :: "invalid value 'tcsh' for SHELL" "bash, zsh or fish"
check --color sometimes template list :: "invalid value 'sometimes' for --color" "auto, always or never" "'mlops --help'"
# ArgumentMismatch: a missing value, a repeated single-value option
check exp list --limit :: "--limit needs a value" "N" "'mlops exp list --help'"
check -C :: "-C needs a value" "DIR"
check init --template a --template b demo :: "--template" "more than once"
# RequiredError: a positional, an option
check exp show :: "'mlops exp show' needs RUN" "'mlops exp show --help'"
check package sign x :: "'mlops package sign' needs --key" "'mlops package sign --help'"
# ExtrasError: an argument no command takes
check template list extra :: "unexpected argument 'extra'" "'mlops template list --help'"
check init a b :: "unexpected argument 'b'" "usage: mlops init [OPTIONS] [DIR]"
expect_no_path a
expect_no_path demo
