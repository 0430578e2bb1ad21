#!/usr/bin/env bash
# `mlops check --against` compares with a baseline run or revision: max_drop (absolute) and max_drop_pct (relative) regressions fail; a revision with no metrics is explained (exit 3), never a pass or a gate failure.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'gates:\n  metrics.accuracy: {max_drop: 0.01}\n  metrics.loss: {max_rise_pct: 10}\n' >>mlops.yaml
git commit -qam gates
# A commit no run is based on, without metrics.json.
git branch nometrics "$(git commit-tree 'HEAD^{tree}' -m 'no metrics')"
expect_exit 0 mlops exp run -n base -- sh -c 'echo "{\"accuracy\": 0.90, \"loss\": 0.20}" > metrics.json'
git add metrics.json && git commit -qm 'metrics on main'
expect_exit 0 mlops exp run -n same -- sh -c 'echo "{\"accuracy\": 0.895, \"loss\": 0.21}" > metrics.json'
expect_exit 0 mlops check same --against base
expect_exit 0 mlops --json check same --against base
expect_json "$TEST_DIR/out" '.baseline.label' base
expect_json "$TEST_DIR/out" '.gates[] | select(.field == "metrics.loss") | .baseline' 0.2
expect_exit 0 mlops exp run -n worse -- sh -c 'echo "{\"accuracy\": 0.85, \"loss\": 0.25}" > metrics.json'
expect_exit 1 mlops --json check worse --against base
expect_json "$TEST_DIR/out" '[.gates[] | select(.status == "fail") | .field] | join(",")' "metrics.accuracy,metrics.loss"
# A revision: its metrics files (main has metrics.json committed).
expect_exit 1 mlops check worse --against main
expect_exit 0 mlops check same --against main
# Without --against a baseline gate cannot be judged: it is skipped and says so.
expect_exit 0 mlops --json check worse
expect_json "$TEST_DIR/out" '.gates[0].status' skip
expect_json "$TEST_DIR/out" '.gates[0].reason | test("--against")' true
# A revision with neither runs nor metrics files: explained.
expect_exit 3 mlops check worse --against nometrics
expect_clean_error
expect_contains "$TEST_DIR/err" "nometrics"
expect_contains "$TEST_DIR/err" "no metrics"
