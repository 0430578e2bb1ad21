#!/usr/bin/env bash
# A stage's `resources:` (for repro --executor) takes the keys of executors.<name> and values
# sbatch cannot misread: an unknown key, a list, a newline or quote is exit 4 at mlops.yaml:LINE
# for every pipeline command, before anything is submitted.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

pipeline_project p
cd p
cp mlops.yaml base.yaml
try() { # RESOURCES EXPECTED-TEXT
  sed "s/^  train:\$/  train:\\n    resources: $1/" base.yaml >mlops.yaml
  : >"$FAKE_SLURM_DIR/calls"
  expect_exit 4 mlops repro --executor slurm
  expect_clean_error
  expect_contains "$TEST_DIR/err" "mlops.yaml:"
  expect_contains "$TEST_DIR/err" "$2"
  expect_exit 4 mlops status
  expect_not_contains "$FAKE_SLURM_DIR/calls" sbatch
}
try '{nodes: 3}' "unknown resource 'nodes'"
try '{cpus: [1, 2]}' "resources.cpus must be a single value"
try '{partition: "a\\n#SBATCH --export=ALL"}' "resources.partition holds a character"
try "{qos: \"q'x\"}" "resources.qos holds a character"
try '[cpus]' "resources must be a map"
# Well formed: accepted.
sed 's/^  train:$/  train:\n    resources: {cpus: 2, gpus: 1, account: ml}/' base.yaml >mlops.yaml
expect_exit 0 mlops status
