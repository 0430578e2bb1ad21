#!/usr/bin/env bash
# Uncommitted changes (modified or staged) stop an update before anything is written (exit 6).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
echo v2 >>src/files/notes.txt
commit_template src v2
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cd proj
echo "work in progress" >>README.md
digest=$(worktree_digest .)
expect_exit 6 mlops update
expect_clean_error
expect_contains "$TEST_DIR/err" "README.md"
git add README.md
expect_exit 6 mlops update
expect_eq "$(git diff --cached --name-only)" README.md
git reset -q
expect_eq "$(worktree_digest .)" "$digest" "nothing changed"
