#!/usr/bin/env bash
# A manifest string holding a terminal control character (escape, carriage return, ...) exits 4 naming the key; tabs and line breaks are fine.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

for entry in 'description: "ok\e[1A\e[2Khidden"' 'summary: "a\rb"' 'message_after: "\x07"' \
  'hooks: {post_generate: ["make setup\rrm -rf ~"]}' 'questions: [{name: x, prompt: "\e]0;title\a"}]'; do
  rm -rf tpl
  make_template tpl <<YAML "README.md=hi"
name: ctl
$entry
YAML
  expect_exit 4 mlops template show ./tpl
  expect_clean_error
  expect_contains "$TEST_DIR/err" "control character"
  expect_exit 4 mlops init proj --template ./tpl --defaults --trust
  expect_no_path proj
done

rm -rf tpl
make_template tpl <<'YAML' "README.md=hi"
name: fine
description: "tab\there\r\nand a line break"
YAML
expect_exit 0 mlops template show ./tpl
