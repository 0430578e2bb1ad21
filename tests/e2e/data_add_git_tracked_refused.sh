#!/usr/bin/env bash
# data add of a file (or a directory) git already tracks is refused with exit 2 and the
# command that untracks it: else git would keep tracking the bytes beside the pointer. Once
# untracked (git rm --cached), the same data add works; a project below the repository's
# root is checked against the index too.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p repo/proj/data && cd repo && git init -q
cd proj && printf 'schema: 1\n' >mlops.yaml
echo rows >data.csv && echo a >data/a && echo b >data/b && echo old >raw.csv.old && echo new >raw.csv
git add data.csv data/a raw.csv.old && git commit -qm data

expect_exit 2 mlops data add data.csv
expect_clean_error
expect_contains "$TEST_DIR/err" "git rm --cached data.csv"
expect_no_path data.csv.mlops
expect_exit 2 mlops data add data
expect_contains "$TEST_DIR/err" "git rm -r --cached data"
expect_no_path data.mlops

git rm -q --cached data.csv
expect_exit 0 mlops data add data.csv
expect_file data.csv.mlops
expect_exit 0 mlops data add raw.csv   # a tracked name it begins (raw.csv.old) is not it
