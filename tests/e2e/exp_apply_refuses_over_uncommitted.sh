#!/usr/bin/env bash
# `mlops exp apply` over uncommitted changes (staged or not) exits 6 and writes nothing; on a clean tree it writes the run's code as uncommitted changes and HEAD stays.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
echo 'echo tuned' >>train.sh
expect_exit 0 mlops exp run -n tuned -S lr=0.5 -- true
tuned_train=$(cat train.sh)
git checkout -q train.sh
head=$(git rev-parse HEAD)

echo "my work" >notes.md
git add notes.md
printf 'lr: 0.3\ndepth: 3\noptimizer: sgd\n' >params.yaml
digest=$(worktree_digest .)
index=$(sha256sum .git/index)
expect_exit 6 mlops exp apply tuned
expect_clean_error
expect_contains "$TEST_DIR/err" "uncommitted changes would be overwritten"
expect_contains "$TEST_DIR/err" "params.yaml"
expect_contains "$TEST_DIR/err" "--force"
expect_eq "$(worktree_digest .)" "$digest" "the worktree after the refused apply"
expect_eq "$(sha256sum .git/index)" "$index" "the index after the refused apply"
[ -z "$(git for-each-ref refs/mlops/backup)" ] || fail "a backup was made without --force"
# Staged only: refused too.
git checkout -q params.yaml
expect_exit 6 mlops exp apply tuned
expect_contains "$TEST_DIR/err" "notes.md"

git reset -q --hard
rm -f notes.md
expect_exit 0 mlops --json exp apply tuned
expect_json "$TEST_DIR/out" '.written | sort | join(" ")' "params.yaml train.sh"
expect_eq "$(cat train.sh)" "$tuned_train" "train.sh after apply"
expect_eq "$(sed -n 's/^lr: //p' params.yaml)" 0.5 "lr after apply"
expect_eq "$(git rev-parse HEAD)" "$head" "HEAD"
expect_eq "$(git --no-optional-locks status --porcelain)" "$(printf ' M params.yaml\n M train.sh')" "status after apply"
expect_exit 3 mlops exp apply nosuch
