#!/usr/bin/env bash
# The built-in template's CI question writes the same workflow files as `mlops ci init` (same provider and Python version), so a project made either way gets one pipeline.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 0 mlops init demo --defaults -s ci=github,gitlab -s python_version=3.12
expect_file demo/.github/workflows/mlops.yml
expect_file demo/.gitlab-ci.yml
expect_exit 0 mlops -C demo ci init --provider github --python 3.12 --force
expect_exit 0 mlops -C demo ci init --provider gitlab --python 3.12 --force
git -C demo diff --exit-code -- .github/workflows/mlops.yml .gitlab-ci.yml || fail "ci init differs from the template's workflow"
# The default answers: GitHub only, the default Python.
expect_exit 0 mlops init plain --defaults
expect_no_path plain/.gitlab-ci.yml
expect_exit 0 mlops -C plain ci init --provider github --force
git -C plain diff --exit-code -- .github/workflows/mlops.yml || fail "ci init differs from the template's workflow"
