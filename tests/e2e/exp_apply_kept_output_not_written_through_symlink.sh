#!/usr/bin/env bash
# A run record whose kept output's path is inside the project by its letters but goes through a symlink of the run's snapshot that leads outside ('evil -> ..', output 'evil/outside.txt') is refused by `exp apply` with exit 4, and nothing is written (or created) outside the project.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

git init -q -b main repo
cd repo
printf 'seed: 0\n' >params.yaml
printf 'params: [params.yaml]\noutputs: [out.txt]\n' >mlops.yaml
ln -s .. evil
git add -A
git commit -q -m base
expect_exit 0 mlops exp run --isolated -n iso -- sh -c 'echo payload >out.txt'
id=$(exp_field iso .id)
c=$(git rev-parse "refs/mlops/exps/$id")
for p in evil/outside.txt evil/made/deep/outside.txt; do
  art=$(git show "$c:artifacts.json" | jq -c --arg p "$p" '.[0].path = $p' | git hash-object -w --stdin)
  tree=$(git ls-tree "$c" | sed "s/[0-9a-f]\{40\}\tartifacts.json\$/$art\tartifacts.json/" | git mktree)
  forged=$(git commit-tree "$tree" -p "$c" -m "$(git log -1 --format=%B "$c")")
  git update-ref "refs/mlops/exps/$id" "$forged"

  expect_exit 4 mlops exp apply "$id"
  expect_clean_error
  expect_contains "$TEST_DIR/err" "$p"
  expect_no_path ../outside.txt
  expect_no_path ../made
  expect_eq "$(git status --porcelain)" "" "workspace after the refused apply"
done
