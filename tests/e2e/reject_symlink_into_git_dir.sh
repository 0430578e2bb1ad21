#!/usr/bin/env bash
# A template symlink into the project's .git (directly, by another case, or through another link) exits 4; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)
for link in .git/hooks/pre-commit .GIT/config dir/../.git sub/up/.git; do
  rm -rf tpl
  make_template tpl <<'YAML' "README.md=hi" "dir/f=x"
name: git-link
YAML
  mkdir -p tpl/files/sub
  ln -s .. tpl/files/sub/up
  ln -s "$link" tpl/files/hook
  expect_exit 4 mlops init work/proj --template ./tpl --defaults
  expect_clean_error
  expect_contains "$TEST_DIR/err" "files/hook"
  expect_contains "$TEST_DIR/err" "points into .git"
  expect_eq "$(tree_digest work)" "$before" "work/ after a link to $link"
done
