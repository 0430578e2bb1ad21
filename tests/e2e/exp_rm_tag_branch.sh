#!/usr/bin/env bash
# `exp tag` adds and --remove drops tags (a new run commit on top), `exp branch` creates a branch at the run's snapshot (an existing name exits 6), `exp rm` deletes the ref.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
echo "edit" >>train.sh
expect_exit 0 mlops exp run -n r -- true
git checkout -q train.sh
id=$(exp_field r .id)
c0=$(git rev-parse "refs/mlops/exps/$id")

expect_exit 0 mlops exp tag r best candidate
c1=$(git rev-parse "refs/mlops/exps/$id")
[ "$c1" != "$c0" ] || fail "tagging did not move the ref"
expect_eq "$(git rev-parse "$c1^")" "$c0" "parent of the tagged record"
expect_eq "$(git show "$c1:run.json" | jq -r '.tags | join(",")')" "best,candidate" "tags in run.json"
expect_eq "$(git rev-parse "$c1:metrics.json")" "$(git rev-parse "$c0:metrics.json")" "metrics.json kept"
expect_exit 0 mlops exp tag r best
expect_eq "$(git rev-parse "refs/mlops/exps/$id")" "$c1" "ref after tagging with a tag it has"
expect_exit 0 mlops exp tag r best --remove
expect_eq "$(exp_field r '.tags | join(",")')" candidate "tags after --remove"
expect_eq "$(mlops --json exp list --filter tag:candidate | jq -r '.[].name')" r "filter by tag"
expect_exit 2 mlops exp tag r 'two words'
expect_exit 3 mlops exp tag nosuch x

snap=$(exp_field r .snapshot)
[ "$snap" != "$(git rev-parse HEAD)" ] || fail "setup: the snapshot should differ from HEAD"
head=$(git rev-parse HEAD)
expect_exit 0 mlops exp branch r try-it
expect_eq "$(git rev-parse refs/heads/try-it)" "$snap" "branch try-it"
expect_eq "$(git rev-parse HEAD)" "$head" "HEAD"
expect_eq "$(git symbolic-ref HEAD)" refs/heads/main "current branch"
expect_exit 6 mlops exp branch r try-it
expect_contains "$TEST_DIR/err" "exists"
expect_exit 6 mlops exp branch r main
expect_eq "$(git rev-parse main)" "$head" "main after the refused branch"

expect_exit 0 mlops --json exp rm r
expect_json "$TEST_DIR/out" '.removed | join(",")' "$id"
git show-ref --verify -q "refs/mlops/exps/$id" && fail "the ref is still there"
expect_exit 3 mlops exp show r
expect_exit 3 mlops exp show "$id"
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" length 0
expect_exit 3 mlops exp rm r
