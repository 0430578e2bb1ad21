#!/usr/bin/env bash
# mlops executor test slurm on the loopback cluster: reachable, MaxArraySize 11, accounting off, and a tiny job that reports what a task sees: the same mlops, the repository writable, the allow-list variables, and never a secret set in the client's environment.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm

exp_repo a
cd a
MLOPS_SECRET_TOKEN=hunter2 expect_exit 0 mlops --json executor test slurm --timeout 120
expect_json "$TEST_DIR/out" '.ok' true
expect_json "$TEST_DIR/out" '[.facts[] | select(.name == "MaxArraySize") | .value | startswith("11 ")] | .[0]' true
expect_json "$TEST_DIR/out" '[.facts[] | select(.name == "accounting") | .value | startswith("off")] | .[0]' true
expect_json "$TEST_DIR/out" '[.facts[] | select(.name == "task: mlops") | .ok] | .[0]' true
expect_json "$TEST_DIR/out" '[.facts[] | select(.name == "task: repository") | .ok] | .[0]' true
expect_json "$TEST_DIR/out" '[.facts[] | select(.name == "task: environment") | .value | test("PATH")] | .[0]' true
expect_not_contains "$TEST_DIR/out" MLOPS_SECRET_TOKEN
expect_not_contains "$TEST_DIR/out" hunter2
