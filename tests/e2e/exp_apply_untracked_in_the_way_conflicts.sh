#!/usr/bin/env bash
# An untracked file where the run's snapshot has a file is a conflict for `mlops exp apply` (exit 6, nothing written); --force saves it and applies.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
echo "from the run" >model.py
expect_exit 0 mlops exp run -n with-model --include-untracked -- true
snap=$(exp_field with-model .snapshot)
expect_eq "$(git show "$snap:model.py")" "from the run" "model.py in the snapshot"
echo "mine, untracked" >model.py
echo "extra" >>train.sh
git stash -q  # a clean tracked tree; model.py stays untracked
head=$(git rev-parse HEAD)
digest=$(worktree_digest .)
expect_exit 6 mlops exp apply with-model
expect_clean_error
expect_contains "$TEST_DIR/err" "model.py"
expect_eq "$(worktree_digest .)" "$digest" "the worktree after the refused apply"
expect_eq "$(cat model.py)" "mine, untracked" "model.py after the refused apply"

expect_exit 0 mlops --json exp apply --force with-model
backup=$(jq -r .backup "$TEST_DIR/out")
expect_eq "$(git show "$backup:model.py")" "mine, untracked" "model.py in the backup"
expect_eq "$(cat model.py)" "from the run" "model.py after apply --force"
expect_eq "$(git rev-parse HEAD)" "$head" "HEAD"
