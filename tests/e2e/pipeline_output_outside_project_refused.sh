#!/usr/bin/env bash
# An output outside the project (.., an absolute path, a symlink leading out) or inside .git is
# refused with FILE:LINE, exit 4, and nothing is written there.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p outside && cd p && git init -q
ln -s ../outside link
for out in ../outside/x "$TEST_DIR/outside/x" link/x .git/hooks/pre-commit sub/../.git/config; do
  printf 'stages:\n  s:\n    cmd: echo x > out\n    outs: [%s]\n' "$out" >mlops.yaml
  expect_exit 4 mlops repro
  expect_clean_error
  expect_contains "$TEST_DIR/err" "mlops.yaml:4: an output '$out'"
done
expect_eq "$(ls ../outside)" "" "nothing written outside"
expect_no_path .git/hooks/pre-commit
