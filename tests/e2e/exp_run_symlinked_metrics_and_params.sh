#!/usr/bin/env bash
# A metrics.json that is a symlink to the file the command writes is recorded when written (and not when stale); -S on a params file that is a symlink is refused (exit 2) instead of replacing the link with a file.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
mkdir results conf
git mv params.yaml conf/params.yaml
ln -s conf/params.yaml params.yaml
ln -s results/metrics.json metrics.json
git add -A
git commit -q -m links
echo '{"acc": 0.1}' >results/metrics.json
expect_exit 0 mlops exp run -n stale -- true
expect_json <(mlops --json exp show stale) '.metrics | length' 0
expect_exit 0 mlops exp run -n writes -- sh -c 'echo "{\"acc\": 0.8}" >results/metrics.json'
expect_json <(mlops --json exp show writes) .metrics.acc.last 0.8

expect_exit 2 mlops exp run -S lr=0.5 -- true
expect_clean_error
expect_contains "$TEST_DIR/err" "symlink"
[ -L params.yaml ] || fail "params.yaml is no longer a symlink"
expect_exit 0 mlops exp run -n through -S conf/params.yaml:lr=0.5 -- sh -c 'grep "lr: 0.5" params.yaml'
[ -L params.yaml ] || fail "params.yaml is no longer a symlink"
expect_eq "$(git status --porcelain)" "?? results/" "status after the runs"
