#!/usr/bin/env bash
# `mlops exp list` shows runs based on HEAD's last 50 commits; a run 50 commits back is hidden until --all; a run on another branch is hidden too.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n old -- true
git checkout -q -b side
git commit -q --allow-empty -m side
expect_exit 0 mlops exp run -n on-side -- true
git checkout -q main
names() { mlops --json exp list "$@" | jq -r '[.[].name] | sort | join(" ")'; }
expect_eq "$(names)" "old" "runs listed on main"
expect_eq "$(names --all)" "old on-side" "runs listed with --all"
# 49 commits on top: the baseline is HEAD~49, the 50th commit of HEAD's history.
for i in $(seq 49); do git commit -q --allow-empty -m "c$i"; done
expect_eq "$(names)" "old" "runs listed 49 commits later"
expect_eq "$(mlops exp list --filter 'name = old' | tail -n +2 | awk '{print $2}')" "old" "table 49 commits later"
git commit -q --allow-empty -m c50
expect_eq "$(names)" "" "runs listed 50 commits later"
expect_eq "$(names --all)" "old on-side" "runs listed with --all 50 commits later"
expect_exit 0 mlops exp list
expect_contains "$TEST_DIR/err" "--all"
expect_exit 0 mlops exp list --csv
expect_eq "$(wc -l <"$TEST_DIR/out")" 1 "lines of CSV without runs (the header)"
# show, diff and friends are not scoped.
expect_exit 0 mlops exp show old
