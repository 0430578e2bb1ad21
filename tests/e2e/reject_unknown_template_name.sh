#!/usr/bin/env bash
# `mlops init --template nosuch` exits 3 with a clean error listing the available templates; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)
expect_exit 3 mlops init work/proj --template nosuch --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "unknown template 'nosuch'"
grep '^hint:' "$TEST_DIR/err" | grep -q 'available: ml-project' || fail "the hint does not list the available templates"
expect_eq "$(tree_digest work)" "$before" "work/ after the failed init"
