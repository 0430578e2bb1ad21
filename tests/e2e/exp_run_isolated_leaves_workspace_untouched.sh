#!/usr/bin/env bash
# `mlops exp run --isolated` runs one point in a temporary worktree: what the command writes stays out of the workspace, -S is seen by the command only, and the worktree is removed.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
echo "local edit" >>train.sh
digest=$(worktree_digest .)
expect_exit 0 mlops --json exp run -n iso --isolated -S lr=0.5 -- sh -c 'sed -n "s/^lr: //p" params.yaml; tail -n 1 train.sh; echo made >new-file; echo "{\"acc\": 1}" >metrics.json; pwd -P >&2'
expect_json "$TEST_DIR/out" '.[0].status' completed
expect_json "$TEST_DIR/out" '.[0].sweep' null
expect_json "$TEST_DIR/out" '.[0].params.lr' 0.5
expect_json "$TEST_DIR/out" '.[0].metrics.acc.last == 1' true
expect_eq "$(grep -v '^mlops: ' "$TEST_DIR/err" | sed -n 1,2p)" "$(printf '0.5\nlocal edit')" "what the command read (its stdout, on stderr with --json)"
expect_contains "$TEST_DIR/err" "$(pwd -P)/.git/mlops/worktrees/"
expect_eq "$(worktree_digest .)" "$digest" "the workspace after an isolated run"
expect_no_path new-file
[ -z "$(ls -A .git/mlops/worktrees 2>/dev/null)" ] || fail "worktrees left: $(ls .git/mlops/worktrees)"
s=$(jq -r '.[0].snapshot' "$TEST_DIR/out")
expect_eq "$(git show "$s:train.sh" | tail -n 1)" "local edit" "train.sh in the snapshot"
expect_eq "$(git show "$s:params.yaml" | sed -n 's/^lr: //p')" 0.5 "lr in the snapshot"
git cat-file -e "$s:new-file" 2>/dev/null && fail "a file the command wrote is in the snapshot"
exit 0
