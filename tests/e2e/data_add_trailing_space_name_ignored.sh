#!/usr/bin/env bash
# git drops unescaped trailing spaces of a .gitignore pattern: the entry data add writes for a
# name ending in a space escapes them, so git ignores the data and sees the pointer.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p p/data && cd p && git init -q && printf 'schema: 1\n' >mlops.yaml
echo big >"data/big  "
expect_exit 0 mlops data add "data/big  "
git status --porcelain -uall >"$TEST_DIR/st"
expect_not_contains "$TEST_DIR/st" '"data/big  "'
expect_contains "$TEST_DIR/st" 'data/big  .mlops'
expect_exit 0 mlops data add "data/big  "   # again: the line once
expect_eq "$(wc -l <data/.gitignore)" 1 ".gitignore entry once"
