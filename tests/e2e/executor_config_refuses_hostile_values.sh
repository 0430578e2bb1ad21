#!/usr/bin/env bash
# executors.slurm in a (cloned, hostile) mlops.yaml: a resource holding a newline or a quote, an
# export entry that is not a variable name or not a string, is refused with FILE:LINE and exit 4
# by `executor test` and `exp run --executor slurm` alike, before sbatch is called; never a crash
# nor a silent drop.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

use_fake_slurm
exp_repo a
cd a
cp mlops.yaml base.yaml
try() { # YAML-LINES EXPECTED-TEXT
  { cat base.yaml && printf 'executors:\n  slurm:\n%s\n' "$1"; } >mlops.yaml
  git commit -qam "executors: $2"
  : >"$FAKE_SLURM_DIR/calls"
  expect_exit 4 mlops executor test slurm
  expect_clean_error
  expect_contains "$TEST_DIR/err" "mlops.yaml:"
  expect_contains "$TEST_DIR/err" "$2"
  expect_exit 4 mlops exp run --executor slurm -- true
  expect_clean_error
  expect_contains "$TEST_DIR/err" "$2"
  expect_not_contains "$FAKE_SLURM_DIR/calls" "sbatch"
}
try '    partition: "x\n#SBATCH --export=ALL"' "executors.slurm.partition"
try "    qos: \"q'; rm -rf ~\"" "executors.slurm.qos"
try '    account: [a, b]' "executors.slurm.account"
# shellcheck disable=SC2016  # a literal ${...} or $(...): for mlops or the stage shell, not this one
try '    export: ["$(id)"]' "executors.slurm.export"
try '    export: ["A\nB"]' "executors.slurm.export"
try '    export: [[a]]' "executors.slurm.export"
try '    export: WANDB_MODE' "executors.slurm.export"
# The section itself malformed: never an internal error (exit 70).
for y in 'executors: 5' 'executors: [slurm]' $'executors:\n  slurm: 5'; do
  { cat base.yaml && printf '%s\n' "$y"; } >mlops.yaml
  git commit -qam "executors: $y"
  expect_exit 4 mlops executor test slurm
  expect_clean_error
  expect_contains "$TEST_DIR/err" "mlops.yaml:"
  expect_exit 4 mlops exp run --executor slurm -- true
  expect_clean_error
done
