#!/usr/bin/env bash
# A --set value that fails validation (regex, int range, not an int, unknown choice) is a usage error (exit 2, like an unknown key) naming the question; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md={{slug}} {{epochs}} {{color}}"
name: validated
questions:
  - name: slug
    default: abc
    validate: {regex: '^[a-z]+$', message: "lowercase letters only"}
  - name: epochs
    type: int
    default: 5
    validate: {min: 1, max: 10}
  - name: color
    type: choice
    choices: [red, green]
    default: red
YAML
mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)

check_rejected() { # ASSIGNMENT QUESTION TEXT
  expect_exit 2 mlops init work/proj --template ./tpl --defaults -s "$1"
  expect_clean_error
  expect_contains "$TEST_DIR/err" "$2"
  expect_contains "$TEST_DIR/err" "$3"
  expect_eq "$(tree_digest work)" "$before" "work/ after -s $1"
}
check_rejected slug=ABC slug "lowercase letters only"
check_rejected epochs=11 epochs "out of range"
check_rejected epochs=0 epochs "out of range"
check_rejected epochs=many epochs "not an integer"
check_rejected color=blue color "not one of: red, green"

expect_exit 0 mlops init work/proj --template ./tpl --defaults -s slug=ok -s epochs=10 -s color=green
expect_eq "$(cat work/proj/README.md)" "ok 10 green" "README.md"
