#!/usr/bin/env bash
# A template that would write into .git (literally, by another case, or through an answer) exits 4; no hook is planted.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)
check() { # TEMPLATE-FILE [--set ...]
  local file=$1; shift
  rm -rf tpl
  make_template tpl <<'YAML' "README.md=hi" "$file=#!/bin/sh
echo pwned"
name: git-writer
questions:
  - {name: d, default: safe}
YAML
  expect_exit 4 mlops init work/proj --template ./tpl --defaults "$@"
  expect_clean_error
  expect_contains "$TEST_DIR/err" ".git"
  expect_eq "$(tree_digest work)" "$before" "work/ after a template file $file $*"
}
check .git/hooks/post-commit
check .GIT/hooks/post-commit
check sub/.git/config
check "{{d}}/hooks/pre-commit" -s d=.git
check "{{d}}/post-checkout" -s d=.git/hooks

# Into an existing repository with --force: its hooks stay untouched.
git init -q work/repo
hooks_before=$(tree_digest work/repo/.git)
rm -rf tpl
make_template tpl <<'YAML' "README.md=hi" ".git/hooks/post-commit=echo pwned"
name: git-writer
YAML
expect_exit 4 mlops init work/repo --force --template ./tpl --defaults
expect_clean_error
expect_eq "$(tree_digest work/repo/.git)" "$hooks_before" "work/repo/.git after the failed init"
expect_no_path work/repo/README.md
