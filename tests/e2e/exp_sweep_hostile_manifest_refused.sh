#!/usr/bin/env bash
# A sweep manifest (refs/mlops/sweeps/<id>) may come from anyone's repository with a fetch: one
# nested too deep, with a field of the wrong type, a cwd outside the repository, an export of ALL,
# a resource sbatch would misread, a job id or index that is not one, or a ref naming a blob is
# refused with exit 4 naming the sweep, by exp status, exp run --resume and the task alike, before
# sbatch or the command runs; exp list, exp status of another sweep and exp cancel of a run in
# another sweep go on working.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

exp_repo a
cd a
# shellcheck disable=SC2016  # $HOME is the task's
expect_exit 0 mlops exp run --executor slurm -S lr=0.1,0.2 -- sh -c 'echo ran >>"$HOME/ran"'
good=$(cat "$TEST_DIR/out")
git show "refs/mlops/sweeps/$good:sweep.json" >"$TEST_DIR/good.json"

n=0
deep="{\"a\":$(printf '[%.0s' {1..20})1$(printf ']%.0s' {1..20})}" # 22 levels with the manifest's own
# hostile JQ-FILTER EXPECTED-TEXT: a copy of the good manifest changed by the filter, as sweep
# 01J00000000000000000000NNN, refused by every command that reads it.
hostile() {
  n=$((n + 1))
  local id blob tree commit
  id=$(printf '01J00000000000000000000%03d' "$n")
  blob=$(jq --arg id "$id" --argjson deep "$deep" ".id = \$id | $1" "$TEST_DIR/good.json" | git hash-object -w --stdin)
  tree=$(printf '100644 blob %s\tsweep.json\n' "$blob" | git mktree)
  commit=$(git commit-tree "$tree" -m hostile)
  git update-ref "refs/mlops/sweeps/$id" "$commit"
  check_refused "$id" "$2"
}
check_refused() { # SWEEP EXPECTED-TEXT
  : >"$FAKE_SLURM_DIR/calls"
  expect_exit 4 mlops exp status "$1"
  expect_clean_error
  expect_contains "$TEST_DIR/err" "sweep $1"
  expect_contains "$TEST_DIR/err" "$2"
  expect_exit 4 mlops exp run --resume "$1"
  expect_clean_error
  expect_exit 4 mlops exp cancel "$1"
  expect_clean_error
  SLURM_ARRAY_TASK_ID=0 expect_exit 4 mlops exp __task --sweep "$1" --offset 0
  expect_clean_error
  expect_eq "$(wc -c <"$FAKE_SLURM_DIR/calls")" 0 "scheduler calls for a hostile manifest"
  expect_no_path "$HOME/ran"
}
# shellcheck disable=SC2016  # $deep is jq's
hostile '.note = $deep' "invalid JSON"
hostile '.cwd = "../outside"' "cwd '../outside' is outside the repository"
hostile '.cwd = "sub/../../outside"' "is outside the repository"
hostile '.cwd = "/tmp"' "is outside the repository"
hostile '.export += ["ALL"]' "export[8]"
hostile '.resources.partition = "x\n#SBATCH --export=ALL"' "resources.partition"
hostile '.resources.mem = 5' "resources.mem must be a string"
hostile '.points[0].index = "0"' "points[0].index"
hostile '.points[1].run = "../../HEAD"' "points[1].run is not a run id"
hostile '.points = {}' "points must be a list"
hostile '.argv = []' "argv is empty"
hostile '.argv = "rm -rf /"' "argv must be a list"
hostile '.remote = "https://u:pw@example.org/x.git"' "remote holds a password"
hostile '.remote = "-oProxyCommand=touch /tmp/x"' "remote starts with '-'"
hostile '.remote = "ext::sh -c touch% /tmp/x"' "remote is not a git URL"
hostile '.submissions = [{"job": "1; scancel -u 0", "offset": 0, "indexes": [0]}]' "submissions[0].job is not a job id"
hostile '.submissions = [{"job": "7", "offset": 0, "indexes": [5]}]' "submissions[0].indexes[0]"
hostile '.executor = "local"' "executor"
hostile '.id = "01J99999999999999999999999"' "names another sweep"
hostile '.schema = 2' "schema"
# A ref that names a blob, not a commit.
id=01J00000000000000000000999
git update-ref "refs/mlops/sweeps/$id" "$(git hash-object -w --stdin <"$TEST_DIR/good.json")"
check_refused "$id" "does not name a commit"

# Nothing else is stopped by them.
expect_exit 0 mlops exp list --all
expect_exit 0 mlops --json exp status "$good"
expect_json "$TEST_DIR/out" '.points[1].state' queued
run=$(jq -r '.points[1].run' "$TEST_DIR/out")
expect_exit 0 mlops exp cancel "$run"
expect_contains "$TEST_DIR/err" "cancelled run"
expect_exit 0 mlops --json exp status "$good"
expect_json "$TEST_DIR/out" '.points[1].state' cancelled
