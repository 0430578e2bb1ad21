#!/usr/bin/env bash
# A Slurm task sees only the allow-listed variables (the defaults and executors.slurm.export of mlops.yaml): a secret in the client's environment never reaches the task or its run.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm

exp_repo a
cd a
printf 'executors:\n  slurm:\n    export: [MY_ALLOWED]\n' >>mlops.yaml
git commit -qam 'allow MY_ALLOWED'
export MY_SECRET_TOKEN=hunter2-do-not-leak MY_ALLOWED=allowed-value
# shellcheck disable=SC2016  # expanded by the task's shell
expect_exit 0 mlops exp run --executor slurm --wait -- sh -c 'echo "secret=${MY_SECRET_TOKEN:-absent} allowed=${MY_ALLOWED:-absent}"; env'
expect_exit 0 mlops --json exp list --all
run=$(jq -r '.[0].id' "$TEST_DIR/out")
git show "refs/mlops/exps/$run:logs/stdout" >"$TEST_DIR/stdout"
expect_contains "$TEST_DIR/stdout" "secret=absent allowed=allowed-value"
expect_not_contains "$TEST_DIR/stdout" "hunter2"
if git log -p --all | grep -q hunter2; then fail "the secret reached a git object"; fi
if grep -rq hunter2 .git/mlops/sweeps; then fail "the secret reached a Slurm log"; fi
true
