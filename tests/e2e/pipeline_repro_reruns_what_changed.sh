#!/usr/bin/env bash
# `mlops repro` runs a stage when its command, a dep's content, a param's value or an output
# changed or is missing, and nothing when nothing changed; mlops.lock records each stage.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
expect_eq "$(runs_since 0)" "prepare train" "first run"
expect_file mlops.lock
expect_contains mlops.lock "sha256: $(sha256sum model.bin | cut -d' ' -f1)"
expect_contains mlops.lock "lr: 0.1"
# The cached output is a blob of the store, under its sha256.
expect_file "$(store_blob "$(sha256sum model.bin | cut -d' ' -f1)")"

check() { # WHAT EXPECTED-STAGES
  local mark
  mark=$(wc -l <runs.log)
  expect_exit 0 mlops repro --no-run-cache  # the run cache would restore some instead
  expect_eq "$(runs_since "$mark")" "$2" "$1"
}
check "nothing changed" ""
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml
check "param lr changed" "train"
sed -i 's/n: 3/n: 4/' params.yaml
check "param n changed" "prepare"
rm model.bin
check "output missing" "train"
echo tampered >prepared.csv
check "output modified" "prepare"
printf 'c\nb\na\n' >raw.csv
check "dep changed" "prepare train"
sed -i 's/sort -u raw.csv/sort -u -r raw.csv/' mlops.yaml
check "command changed" "prepare train"
check "nothing changed again" ""
expect_exit 0 mlops repro --force
mark=$(wc -l <runs.log)
expect_exit 0 mlops repro --force train
expect_eq "$(runs_since "$mark")" "prepare train" "--force runs the target and its upstream"
