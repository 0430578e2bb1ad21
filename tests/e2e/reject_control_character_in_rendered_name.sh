#!/usr/bin/env bash
# An answer that puts a control character (newline, tab, NUL, DEL, or the \x01 used to mark separators) into a file name exits 4; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "{{x}}.txt=content {{x}}" "dir/{{#x}}{{x}}{{/x}}/f=nested"
name: ctl-names
questions:
  - {name: x, default: ok}
YAML
mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)
check() { # what, then the init options
  local what=$1; shift
  expect_exit 4 mlops init work/proj --template ./tpl --defaults --no-git "$@"
  expect_clean_error
  expect_contains "$TEST_DIR/err" "control character"
  expect_eq "$(tree_digest work)" "$before" "work/ after $what"
}
check newline -s $'x=a\nb'
check "the separator marker" -s $'x=a\x01b'
check tab -s $'x=a\tb'
check DEL -s $'x=a\x7fb'
printf 'x: "a\\0b"\n' >answers.yaml
check "NUL from an answers file" --answers answers.yaml

# In file content they are fine.
make_template tpl2 <<'YAML' "README.md=[{{x}}]"
name: ctl-content
questions:
  - {name: x, default: ok}
YAML
expect_exit 0 mlops init work/proj --template ./tpl2 --defaults --no-git -s $'x=a\nb'
expect_eq "$(cat work/proj/README.md)" $'[a\nb]' "README.md"
