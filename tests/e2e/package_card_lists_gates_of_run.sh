#!/usr/bin/env bash
# A package built --from-exp a run, in a project whose mlops.yaml has gates:, has a model card that lists each gate with the run's value and whether it passed or failed (a baseline condition: not checked, and why); without gates: no such section; a broken gates: section warns and builds.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_package_project proj
cd proj
printf 'lr: 0.1\n' >params.yaml
sed -i 's/^schema: 1/schema: 1\nparams: [params.yaml]\nmetrics: [metrics.json]/' mlops.yaml
printf 'metrics.json\n' >.gitignore
git add -A && git commit -q -m params
expect_exit 0 mlops exp run -n best -- sh -c 'echo "{\"acc\": 0.93, \"loss\": 0.4}" > metrics.json'
card_of() { # the model card of the package whose build --json is in $TEST_DIR/out
  local m
  m=$(store_blob "$(jq -r .digest "$TEST_DIR/out")")
  store_blob "$(jq -r '.layers[] | select(.annotations["org.cncf.model.filepath"] == "MODEL_CARD.md") | .digest' "$m")"
}

# No gates: no section.
expect_exit 0 mlops --json package build --from-exp best -t demo:nogates
expect_not_contains "$(card_of)" "### Gates"

printf 'gates:\n  metrics.acc: {min: 0.9, max_drop: 0.01}\n  loss: {max: 0.3}\n' >>mlops.yaml
git commit -qam gates
expect_exit 0 mlops --json package build --from-exp best -t demo:gated
card=$(card_of)
expect_contains "$card" "### Gates"
expect_contains "$card" "1 passed, 1 failed"
expect_contains "$card" "| metrics.acc | >= 0.9 | 0.93 | passed |"
expect_contains "$card" "| metrics.loss | <= 0.3 | 0.4 | failed |"
expect_contains "$card" "| metrics.acc | drop <= 0.01 | 0.93 | not checked: compares with a baseline"

# Not built from a run: no gates section.
expect_exit 0 mlops --json package build -t demo:norun
expect_not_contains "$(card_of)" "### Gates"

# A gates: section mlops check refuses: the build warns and goes on, the card says so.
printf '  metrics.nosuch: {min: 1}\n' >>mlops.yaml
git commit -qam 'bad gate'
expect_exit 0 mlops --json package build --from-exp best -t demo:badgate
expect_contains "$TEST_DIR/err" "warning"
expect_contains "$TEST_DIR/err" "nosuch"
expect_contains "$(card_of)" "Not checked when the package was built: unknown metric"
