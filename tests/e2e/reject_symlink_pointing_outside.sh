#!/usr/bin/env bash
# A template symlink that points outside the project (relative ../.. or absolute) exits 4; no link is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)
for target in ../../etc/passwd /etc/passwd ../../outside ./../../x ../sub/../../x; do
  rm -rf tpl
  make_template tpl <<'YAML' "README.md=hi" "sub/ok.txt=ok"
name: evil-link
YAML
  ln -s "$target" tpl/files/sub/link
  expect_exit 4 mlops init work/proj --template ./tpl --defaults
  expect_clean_error
  expect_contains "$TEST_DIR/err" "files/sub/link"
  expect_contains "$TEST_DIR/err" "points outside the project"
  expect_eq "$(tree_digest work)" "$before" "work/ after a link to $target"
done
