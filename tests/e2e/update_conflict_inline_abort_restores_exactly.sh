#!/usr/bin/env bash
# A line both you and the template changed: markers in the file, the rest staged, no commit,
# exit 6; then --abort puts the tree, index and HEAD back exactly.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
sed -i 's/^line 4$/line 4, from v2/' src/files/README.md
sed -i 's/^step 6$/step 6, from v2/' src/files/guide.txt
echo 'new in v2' >src/files/added.txt
git -C src rm -q files/old.txt
commit_template src v2

expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cd proj
sed -i 's/^line 4$/line 4, mine/' README.md
git commit -qam "my edit"
echo 'untracked, mine' >scratch.txt
status_before=$(git status --porcelain)
head_before=$(git rev-parse HEAD)
digest_before=$(worktree_digest .)
index_before=$(git ls-files -s --debug | grep -v "ctime\|mtime\|dev:\|uid:\|size:" | sha256sum)

expect_exit 6 mlops update
expect_contains "$TEST_DIR/err" "README.md"
expect_contains "$TEST_DIR/err" "mlops update --abort"
expect_contains README.md "<<<<<<< yours"
expect_contains README.md ">>>>>>> template (1.0.0 (v2)"
expect_contains README.md "line 4, mine"
expect_contains README.md "line 4, from v2"
expect_contains guide.txt "step 6, from v2"
expect_file added.txt
expect_no_path old.txt
expect_eq "$(git rev-parse HEAD)" "$head_before" "no commit with conflicts"
git diff --cached --name-only | grep -qx guide.txt || fail "clean changes are not staged"
git diff --cached --name-only | grep -qx README.md && fail "the conflicted file is staged"
# A second update refuses while this one waits.
expect_exit 6 mlops update
expect_clean_error

expect_exit 0 mlops update --abort
expect_eq "$(git status --porcelain)" "$status_before" "git status after --abort"
expect_eq "$(git rev-parse HEAD)" "$head_before" "HEAD after --abort"
expect_eq "$(worktree_digest .)" "$digest_before" "every file after --abort"
expect_eq "$(git ls-files -s --debug | grep -v "ctime\|mtime\|dev:\|uid:\|size:" | sha256sum)" "$index_before" "the index (entries, modes, flags) after --abort"
expect_no_path .git/mlops-update
# Nothing left to abort.
expect_exit 2 mlops update --abort
expect_clean_error
