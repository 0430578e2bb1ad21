#!/usr/bin/env bash
# `mlops ci init` in a repository whose .github (or .github/workflows) is a symlink leading
# out of the project writes nothing there: exit 4, one clear error.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p outside && cd p && git init -q
echo 'schema: 1' >mlops.yaml
ln -s ../outside .github
expect_exit 4 mlops ci init --provider github
expect_clean_error
expect_contains "$TEST_DIR/err" ".github/workflows/mlops.yml"
rm .github && mkdir .github && ln -s ../../outside .github/workflows
expect_exit 4 mlops ci init --provider github --force
expect_clean_error
expect_eq "$(find ../outside | wc -l)" 1 "nothing written outside"
rm .github/workflows
expect_exit 0 mlops ci init --provider github
[[ -f .github/workflows/mlops.yml ]] || fail "the workflow is written in a plain directory"
