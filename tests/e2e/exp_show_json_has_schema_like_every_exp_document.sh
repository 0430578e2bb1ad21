#!/usr/bin/env bash
# Every --json document of the exp, metrics and params commands carries "schema": 1 (run records in arrays each carry it): exp show like exp list, with or without a filter or --columns, and run, tag, rm, branch, diff, gc, push, pull, metrics show/diff, params diff.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
echo '{"acc": 0.5}' >metrics.json
git add metrics.json
git commit -q -m metrics
schema() { # JQ-PATH-TO-EACH-DOCUMENT CMD...: each document the jq path yields has schema 1
  local path=$1
  shift
  expect_exit 0 mlops --json "$@"
  expect_json "$TEST_DIR/out" "[$path | .schema == 1] | all and length > 0" true
}
schema '.[]' exp run -n r1 -- sh -c 'echo "{\"acc\": 0.7}" > metrics.json'
schema '.[]' exp run -n r2 -S lr=0.3 -- true
schema . exp show r1
schema '.[]' exp list
schema '.[]' exp list --all
schema '.[]' exp list --filter 'metrics.acc > 0.6'
schema '.[]' exp list --sort name
schema '.[]' exp list --columns name,acc
expect_json "$TEST_DIR/out" '.[0] | keys | join(",")' "metrics.acc,name,schema"
schema . exp tag r1 best
schema . exp diff r1 r2
schema . exp diff r1
schema . exp branch r1 from-r1
schema . exp gc
schema . metrics show
schema . metrics diff
schema . params diff
git init -q --bare "$TEST_DIR/remote.git"
schema . exp push "$TEST_DIR/remote.git"
schema . exp pull "$TEST_DIR/remote.git"
schema . exp rm r2
# The run record is the same document in show and list.
expect_exit 0 mlops --json exp show r1
show=$(jq -S 'del(.status)' "$TEST_DIR/out")
expect_exit 0 mlops --json exp list --filter 'name = r1'
expect_eq "$(jq -S '.[0] | del(.status)' "$TEST_DIR/out")" "$show" "exp show and exp list records"
