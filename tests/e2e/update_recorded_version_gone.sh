#!/usr/bin/env bash
# The commit the project was made from is no longer in the template repository (history
# rewritten): exit 3, naming it, with the way to record the version that fits; nothing changed.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
old=$(git -C src rev-parse v1)
# Rewrite the template's history: v1 now names another commit, the old one is gone.
rm -rf src/.git
echo rewritten >>src/files/notes.txt
commit_template src v1
echo v2 >>src/files/notes.txt
commit_template src v2
git -C src reflog expire --expire=now --all && git -C src gc -q --prune=now
digest=$(tree_digest proj)
expect_exit 3 mlops update proj
expect_clean_error
expect_contains "$TEST_DIR/err" "${old:0:12}"
expect_contains "$TEST_DIR/err" "no longer in"
expect_contains "$TEST_DIR/err" "--adopt"
expect_eq "$(tree_digest proj)" "$digest" "nothing changed"
