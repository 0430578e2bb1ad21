#!/usr/bin/env bash
# Mustache sections nested beyond the limit, also after a set-delimiter tag, exit 4 naming the file; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML'
name: deep-sections
questions:
  - {name: a, type: bool, default: true}
YAML
nest() { # OPEN CLOSE N
  local i
  for ((i = 0; i < $3; i++)); do printf '%s#a%s' "$1" "$2"; done
  printf x
  for ((i = 0; i < $3; i++)); do printf '%s/a%s' "$1" "$2"; done
}
for variant in default set-delimiter; do
  if [ $variant = default ]; then nest '{{' '}}' 5000 >tpl/files/f.txt; else { printf '{{=<%% %%>=}}'; nest '<%' '%>' 5000; } >tpl/files/f.txt; fi
  expect_exit 4 mlops init proj --template ./tpl --defaults --no-git
  expect_clean_error
  expect_contains "$TEST_DIR/err" "files/f.txt"
  expect_contains "$TEST_DIR/err" "sections nested"
  expect_no_path proj
done
