#!/usr/bin/env bash
# Your edits in other lines than the template's change are merged with it, in one commit.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
sed -i 's/^line 7$/line 7, from v2/' src/files/README.md
commit_template src v2

expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cd proj
sed -i 's/^line 2$/line 2, mine/' README.md
git commit -qam "my edit"
expect_exit 0 mlops --json update
expect_json "$TEST_DIR/out" '.updated | join(",")' README.md
expect_json "$TEST_DIR/out" '.conflicts | length' 0
expect_contains README.md "line 2, mine"
expect_contains README.md "line 7, from v2"
expect_eq "$(git status --porcelain)" "" "committed"
git show --stat HEAD | grep -q README.md || fail "README.md not in the update commit"
