#!/usr/bin/env bash
# The template removes a file you never changed (it goes) and one you changed (it stays), and
# renames one you edited: your edit follows it to the new name (git's rename detection).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
git -C src rm -q files/old.txt files/notes.txt
mkdir -p src/files/docs
git -C src mv files/guide.txt files/docs/GUIDE.txt
commit_template src v2

expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cd proj
echo 'my own note' >>notes.txt
sed -i 's/^step 2$/step 2, mine/' guide.txt
git commit -qam "my edits"
expect_exit 0 mlops --json update
expect_json "$TEST_DIR/out" '.removed | join(",")' old.txt
expect_json "$TEST_DIR/out" '.kept_changed | join(",")' notes.txt
expect_json "$TEST_DIR/out" '.renamed[0].from + " " + .renamed[0].to' "guide.txt docs/GUIDE.txt"
expect_no_path old.txt
expect_no_path guide.txt
expect_contains notes.txt "my own note"
expect_contains docs/GUIDE.txt "step 2, mine"
expect_eq "$(git status --porcelain)" "" "committed"
