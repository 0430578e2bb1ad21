#!/usr/bin/env bash
# update --check: exit 1 when a newer version exists, 0 when current, 2 on a usage error; its
# JSON names the current and the latest version.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
expect_exit 0 mlops update --check proj
expect_exit 0 mlops --json update --check proj
expect_json "$TEST_DIR/out" .update_available false
expect_json "$TEST_DIR/out" .current.ref v1

echo v2 >>src/files/notes.txt
commit_template src v2
echo v10 >>src/files/notes.txt
commit_template src v10       # versions compare as numbers: v10 > v2
echo rc >>src/files/notes.txt
commit_template src v11.0.0-rc1   # pre-releases are not offered
expect_exit 1 mlops --json update --check proj
expect_json "$TEST_DIR/out" .update_available true
expect_json "$TEST_DIR/out" .current.ref v1
expect_json "$TEST_DIR/out" .latest.ref v10
expect_json "$TEST_DIR/out" .latest.commit "$(git -C src rev-parse v10)"
expect_exit 1 mlops update --check proj
expect_contains "$TEST_DIR/out" "v10"

expect_exit 0 mlops update proj
expect_exit 0 mlops update --check proj

mkdir plain && git -C plain init -q
expect_exit 2 mlops update --check plain
expect_clean_error
expect_contains "$TEST_DIR/err" "--adopt"
expect_exit 2 mlops update --check --abort proj
