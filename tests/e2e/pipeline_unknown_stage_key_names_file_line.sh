#!/usr/bin/env bash
# An unknown key in a stage is refused with mlops.yaml:LINE, exit 4, before anything runs.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
sed -i 's/^    outs: \[model.bin\]/    outz: [model.bin]/' mlops.yaml
line=$(grep -n 'outz:' mlops.yaml | cut -d: -f1)
for cmd in repro status dag; do
  expect_exit 4 mlops "$cmd"
  expect_clean_error
  expect_contains "$TEST_DIR/err" "mlops.yaml:$line: unknown key 'outz' in stage 'train'"
done
expect_no_path runs.log
expect_no_path mlops.lock
