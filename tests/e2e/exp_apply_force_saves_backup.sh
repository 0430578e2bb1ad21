#!/usr/bin/env bash
# `mlops exp apply --force` first saves the uncommitted work (staged, unstaged, untracked) as refs/mlops/backup/<id>, then applies; HEAD does not move.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n r -S depth=8 -- true
head=$(git rev-parse HEAD)
printf 'lr: 0.3\ndepth: 3\noptimizer: adam\n' >params.yaml
echo "staged work" >staged.txt
git add staged.txt
echo "untracked work" >scratch.txt

expect_exit 0 mlops --json exp apply --force r
backup=$(jq -r .backup "$TEST_DIR/out")
[[ $backup == refs/mlops/backup/* ]] || fail "no backup ref reported: '$backup'"
git show-ref --verify -q "$backup" || fail "$backup does not exist"
expect_eq "$(git show "$backup:params.yaml")" "$(printf 'lr: 0.3\ndepth: 3\noptimizer: adam')" "params.yaml in the backup"
expect_eq "$(git show "$backup:staged.txt")" "staged work" "staged.txt in the backup"
expect_eq "$(git show "$backup:scratch.txt")" "untracked work" "scratch.txt in the backup"
expect_eq "$(git rev-parse "$backup^")" "$head" "parent of the backup"
# Applied: the run's params.yaml.
expect_eq "$(cat params.yaml)" "$(printf 'lr: 0.1\ndepth: 8\noptimizer: sgd')" "params.yaml after apply --force"
expect_eq "$(git rev-parse HEAD)" "$head" "HEAD"
expect_eq "$(git symbolic-ref HEAD)" refs/heads/main "branch"
expect_exit 0 mlops exp apply --force r
expect_contains "$TEST_DIR/err" "refs/mlops/backup/"
# The backup brings the work back.
git checkout -q "$backup" -- params.yaml
expect_eq "$(sed -n 's/^optimizer: //p' params.yaml)" adam "params.yaml from the backup"
