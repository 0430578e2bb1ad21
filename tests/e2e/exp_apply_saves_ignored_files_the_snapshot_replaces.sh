#!/usr/bin/env bash
# `exp apply` of a run whose snapshot tracks a file that is now git-ignored and untracked in the workspace (data.csv, untracked since) saves the user's differing local copy under .git/mlops/backup/ before the checkout replaces it (reported in `saved`); it was overwritten silently, without --force.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

git init -q -b main repo
cd repo
printf 'lr: 1\n' >params.yaml
printf 'params: [params.yaml]\n' >mlops.yaml
printf 'data.csv\n' >.gitignore
mkdir -p sub
echo "v1" >data.csv
echo "v1" >sub/same.csv
git add -f data.csv sub/same.csv
git add -A
git commit -q -m base
expect_exit 0 mlops exp run -n withdata -- true
git rm -q --cached data.csv sub/same.csv
printf 'data.csv\nsub/\n' >.gitignore
git commit -q -am "data.csv is local from now on"
echo "PRECIOUS LOCAL DATA" >data.csv

expect_exit 0 mlops --json exp apply withdata
expect_json "$TEST_DIR/out" '.saved | join(" ")' data.csv
saved="$(jq -r .backup_dir "$TEST_DIR/out")/data.csv"
expect_eq "$(cat "$saved")" "PRECIOUS LOCAL DATA" "the user's data.csv, saved"
case "$saved" in "$PWD/.git/mlops/backup/"*) ;; *) fail "saved outside .git/mlops/backup: $saved" ;; esac
