#!/usr/bin/env bash
# A run that writes a huge importances.json or metrics file (here 1 GiB, sparse) is recorded
# with a warning that names the limit; mlops does not read it all into memory.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'importances.json\nmetrics.json\n' >.gitignore
git add .gitignore && git commit -qm ignore
expect_exit 0 mlops exp run -n big -- sh -c 'truncate -s 1G importances.json; truncate -s 1G metrics.json'
expect_contains "$TEST_DIR/err" "importances.json is larger than"
expect_contains "$TEST_DIR/err" "metrics.json is larger than"
