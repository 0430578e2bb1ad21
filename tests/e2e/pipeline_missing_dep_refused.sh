#!/usr/bin/env bash
# A dep that no stage makes and that does not exist is refused with FILE:LINE, exit 3,
# before any stage runs.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
rm raw.csv
expect_exit 3 mlops repro
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops.yaml:5: stage 'prepare' depends on 'raw.csv', which no stage makes and which does not exist"
expect_no_path runs.log
# A dep that a stage makes need not exist yet (prepared.csv is missing too).
printf 'a\n' >raw.csv
expect_exit 0 mlops repro
