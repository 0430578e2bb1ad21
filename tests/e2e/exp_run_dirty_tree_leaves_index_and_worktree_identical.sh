#!/usr/bin/env bash
# `mlops exp run` on a tree with staged, unstaged and untracked changes leaves index, status, HEAD, branches and files byte-identical; with -S the snapshot has the override and params.yaml comes back.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
git checkout -q -b feature
echo "staged" >>train.sh
git add train.sh
printf 'lr: 0.1\ndepth: 7  # unstaged edit\noptimizer: sgd\n' >params.yaml
echo "untracked" >notes.txt
git update-index -q --refresh || true  # stat info settled before the bytes are taken

state() {
  sha256sum .git/index
  git --no-optional-locks status --porcelain --untracked-files=all
  git rev-parse HEAD
  git symbolic-ref HEAD
  git for-each-ref --format='%(refname) %(objectname)' refs/heads refs/tags
  worktree_digest .
}
state >"$TEST_DIR/before"
params_before=$(sha256sum params.yaml)
grep -q '^M  train.sh$' "$TEST_DIR/before" || fail "setup: train.sh is not staged"
grep -q '^ M params.yaml$' "$TEST_DIR/before" || fail "setup: params.yaml is not modified"
grep -q '^?? notes.txt$' "$TEST_DIR/before" || fail "setup: notes.txt is not untracked"

expect_exit 0 mlops exp run -n plain -- sh -c 'echo hi'
expect_eq "$(cat "$TEST_DIR/out")" "hi" "the command's output"
state >"$TEST_DIR/after"
diff -u "$TEST_DIR/before" "$TEST_DIR/after" >&2 || fail "exp run changed the index, status, refs or files"
# The snapshot holds what ran: the staged and unstaged edits, not the untracked file.
s=$(exp_field plain .snapshot)
expect_eq "$(exp_field plain .dirty)" true "dirty"
expect_eq "$(exp_field plain .baseline)" "$(git rev-parse HEAD)" "baseline"
expect_eq "$(git rev-parse "$s^")" "$(git rev-parse HEAD)" "parent of the snapshot"
expect_eq "$(git show "$s:params.yaml")" "$(cat params.yaml)" "params.yaml in the snapshot"
expect_eq "$(git show "$s:train.sh")" "$(cat train.sh)" "train.sh in the snapshot"
git cat-file -e "$s:notes.txt" 2>/dev/null && fail "an untracked file went into the snapshot"
expect_eq "$(exp_field plain .params.depth)" 7 "recorded depth"

# -S writes the override for the run only: the command sees it, the snapshot has it, and
# params.yaml is byte-identical afterwards.
expect_exit 0 mlops exp run -n override -S lr=0.025 -t tuned -- sh -c 'grep "^lr:" params.yaml'
expect_eq "$(cat "$TEST_DIR/out")" "lr: 0.025" "params.yaml as the command saw it"
expect_eq "$(sha256sum params.yaml)" "$params_before" "params.yaml after the run"
state >"$TEST_DIR/after"
diff -u "$TEST_DIR/before" "$TEST_DIR/after" >&2 || fail "exp run -S changed the index, status, refs or files"
s=$(exp_field override .snapshot)
expect_eq "$(git show "$s:params.yaml")" "$(printf 'lr: 0.025\ndepth: 7  # unstaged edit\noptimizer: sgd')" "params.yaml in the -S snapshot"
expect_eq "$(exp_field override .dirty)" true "dirty"
expect_eq "$(exp_field override .params.lr)" 0.025 "recorded lr"
expect_eq "$(exp_field override '.tags | join(",")')" tuned "tags"
expect_fsck_clean
