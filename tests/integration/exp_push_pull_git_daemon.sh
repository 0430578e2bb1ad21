#!/usr/bin/env bash
# Runs pushed to a git daemon and pulled into a clone list the same ids, names, statuses, metrics and tags; a push of a run tagged on both sides is rejected (exit 1) until a pull merges the tags.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"

use_test_server GIT_DAEMON

daemon_repo exps

exp_repo a
cd a
timeout 60 git push -q "$url" main
expect_exit 0 mlops exp run -n r1 -- sh -c 'echo "{\"acc\": 0.5}" > metrics.json'
expect_exit 0 mlops exp run -n r2 -S lr=0.2 -t best -- sh -c 'echo "{\"acc\": 0.75}" > metrics.json'
expect_exit 3 mlops exp run -n r3 -- sh -c 'exit 3'
listing() { mlops --json exp list --all | jq -c 'map({id, name, status, exit_code, metrics, tags, params, snapshot}) | sort_by(.id)'; }

expect_exit 0 mlops --json exp push "$url"
expect_json "$TEST_DIR/out" '.updated | length' 3
expect_json "$TEST_DIR/out" '.rejected | length' 0
expect_eq "$(git -C "$bare" for-each-ref refs/mlops/exps | wc -l)" 3 "run refs on the server"
expect_eq "$(git -C "$bare" for-each-ref --format='%(refname) %(objectname)' refs/mlops/exps)" \
  "$(git for-each-ref --format='%(refname) %(objectname)' refs/mlops/exps)" "refs on the server"
(cd "$bare" && expect_fsck_clean)
expect_exit 0 mlops exp push "$url"
expect_contains "$TEST_DIR/err" "pushed 0 runs (3 already up to date)"

cd "$TEST_DIR"
timeout 60 git clone -q "$url" b
cd b
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" length 0
expect_exit 0 mlops --json exp pull
expect_json "$TEST_DIR/out" '.updated | length' 3
expect_eq "$(listing)" "$(cd ../a && listing)" "runs in the clone"
expect_eq "$(jq -r 'map(.tags | join(",")) | join(" ")' <<<"$(listing)")" " best " "tags in the clone"
# The runs' code came along.
expect_eq "$(git show "$(exp_field r2 .snapshot):params.yaml" | sed -n 's/^lr: //p')" 0.2 "lr in r2's snapshot in the clone"
expect_exit 0 mlops exp show r3
expect_exit 0 mlops --json exp pull
expect_json "$TEST_DIR/out" '.updated | length' 0
expect_json "$TEST_DIR/out" .unchanged 3

# Tagged on both sides: whoever pushes second is told to pull.
expect_exit 0 mlops exp tag r1 from-b
(cd ../a && expect_exit 0 mlops exp tag r1 from-a && git remote add daemon "$url" && expect_exit 0 mlops exp push daemon)
expect_exit 1 mlops exp push
expect_contains "$TEST_DIR/err" "$(exp_field r1 .id)"
expect_contains "$TEST_DIR/err" "mlops exp pull"
expect_eq "$(git -C "$bare" rev-parse "refs/mlops/exps/$(exp_field r1 .id)")" "$(git -C ../a rev-parse "refs/mlops/exps/$(exp_field r1 .id)")" "r1 on the server (a's)"
expect_exit 0 mlops --json exp pull
expect_json "$TEST_DIR/out" '.updated | length' 1
expect_eq "$(exp_field r1 '.tags | sort | join(",")')" "from-a,from-b" "r1's tags after the pull"
expect_exit 0 mlops --json exp push
expect_json "$TEST_DIR/out" '.updated | length' 1
expect_json "$TEST_DIR/out" '.rejected | length' 0
cd ../a
expect_exit 0 mlops exp pull daemon
expect_eq "$(exp_field r1 '.tags | sort | join(",")')" "from-a,from-b" "r1's tags in a after its pull"
expect_eq "$(listing)" "$(cd ../b && listing)" "runs on both sides after the merge"
expect_fsck_clean
(cd "$bare" && expect_fsck_clean)

rm -rf -- "$bare"
