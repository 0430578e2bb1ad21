#!/usr/bin/env bash
# executor test slurm --remote with a remote that does not exist: the client's "git remote" fact
# and the probe node's "task: git remote" fact say unreachable, with what to do, and the exit code
# is a failed check's (1), with or without the job.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

exp_repo a
cd a
missing=$TEST_DIR/missing.git
fact() { jq -r --arg n "$1" ".facts[] | select(.name == \$n) | $2" "$TEST_DIR/out"; }

FAKE_SLURM_RUN=1 expect_exit 1 mlops --json executor test slurm --remote "$missing"
expect_json "$TEST_DIR/out" .ok false
expect_json "$TEST_DIR/out" .reachable true
expect_eq "$(fact 'git remote' .ok)" false "the client's check"
fact 'git remote' .value >"$TEST_DIR/fact"
expect_contains "$TEST_DIR/fact" "$missing unreachable: "
expect_eq "$(fact 'task: git remote' .ok)" false "the node's check"
fact 'task: git remote' .value >"$TEST_DIR/fact"
expect_contains "$TEST_DIR/fact" "$missing unreachable: "
fact 'task: git remote' .hint >"$TEST_DIR/fact"
expect_contains "$TEST_DIR/fact" "credentials"
expect_eq "$(fact 'task: repository' .ok)" true "the repository is not needed"

expect_exit 1 mlops executor test slurm --no-job --remote "file://$missing"
expect_contains "$TEST_DIR/out" "FAIL  git remote: file://$missing unreachable"
