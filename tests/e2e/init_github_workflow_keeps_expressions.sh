#!/usr/bin/env bash
# The generated GitHub workflow keeps GitHub's own ${{ ... }} expressions untouched.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 0 mlops init demo --defaults -s ci=github
wf=demo/.github/workflows/ci.yml
expect_file "$wf"
# shellcheck disable=SC2016  # literal ${{ }}
expect_contains "$wf" 'python-version: ${{ matrix.python-version }}'
# shellcheck disable=SC2016
expect_contains "$wf" 'name: model-py${{ matrix.python-version }}'
src=$(find "$MLOPS_SOURCE_DIR/templates/ml-project/files" -path '*workflows/ci.yml')
# shellcheck disable=SC2016  # a literal ${{ in the pattern
want=$(grep -o '\${{[^}]*}}' "$src" | sort)
# shellcheck disable=SC2016
got=$(grep -o '\${{[^}]*}}' "$wf" | sort)
[ -n "$want" ] || fail "the template's workflow has no \${{ }} expression"
expect_eq "$got" "$want" "the \${{ }} expressions of the workflow"
expect_not_contains "$wf" '[['
