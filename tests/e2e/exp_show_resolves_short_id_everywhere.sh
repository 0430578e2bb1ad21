#!/usr/bin/env bash
# A prefix (4+ characters, any case) of a run id's random part, such as the short id `exp list` shows, names the run in show, diff, tag, branch, apply, rm and package build --from-exp; an ambiguous one exits 2 listing the candidates; an unknown name exits 3 suggesting the closest; `exp run -n` refuses a name that reads as an existing run's id.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n first -- true
expect_exit 0 mlops exp run -n second -S lr=0.2 -- true
id1=$(exp_field first .id)
id2=$(exp_field second .id)
short1=$(mlops exp list | awk '$2 == "first" { print $1 }')
expect_eq "$short1" "${id1:10:8}" "the short id exp list shows"
lower=$(tr '[:upper:]' '[:lower:]' <<<"${id1:10:6}")
for spec in "$short1" "${id1:10:4}" "$lower"; do
  expect_exit 0 mlops --json exp show "$spec"
  expect_json "$TEST_DIR/out" .id "$id1"
done
expect_exit 0 mlops --json exp diff "$short1" "${id2:10:8}"
expect_json "$TEST_DIR/out" .params[0].key lr
expect_exit 0 mlops --json exp tag "$short1" best
expect_json "$TEST_DIR/out" .id "$id1"
expect_exit 0 mlops --json exp branch "${id2:10:8}" from-second
expect_eq "$(git rev-parse from-second)" "$(exp_field second .snapshot)" "branch at the snapshot"
expect_exit 0 mlops exp apply "${id2:10:8}"
expect_eq "$(sed -n 's/^lr: //p' params.yaml)" 0.2 "lr after exp apply"
git checkout -q params.yaml

# A run forged with the same random part as `first` makes that prefix ambiguous.
twin="0000000000${id1:10:16}"
git update-ref "refs/mlops/exps/$twin" "$("$PYTHON" "$MLOPS_SOURCE_DIR/tests/e2e/forge_run.py" "refs/mlops/exps/$id2" "$twin" --set 'name="twin"')"
expect_exit 2 mlops exp show "$short1"
expect_clean_error
expect_contains "$TEST_DIR/err" "ambiguous"
expect_contains "$TEST_DIR/err" "$id1 (first)"
expect_contains "$TEST_DIR/err" "$twin (twin)"
expect_exit 0 mlops --json exp show first
expect_json "$TEST_DIR/out" .id "$id1"
expect_exit 0 mlops exp rm twin

# Unknown names suggest the closest.
expect_exit 3 mlops exp show frist
expect_clean_error
expect_contains "$TEST_DIR/err" "no run 'frist'"
expect_contains "$TEST_DIR/err" "did you mean 'first'"
expect_exit 3 mlops exp diff first secnd
expect_contains "$TEST_DIR/err" "did you mean 'second'"

# A name that reads as an existing run's id (or short id) is refused; others pass.
expect_exit 2 mlops exp run -n "${id1:10:5}" -- true
expect_clean_error
expect_contains "$TEST_DIR/err" "reads as the id of an existing run"
expect_exit 2 mlops exp run -n "$(tr '[:upper:]' '[:lower:]' <<<"${id2:0:12}")" -- true
expect_exit 0 mlops exp run -n "run-${id1:10:5}" -- true
printf 'package:\n  name: demo\n  version: "1.0"\n  code: [train.sh]\n' >>mlops.yaml
git commit -q -am package
expect_exit 0 mlops --json package build --from-exp "$short1"
expect_json "$TEST_DIR/out" .ref demo:1.0
expect_eq "$(mlops --json package inspect demo:1.0 | jq -r '.manifest.annotations["ai.mlops.exp.id"]')" "$id1" "lineage of the package"
expect_exit 0 mlops --json exp rm "$short1"
expect_json "$TEST_DIR/out" '.removed[0]' "$id1"
