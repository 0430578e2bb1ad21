#!/usr/bin/env bash
# `mlops exp list --filter` evaluates and/or/not, parentheses, tag:NAME and compares numbers as numbers (depth >= 10 keeps 10, not 9).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
run() { # NAME LR DEPTH ACC [TAG]
  expect_exit 0 mlops exp run -n "$1" -S "lr=$2" -S "depth=$3" ${5:+-t "$5"} -- sh -c "echo '{\"acc\": $4}' > metrics.json"
}
run r1 0.1 9 0.5
run r2 0.01 10 0.8 best
run r3 5e-05 100 0.9
run r4 0.001 2 0.7 best
sel() { mlops --json exp list --filter "$1" | jq -r '[.[].name] | sort | join(" ")'; }
expect_eq "$(sel 'params.depth >= 10')" "r2 r3" "depth >= 10"
expect_eq "$(sel 'params.lr <= 0.01')" "r2 r3 r4" "lr <= 0.01 (5e-05 is a number)"
expect_eq "$(sel 'params.lr < 1e-3')" "r3" "lr < 1e-3"
expect_eq "$(sel 'metrics.acc > 0.75 and tag:best')" "r2" "and with a tag"
expect_eq "$(sel 'tag:best or metrics.acc >= 0.9')" "r2 r3 r4" "or"
expect_eq "$(sel 'not tag:best')" "r1 r3" "not"
expect_eq "$(sel 'metrics.acc > 0.6 and (params.depth < 5 or params.depth > 50)')" "r3 r4" "parentheses"
expect_eq "$(sel '(metrics.acc > 0.6 and params.depth < 5) or params.depth > 50')" "r3 r4" "other grouping"
expect_eq "$(sel 'metrics.acc > 0.6 and not (tag:best)')" "r3" "not with parentheses"
expect_eq "$(sel 'name = r1 OR name = "r4"')" "r1 r4" "keywords in capitals, quoted strings"
expect_eq "$(sel 'params.optimizer = sgd and status = completed')" "r1 r2 r3 r4" "string equality"
expect_eq "$(sel 'name ~ 3')" "r3" "contains"
expect_eq "$(sel 'params.nosuch > 1')" "" "a missing field matches nothing"
expect_eq "$(sel 'metrics.acc.max >= 0.8 and metrics.acc.count = 1')" "r2 r3" "metric parts"
