#!/usr/bin/env bash
# A remote named with `mlops remote add` stands for its URL: push to it by name or as the
# default remote, pull REMOTE:NAME:TAG; an unknown name suggests the close one, a path is refused as usage.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
cd "$TEST_DIR/proj"
expect_exit 0 mlops remote add team "file://$TEST_DIR/remote" --default
expect_exit 0 mlops --json push demo:1.0 team
expect_json "$TEST_DIR/out" .url "file://$TEST_DIR/remote/demo:1.0"
expect_exit 0 mlops --json push demo:1.0            # the default remote
expect_json "$TEST_DIR/out" .url "file://$TEST_DIR/remote/demo:1.0"
expect_json "$TEST_DIR/out" .blobs_sent 0
expect_exit 0 mlops --json pull team:demo:1.0 --store "$TEST_DIR/other"
expect_json "$TEST_DIR/out" .ref demo:1.0
MLOPS_HOME="$TEST_DIR/other" expect_exit 0 mlops package verify demo:1.0
expect_exit 3 mlops push demo:1.0 taem
expect_contains "$TEST_DIR/err" "team"
expect_exit 2 mlops push demo:1.0 ./relative/dir
