#!/usr/bin/env bash
# executor test slurm with a git remote (--remote, or executors.slurm.remote in mlops.yaml): the
# client and the probe job's node (mlops itself, through libgit2) each report the remote
# reachable; the repository the node cannot share is only informational; exit 0. --no-job still
# checks the remote from here.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

remote=$TEST_DIR/remote.git
exp_repo_on_remote a "$remote"
fact() { jq -r --arg n "$1" ".facts[] | select(.name == \$n) | $2" "$TEST_DIR/out"; }

FAKE_SLURM_RUN=1 expect_exit 0 mlops --json executor test slurm --remote "file://$remote"
expect_json "$TEST_DIR/out" .ok true
expect_eq "$(fact 'git remote' .ok)" true "the client's check"
expect_eq "$(fact 'git remote' .value)" "file://$remote (reachable)" "the client's check"
expect_eq "$(fact 'task: git remote' .ok)" true "the node's check"
expect_eq "$(fact 'task: git remote' .value)" "file://$remote (reachable)" "the node's check"
expect_eq "$(fact 'task: repository' .ok)" true "the repository is not needed"
# The probe starts where a task through a git remote does, and asks mlops on the node.
expect_contains "$FAKE_SLURM_DIR/calls" "--chdir=/tmp"
expect_contains "$FAKE_SLURM_DIR/calls" "executor __probe-remote"

# The same remote by its git name, from mlops.yaml.
git remote add cluster "$remote"
printf 'executors:\n  slurm:\n    remote: cluster\n' >>mlops.yaml
git commit -qam 'remote for the tasks'
FAKE_SLURM_RUN=1 expect_exit 0 mlops executor test slurm
expect_contains "$TEST_DIR/out" "ok    git remote: $remote (reachable)"
expect_contains "$TEST_DIR/out" "ok    task: git remote: $remote (reachable)"
expect_exit 0 mlops executor test slurm --no-job
expect_contains "$TEST_DIR/out" "ok    git remote: $remote (reachable)"
expect_not_contains "$TEST_DIR/out" "task:"
