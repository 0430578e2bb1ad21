#!/usr/bin/env bash
# A dep or output that is a symlink to the project root itself (or to mlops.lock) is refused
# like the root named directly: exit 4 with FILE:LINE, before any stage runs (hashing it would
# read the whole project and .git; an output there would be the project).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
ln -s . here
ln -s .git/.. there
echo 'schema: 1' >mlops.lock
ln -s mlops.lock lk
for path in here there here/ lk; do
  printf 'stages:\n  s:\n    cmd: echo ran >> runs.log\n    outs: [%s]\n' "$path" >mlops.yaml
  expect_exit 4 mlops repro
  expect_clean_error
  expect_contains "$TEST_DIR/err" "mlops.yaml:4: an output '$path'"
  printf 'stages:\n  s:\n    cmd: echo ran >> runs.log\n    deps: [%s]\n    outs: [o]\n' "$path" >mlops.yaml
  expect_exit 4 mlops repro
  expect_contains "$TEST_DIR/err" "mlops.yaml:4: a dep '$path'"
done
expect_no_path runs.log
