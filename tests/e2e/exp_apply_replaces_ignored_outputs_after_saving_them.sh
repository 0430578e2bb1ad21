#!/usr/bin/env bash
# `exp apply` of a run whose kept outputs differ from git-ignored files in the workspace (a model from a local `make train`) replaces them without --force, after saving each as a file under .git/mlops/backup/; nothing tracked is touched, and no hint says "commit or stash".
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

git init -q -b main repo
cd repo
printf 'seed: 0\n' >params.yaml
printf 'params: [params.yaml]\noutputs: [models/]\n' >mlops.yaml
printf 'models/\n' >.gitignore
# shellcheck disable=SC2016 # the $(...) is for train.sh to expand
printf '#!/bin/sh\nmkdir -p models\necho "model of seed $(sed -n "s/^seed: //p" params.yaml)" >models/model.joblib\n' >train.sh
git add -A
git commit -q -m base

expect_exit 0 mlops exp run --isolated -n iso -S seed=7 -- sh train.sh
sh train.sh  # the user's own training: an ignored models/model.joblib of seed 0
mine=$(sha256sum models/model.joblib | cut -d' ' -f1)

expect_exit 0 mlops --json exp apply iso
expect_json "$TEST_DIR/out" '.saved | join(" ")' models/model.joblib
expect_json "$TEST_DIR/out" .backup ""
saved="$(jq -r .backup_dir "$TEST_DIR/out")/models/model.joblib"
expect_eq "$(sha256sum "$saved" | cut -d' ' -f1)" "$mine" "the user's model, saved"
expect_eq "$(cat models/model.joblib)" "model of seed 7" "the run's model, applied"
expect_eq "$(cat params.yaml)" "seed: 7" "params.yaml, applied"
case "$saved" in "$PWD/.git/mlops/backup/"*) ;; *) fail "saved outside .git/mlops/backup: $saved" ;; esac

# Text output says what was saved; applying the same run again saves nothing more.
git checkout -q params.yaml
echo "edited by hand" >models/model.joblib
expect_exit 0 mlops exp apply iso
expect_contains "$TEST_DIR/err" "saved your models/model.joblib (ignored by git)"
expect_not_contains "$TEST_DIR/err" "stash"
git checkout -q params.yaml
expect_exit 0 mlops --json exp apply iso
expect_json "$TEST_DIR/out" '.saved | length' 0
