#!/usr/bin/env bash
# Refs under refs/mlops/exps/ that hold no valid run (a blob, a tree, a tag, a commit without a valid run.json, a name that is not a ULID, a run.json whose id disagrees with the ref, garbage in a loose ref file, a record nested too deep) are skipped with one warning naming each, once per command; list, show, diff, run and rm keep working on the valid runs.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n first -- true
expect_exit 0 mlops exp run -n second -S lr=0.2 -- true
good=$(exp_field first .id)
good_commit=$(git rev-parse "refs/mlops/exps/$good")

u() { echo "01M8ZZZZZZZZZZZZZZZZZZZZZ$1"; }
git update-ref "refs/mlops/exps/$(u 1)" "$(echo evil | git hash-object -w --stdin)"   # a blob
git update-ref "refs/mlops/exps/$(u 2)" "$(git rev-parse 'HEAD^{tree}')"              # a tree
git tag -a -m tag t1 HEAD
git update-ref "refs/mlops/exps/$(u 3)" "$(git rev-parse t1)"                         # a tag
git update-ref "refs/mlops/exps/$(u 4)" HEAD                                          # no run.json
bad_json=$(printf '100644 blob %s\trun.json\n' "$(echo '{"schema": 1, "id":' | git hash-object -w --stdin)" | git mktree)
git update-ref "refs/mlops/exps/$(u 5)" "$(git commit-tree -m 'mlops run x: completed' "$bad_json")"  # run.json not JSON
git update-ref refs/mlops/exps/not-a-ulid "$good_commit"                              # not a run id
git update-ref "refs/mlops/exps/$(u 6)" "$good_commit"                                # id disagrees
echo garbage >".git/refs/mlops/exps/$(u 7)"                                          # not an object id
deep=$(printf '%0.s[' $(seq 1 5000))
deep_run=$(printf '{"schema":1,"id":"%s","name":"deep","status":"completed","baseline":"","params":%s}' "$(u 8)" "$deep")
git update-ref "refs/mlops/exps/$(u 8)" "$(git commit-tree -m "mlops run deep: completed

Run-Id: $(u 8)
Mlops-Run: $deep_run" "$(git rev-parse 'HEAD^{tree}')")"                             # nested too deep
bad=("$(u 1)" "$(u 2)" "$(u 3)" "$(u 4)" "$(u 5)" not-a-ulid "$(u 6)" "$(u 7)" "$(u 8)")

check_warnings() { # each bad ref named exactly once, the valid runs untouched
  local b
  for b in "${bad[@]}"; do
    [ "$(grep -c "refs/mlops/exps/$b" "$TEST_DIR/err")" = 1 ] || { cat "$TEST_DIR/err" >&2; fail "$b not named exactly once ($*)"; }
  done
  expect_contains "$TEST_DIR/err" "mlops exp gc --prune-invalid"
  expect_not_contains "$TEST_DIR/err" "error"
}
for cache in cold warm; do
  expect_exit 0 mlops --json exp list --all
  expect_json "$TEST_DIR/out" '[.[].name] | sort | join(" ")' "first second"
  check_warnings "exp list, $cache"
done
expect_exit 0 mlops exp list --all --sort name
check_warnings "exp list --sort"
expect_exit 0 mlops --json exp show first
expect_json "$TEST_DIR/out" .id "$good"
check_warnings "exp show"
expect_exit 0 mlops --json exp diff first second
expect_json "$TEST_DIR/out" '.params[0].key' lr
check_warnings "exp diff"
expect_exit 0 mlops exp run -n third -- true
expect_exit 0 mlops exp rm second
check_warnings "exp rm"
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" '[.[].name] | sort | join(" ")' "first third"
# Naming a bad ref says what is wrong with it.
expect_exit 4 mlops exp show "$(u 1)"
expect_contains "$TEST_DIR/err" "a blob"
# -q silences the warning, not the result.
expect_exit 0 mlops -q --json exp list --all
expect_json "$TEST_DIR/out" length 2
[ ! -s "$TEST_DIR/err" ] || { cat "$TEST_DIR/err" >&2; fail "-q printed warnings"; }
