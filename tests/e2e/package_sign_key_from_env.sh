#!/usr/bin/env bash
# The private key can come from an environment variable (`--key env:NAME`, for CI secrets): the signature verifies; an unset variable is exit 3 and a malformed one exit 4, neither echoing the value.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 0 mlops key generate release.key

MLOPS_SIGNING_KEY=$(cat release.key) expect_exit 0 mlops package sign demo:1.0 --key env:MLOPS_SIGNING_KEY
expect_exit 0 mlops package verify demo:1.0 --key release.key.pub

unset MLOPS_SIGNING_KEY
expect_exit 3 mlops package sign demo:1.0 --key env:MLOPS_SIGNING_KEY
expect_clean_error
expect_contains "$TEST_DIR/err" MLOPS_SIGNING_KEY

MLOPS_SIGNING_KEY="not-a-key-s3cr3t" expect_exit 4 mlops package sign demo:1.0 --key env:MLOPS_SIGNING_KEY
expect_clean_error
expect_not_contains "$TEST_DIR/err" s3cr3t
