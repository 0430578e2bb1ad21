#!/usr/bin/env bash
# Declared outputs and `exp log --artifact` files are the run's artifacts only when the run wrote them: an earlier model left in models/ is not recorded (nor kept by an isolated run); a named artifact the run did not write gets a warning.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'params: [params.yaml]\nmetrics: [metrics.json]\noutputs: [models/]\n' >mlops.yaml
printf 'models/\n' >.gitignore
git add -A
git commit -q -m outputs
mkdir -p models
echo old >models/old.bin
echo data >data.csv

expect_exit 0 mlops exp run -n nothing -- true
expect_json <(mlops --json exp show nothing) '.artifacts | length' 0

expect_exit 0 mlops exp run -n writes -- sh -c 'echo new >models/new.bin'
expect_json <(mlops --json exp show writes) '[.artifacts[].path] | join(" ")' models/new.bin

expect_exit 0 mlops exp run -n names-old -- sh -c "$MLOPS exp log --artifact data.csv --artifact models/old.bin"
mlops --json exp show names-old >"$TEST_DIR/show"
expect_json "$TEST_DIR/show" '.artifacts | length' 0
expect_json "$TEST_DIR/show" '.warnings | map(select(test("data.csv was not written by this run"))) | length' 1
expect_json "$TEST_DIR/show" '.warnings | map(select(test("models/old.bin was not written by this run"))) | length' 1

expect_exit 0 mlops exp run -n names-new -- sh -c "echo x >out.txt; $MLOPS exp log --artifact out.txt"
expect_json <(mlops --json exp show names-new) '[.artifacts[].path] | join(" ")' out.txt

# An isolated run keeps only what it wrote, even from a checkout made just before it started.
git add -f models/old.bin
git commit -q -m 'track a model'
expect_exit 0 mlops exp run --isolated -n iso -- sh -c 'echo iso >models/iso.bin'
expect_json <(mlops --json exp show iso) '[.artifacts[] | "\(.path) \(.kept)"] | join(",")' "models/iso.bin true"
