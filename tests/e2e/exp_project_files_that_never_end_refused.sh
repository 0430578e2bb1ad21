#!/usr/bin/env bash
# A params file or mlops.yaml that is a symlink to /dev/zero (a file that never ends) or a FIFO nobody writes is named, never read: `exp run` records the run without its params and warns (a params file), `exp run -S` and `exp diff` exit 4 with a one-line error, and a bad mlops.yaml is exit 4 everywhere. Before: std::bad_alloc (exit 70) after eating memory, or a hang on the FIFO.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n base -- true
# A hang is what this guards against: the timeout only turns one into a failure.
run() { expect_exit "$1" timeout 120 "$MLOPS" "${@:2}"; }

mv params.yaml params.yaml.bak
for kind in zero fifo; do
  if [ $kind = zero ]; then ln -s /dev/zero params.yaml; else mkfifo params.yaml; fi
  run 0 exp run -n "$kind-params" -- true
  expect_contains "$TEST_DIR/err" "warning: $kind-params: params not read"
  expect_contains "$TEST_DIR/err" "params.yaml is not a regular file"
  run 4 exp run -n "$kind-set" -S lr=0.5 -- true
  expect_clean_error
  expect_contains "$TEST_DIR/err" "params.yaml"
  run 4 exp diff base
  expect_clean_error
  expect_contains "$TEST_DIR/err" "params.yaml"
  rm params.yaml
done
mv params.yaml.bak params.yaml

mv mlops.yaml mlops.yaml.bak
for kind in zero fifo; do
  if [ $kind = zero ]; then ln -s /dev/zero mlops.yaml; else mkfifo mlops.yaml; fi
  run 4 exp run -n "$kind-config" -- true
  expect_clean_error
  expect_contains "$TEST_DIR/err" "mlops.yaml is not a regular file"
  run 4 exp list
  expect_clean_error
  rm mlops.yaml
done
mv mlops.yaml.bak mlops.yaml
expect_exit 0 mlops exp list
