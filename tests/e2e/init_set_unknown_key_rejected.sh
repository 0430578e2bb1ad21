#!/usr/bin/env bash
# --set for a question the template does not have (named), or without KEY= (not echoed: it may be a secret), is a usage error (exit 2); nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)

expect_exit 2 mlops init work/proj --defaults -s frameword=pytorch
expect_clean_error
expect_contains "$TEST_DIR/err" "'frameword'"
expect_contains "$TEST_DIR/err" "framework"   # the hint lists what the template asks
expect_eq "$(tree_digest work)" "$before" "work/ after an unknown --set key"

expect_exit 2 mlops init work/proj --defaults -s justavalue
expect_clean_error
expect_contains "$TEST_DIR/err" "without '='"
expect_not_contains "$TEST_DIR/err" "justavalue"
expect_eq "$(tree_digest work)" "$before" "work/ after a malformed --set"
