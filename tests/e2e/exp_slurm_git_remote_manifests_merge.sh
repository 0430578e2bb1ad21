#!/usr/bin/env bash
# Two clones of a sweep through a git remote write its manifest apart (each cancels a point, one
# while the remote is away): the next exp status in that clone merges the two (both parents,
# every cancelled point) and sends the merge; the other clone then follows it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

git_remote_sweep -S lr=0.1,0.2,0.3 -- true
ref=refs/mlops/sweeps/$sweep
git clone -q "$remote" "$TEST_DIR/b"
(cd "$TEST_DIR/b" && expect_exit 0 mlops exp status "$sweep")
cancelled() { git -C "$1" show "$ref:sweep.json" | jq -c '.cancelled // [] | sort'; }
run() { git show "$ref:sweep.json" | jq -r ".points[$1].run"; }

# b cancels point 1 while the remote is away: written here only.
mv "$remote" "$remote.away"
(cd "$TEST_DIR/b" && expect_exit 0 mlops exp cancel "$(run 1)")
expect_contains "$TEST_DIR/err" "its job ids are not on"
mv "$remote.away" "$remote"
# a cancels point 0: on the remote at once.
expect_exit 0 mlops exp cancel "$(run 0)"
expect_eq "$(cancelled "$remote")" "[0]" "cancelled on the remote after a's cancel"
# b's next status merges the two and sends the merge.
cd "$TEST_DIR/b"
expect_exit 0 mlops exp status "$sweep"
expect_eq "$(cancelled "$remote")" "[0,1]" "cancelled on the remote after b's status"
expect_eq "$(git -C "$remote" rev-list --parents -n 1 "$ref" | wc -w)" 3 "the merged manifest and its two parents"
cd "$TEST_DIR/a"
expect_exit 0 mlops --json exp status "$sweep"
expect_eq "$(cancelled .)" "[0,1]" "cancelled in a after its status"
expect_eq "$(git rev-parse "$ref")" "$(git -C "$remote" rev-parse "$ref")" "a's manifest"
expect_json "$TEST_DIR/out" '[.points[].state] | join(",")' cancelled,cancelled,queued
