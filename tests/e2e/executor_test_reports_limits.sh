#!/usr/bin/env bash
# mlops executor test: local always answers; slurm reports reachability, MaxArraySize, MinJobAge, accounting and the partitions from the scheduler's own tools (exit 0); an unreachable controller exits 5 with what to check; an unknown executor is a usage error naming the known ones.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 0 mlops --json executor test local
expect_json "$TEST_DIR/out" '.ok' true
expect_exit 2 mlops executor test slurmm
expect_contains "$TEST_DIR/err" "did you mean 'slurm'"
use_fake_slurm
exp_repo a
cd a
expect_exit 0 mlops --json executor test slurm --no-job
expect_json "$TEST_DIR/out" '.reachable' true
expect_json "$TEST_DIR/out" '[.facts[] | select(.name == "MaxArraySize") | .value | startswith("1001")] | .[0]' true
expect_json "$TEST_DIR/out" '[.facts[] | select(.name == "accounting") | .value | startswith("off")] | .[0]' true
expect_json "$TEST_DIR/out" '[.facts[] | select(.name == "partition debug*") | .ok] | .[0]' true
expect_exit 0 mlops executor test slurm --no-job
expect_contains "$TEST_DIR/out" "ok    MinJobAge: 300 sec"
# A controller that does not answer.
rm "$FAKE_SLURM_DIR/bin/scontrol" # a link to tests/tools/fake_slurm: never write through it
printf '#!/bin/sh\necho "slurm_load_ctl_conf error: Unable to contact slurm controller" >&2\nexit 1\n' >"$FAKE_SLURM_DIR/bin/scontrol"
chmod +x "$FAKE_SLURM_DIR/bin/scontrol"
expect_exit 5 mlops executor test slurm
expect_contains "$TEST_DIR/out" "FAIL  reachable: no: slurm_load_ctl_conf error"
