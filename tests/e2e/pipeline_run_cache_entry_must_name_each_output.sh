#!/usr/bin/env bash
# A run-cache entry (the store may be shared, or damaged) that names one output twice and
# another not at all is not used: the command runs, and mlops.lock names every output.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
entry=$(grep -l metrics.json "$MLOPS_HOME"/mlops/runs/*/*)
[[ -f $entry ]] || fail "no run-cache entry for train"
jq -c '(.outs | map(select(.path != "metrics.json"))[0]) as $m | .outs = [$m, $m]' "$entry" >entry.tmp && mv entry.tmp "$entry"
grep -q metrics.json "$entry" && fail "the entry still names metrics.json"
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml
expect_exit 0 mlops repro
sed -i 's/lr: 0.2/lr: 0.1/' params.yaml
mark=$(wc -l <runs.log)
expect_exit 0 mlops repro
expect_eq "$(runs_since "$mark")" "train" "train ran"
expect_contains mlops.lock "path: metrics.json"
