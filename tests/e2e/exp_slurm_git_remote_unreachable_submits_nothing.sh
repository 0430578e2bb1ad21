#!/usr/bin/env bash
# A sweep whose git remote (--remote, or executors.slurm.remote in mlops.yaml) cannot be reached
# fails with exit 5 before sbatch runs and leaves no sweep behind; a URL with a password is refused
# (exit 2) without printing or storing it; --remote without a scheduler is a usage error.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

exp_repo a
cd a
no_sweep_left() {
  expect_eq "$(git for-each-ref refs/mlops/sweeps refs/mlops/snapshots | wc -l)" 0 "sweep refs left"
  if grep -q '^sbatch' "$FAKE_SLURM_DIR/calls" 2>/dev/null; then fail "sbatch was called"; fi
}
expect_exit 5 mlops exp run --executor slurm --remote "file://$TEST_DIR/missing.git" -S lr=0.1,0.2 -- true
expect_clean_error
expect_contains "$TEST_DIR/err" "missing.git"
expect_contains "$TEST_DIR/err" "nothing was submitted"
no_sweep_left

# The same remote from mlops.yaml.
printf 'executors:\n  slurm:\n    remote: %s\n' "$TEST_DIR/missing.git" >>mlops.yaml
git commit -qam 'remote for the tasks'
expect_exit 5 mlops exp run --executor slurm -S lr=0.1,0.2 -- true
expect_contains "$TEST_DIR/err" "nothing was submitted"
no_sweep_left

# A password in the URL would reach the manifest and the batch script: refused, never echoed.
expect_exit 2 mlops -vv exp run --executor slurm --remote "https://me:s3cret-pw@127.0.0.1:9/x.git" -S lr=0.1,0.2 -- true
expect_contains "$TEST_DIR/err" "password"
expect_not_contains "$TEST_DIR/err" "s3cret-pw"
expect_not_contains "$TEST_DIR/out" "s3cret-pw"
if grep -rqF s3cret-pw .git; then fail "the password was stored"; fi
no_sweep_left

expect_exit 2 mlops exp run --remote "$TEST_DIR/missing.git" -- true
expect_contains "$TEST_DIR/err" "--executor"
