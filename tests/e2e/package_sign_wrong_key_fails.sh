#!/usr/bin/env bash
# A package signed with one key fails `package verify --key` with another key (exit 1, "no signature by key <id>"), and so does an unsigned package; the right key still verifies.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 0 mlops key generate alice.key
expect_exit 0 mlops --json key generate mallory.key
mallory=$(jq -r .key_id "$TEST_DIR/out")

expect_exit 1 mlops package verify demo:1.0 --key alice.key.pub
expect_contains "$TEST_DIR/err" "no signature by key"

expect_exit 0 mlops package sign demo:1.0 --key alice.key
expect_exit 1 mlops package verify demo:1.0 --key mallory.key.pub
expect_contains "$TEST_DIR/err" "no signature by key $mallory"
expect_not_contains "$TEST_DIR/out" valid
expect_exit 0 mlops package verify demo:1.0 --key alice.key.pub

# A private key where the public one belongs is a usage mistake, said in one line.
expect_exit 4 mlops package verify demo:1.0 --key alice.key
expect_clean_error
expect_contains "$TEST_DIR/err" "private key"
