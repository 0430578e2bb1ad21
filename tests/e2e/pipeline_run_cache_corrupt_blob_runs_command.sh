#!/usr/bin/env bash
# A run-cache hit whose blob in the store is corrupt is not restored: the command runs, with a
# warning, and the output is right.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
good=$(sha256sum model.bin | cut -d' ' -f1)
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml
expect_exit 0 mlops repro
blob=$(store_blob "$good")
chmod u+w "$blob"
printf 'b\nX\n' >"$blob"  # same size, other bytes
sed -i 's/lr: 0.2/lr: 0.1/' params.yaml
mark=$(wc -l <runs.log)
expect_exit 0 mlops repro
expect_contains "$TEST_DIR/err" "not restored from the run cache"
expect_contains "$TEST_DIR/err" "is corrupt"
expect_eq "$(runs_since "$mark")" "train" "the command ran"
expect_eq "$(sha256sum model.bin | cut -d' ' -f1)" "$good" "model.bin"
