#!/usr/bin/env bash
# A file you deleted stays deleted, even when the template changed it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
echo 'notes, v2' >src/files/notes.txt
sed -i 's/^line 3$/line 3, from v2/' src/files/README.md
commit_template src v2

expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cd proj
git rm -q notes.txt
git commit -qm "no notes"
expect_exit 0 mlops --json update
expect_json "$TEST_DIR/out" '.kept_deleted | join(",")' notes.txt
expect_no_path notes.txt
expect_contains README.md "line 3, from v2"
expect_eq "$(git status --porcelain)" "" "committed"
