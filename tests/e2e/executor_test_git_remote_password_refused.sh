#!/usr/bin/env bash
# executor test slurm with a git remote whose URL holds a password (--remote, or
# executors.slurm.remote in mlops.yaml): a usage error (exit 2) before any job, as exp run's,
# and the password is never printed.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

exp_repo a
cd a
refused() {
  expect_contains "$TEST_DIR/err" "password"
  expect_not_contains "$TEST_DIR/err" "s3cret-pw"
  expect_not_contains "$TEST_DIR/out" "s3cret-pw"
  if grep -q '^sbatch' "$FAKE_SLURM_DIR/calls" 2>/dev/null; then fail "sbatch was called"; fi
}
FAKE_SLURM_RUN=1 expect_exit 2 mlops -vv executor test slurm --remote "https://me:s3cret-pw@127.0.0.1:9/x.git"
expect_clean_error
refused

printf 'executors:\n  slurm:\n    remote: https://me:s3cret-pw@127.0.0.1:9/x.git\n' >>mlops.yaml
git commit -qam 'remote for the tasks'
expect_exit 2 mlops -vv --json executor test slurm --no-job
refused
