#!/usr/bin/env bash
# Every mistake in a -S/--set given on the command line (unknown key, malformed, value that fails validation) is a usage error, exit 2, for init and exp run alike; the same bad value read from an answers file is bad input data, exit 4.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "a.txt={{epochs}}"
name: t
questions:
  - name: epochs
    type: int
    default: 5
    validate: {min: 1, max: 10}
YAML
for set in nosuch=1 justavalue epochs=11 epochs=many; do
  expect_exit 2 mlops init proj --no-git --template ./tpl --defaults -S "$set"
  expect_clean_error
done
expect_no_path proj
printf 'epochs: 11\n' >answers.yaml
expect_exit 4 mlops init proj --no-git --template ./tpl --answers answers.yaml
expect_clean_error
expect_contains "$TEST_DIR/err" "epochs"
expect_no_path proj

exp_repo repo
cd repo
for set in nosuch=1 lr; do
  expect_exit 2 mlops exp run -S "$set" -- true
  expect_clean_error
done
