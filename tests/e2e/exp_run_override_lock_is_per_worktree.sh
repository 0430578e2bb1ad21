#!/usr/bin/env bash
# -S overrides lock one working tree: a second run with overrides in the same worktree is refused (exit 6, params untouched), one in a linked worktree goes ahead, and each worktree gets its own params.yaml back.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo a
git -C a worktree add -q ../b -b other
cd a
before=$(cat params.yaml)

# shellcheck disable=SC2016  # $0 is for sh -c
setsid "$MLOPS" exp run -n long -S lr=0.5 -- sh -c 'while [ ! -e "$0" ]; do sleep 0.05; done' "$TEST_DIR/go" \
  >"$TEST_DIR/long.out" 2>"$TEST_DIR/long.err" &
leader=$!
KILL_ON_EXIT+=("-$leader")
for _ in $(seq 100); do
  [ "$(grep '^lr:' params.yaml)" = "lr: 0.5" ] && break
  sleep 0.05
done
expect_eq "$(grep '^lr:' params.yaml)" "lr: 0.5" "params.yaml while the long run is going"

# The same worktree: refused, and the running override is left alone.
expect_exit 6 mlops exp run -n second -S lr=0.9 -- true
expect_clean_error
expect_contains "$TEST_DIR/err" "--isolated"
expect_eq "$(grep '^lr:' params.yaml)" "lr: 0.5" "params.yaml after the refused run"

# A linked worktree is another workspace.
(cd ../b && expect_exit 0 mlops --json exp run -n other-tree -S lr=0.7 -- sh -c 'grep "^lr:" params.yaml')
expect_contains "$TEST_DIR/err" "lr: 0.7"
expect_eq "$(cat ../b/params.yaml)" "$before" "params.yaml of the linked worktree after its run"
expect_eq "$(grep '^lr:' params.yaml)" "lr: 0.5" "params.yaml of the first worktree, its run still going"

touch "$TEST_DIR/go"
wait "$leader" || fail "the long run failed: $(cat "$TEST_DIR/long.err")"
expect_eq "$(cat params.yaml)" "$before" "params.yaml after the long run"
expect_exit 0 mlops --json exp show other-tree
expect_json "$TEST_DIR/out" .params.lr 0.7
