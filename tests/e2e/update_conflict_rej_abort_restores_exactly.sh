#!/usr/bin/env bash
# --conflict rej: your file keeps your line (and the template's other changes), the template's
# change is in FILE.rej as a diff; --abort removes the .rej files and restores everything.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
sed -i 's/^line 4$/line 4, from v2/; s/^line 8$/line 8, from v2/' src/files/README.md
commit_template src v2

expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cd proj
sed -i 's/^line 4$/line 4, mine/' README.md
git commit -qam "my edit"
status_before=$(git status --porcelain)
head_before=$(git rev-parse HEAD)
digest_before=$(worktree_digest .)

expect_exit 6 mlops --json update --conflict rej
expect_json "$TEST_DIR/out" '.conflicts | join(",")' README.md
expect_json "$TEST_DIR/out" '.rejects | join(",")' README.md.rej
expect_file README.md.rej
expect_contains README.md.rej "+line 4, from v2"
expect_contains README.md "line 4, mine"
expect_contains README.md "line 8, from v2"
expect_not_contains README.md "<<<<<<<"

expect_exit 0 mlops update --abort
expect_no_path README.md.rej
expect_eq "$(git status --porcelain)" "$status_before" "git status after --abort"
expect_eq "$(git rev-parse HEAD)" "$head_before" "HEAD after --abort"
expect_eq "$(worktree_digest .)" "$digest_before" "every file after --abort"
