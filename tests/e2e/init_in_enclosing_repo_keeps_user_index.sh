#!/usr/bin/env bash
# In an enclosing repository the project is committed on top of HEAD; the user's staged change stays staged and out of that commit.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

git init -q mono
echo "v1" >mono/notes.txt
echo "other" >mono/other.txt
git -C mono add notes.txt other.txt
git -C mono commit -q -m "base"
base=$(git -C mono rev-parse HEAD)
branch=$(git -C mono symbolic-ref HEAD)
echo "v2 staged" >mono/notes.txt
git -C mono add notes.txt
echo "unstaged" >>mono/other.txt

expect_exit 0 mlops --json init mono/services/churn --defaults
expect_json "$TEST_DIR/out" '.git.mode' enclosing
new=$(git -C mono rev-parse HEAD)
expect_json "$TEST_DIR/out" '.git.commit' "$new"
expect_no_path mono/services/churn/.git

# HEAD moved by exactly one commit, on the same branch, on top of the old HEAD.
expect_eq "$(git -C mono symbolic-ref HEAD)" "$branch" "branch"
expect_eq "$(git -C mono rev-parse HEAD~1)" "$base" "parent of the new commit"
expect_eq "$(git -C mono rev-list --count "$base..HEAD")" 1 "commits added"
# The commit adds the project and nothing else.
git -C mono diff-tree --no-commit-id --name-only -r HEAD >"$TEST_DIR/changed"
[ -s "$TEST_DIR/changed" ] || fail "the commit changes nothing"
if grep -v '^services/churn/' "$TEST_DIR/changed"; then fail "the commit touches files outside the project"; fi
grep -qx 'services/churn/mlops.yaml' "$TEST_DIR/changed" || fail "mlops.yaml not in the commit"
grep -qx 'services/churn/.mlops/answers.yaml' "$TEST_DIR/changed" || fail ".mlops/answers.yaml not in the commit"
expect_eq "$(git -C mono show HEAD:notes.txt)" "v1" "notes.txt in the new commit"
# The user's staged change is still staged, the unstaged one still unstaged, the project clean.
expect_eq "$(git -C mono diff --cached --name-only)" "notes.txt" "staged files"
expect_eq "$(git -C mono show :notes.txt)" "v2 staged" "staged content of notes.txt"
expect_eq "$(git -C mono status --porcelain --untracked-files=all)" "$(printf 'M  notes.txt\n M other.txt')" "status"
