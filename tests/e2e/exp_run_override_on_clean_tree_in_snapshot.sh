#!/usr/bin/env bash
# On a clean working tree, `-S` still puts the overridden params.yaml into the snapshot (mlops writes it after it has looked at the tree), and the run's params are the override.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
git status --porcelain >/dev/null  # a refreshed index, as in a user's shell
expect_exit 0 mlops exp run -n clean -S lr=0.3 -- true
s=$(exp_field clean .snapshot)
expect_eq "$(git show "$s:params.yaml")" "$(printf 'lr: 0.3\ndepth: 3\noptimizer: sgd')" "params.yaml in the snapshot"
expect_eq "$(exp_field clean .params.lr)" 0.3 "recorded lr"
expect_eq "$(git status --porcelain)" "" "the working tree after the run"
expect_exit 0 mlops exp run -n plain -- true
expect_eq "$(exp_field plain .snapshot)" "$(git rev-parse HEAD)" "snapshot of the clean tree without -S"
