#!/usr/bin/env bash
# The scheduled CI loop on a fresh clone with a store of its own: `mlops exp run --pull` runs the
# pipeline as `mlops repro --pull`, so stages computed on another machine come back from the
# default remote's run cache and no command runs, and the run still records the pipeline's
# metrics: `mlops check` gates it. --pull belongs to the pipeline form: with a command it is a
# usage error, nothing recorded.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
printf 'remotes: {shared: {url: "file://%s/remote"}}\ndefault_remote: shared\n' "$TEST_DIR" >>mlops.yaml
printf 'gates:\n  acc: {min: 1}\n' >>mlops.yaml
printf 'runs.log\nprepared.csv\nmodel.bin\nmetrics.json\n' >.gitignore
git add -A && git commit -qm pipeline
expect_exit 0 mlops --json exp run -n here
expect_json "$TEST_DIR/out" '.[0].metrics.acc.last' 1
expect_exit 0 mlops cache push --run-cache
git add mlops.lock && git commit -qm lock

cd .. && git clone -q p q && cd q
export MLOPS_HOME="$TEST_DIR/ci-store"
# Without --pull the fresh store has nothing: the stages would run. With it, none does.
expect_exit 0 mlops --json exp run -n ci --pull
expect_json "$TEST_DIR/out" '.[0].status' completed
expect_json "$TEST_DIR/out" '.[0].metrics.acc.last' 1
expect_contains "$TEST_DIR/err" "restored train"
expect_no_path runs.log
expect_exit 0 mlops check ci
expect_contains "$TEST_DIR/out" "pass"

before=$(git for-each-ref refs/mlops | wc -l)
expect_exit 2 mlops exp run --pull -- true
expect_contains "$TEST_DIR/err" "--pull is for the pipeline form"
expect_exit 2 mlops exp run --pull -n x -- mlops repro
sed -i '/default_remote/d' mlops.yaml
expect_exit 2 mlops exp run --pull
expect_contains "$TEST_DIR/err" "needs a default remote"
expect_eq "$(git for-each-ref refs/mlops | wc -l)" "$before" "refs after refused runs"
