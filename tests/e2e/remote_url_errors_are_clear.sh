#!/usr/bin/env bash
# Remote URLs: user information is refused with a pointer to `mlops login` and the password
# never shown; an unknown scheme lists the known ones; a scheme not built yet says so; a
# URL naming no package is a usage error. All exit 2 with one line and a hint.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 2 mlops push demo:1.0 "oci://alice:hunter2@registry.example/team"
expect_clean_error
expect_not_contains "$TEST_DIR/err" hunter2
expect_contains "$TEST_DIR/err" "mlops login"
expect_exit 2 mlops push demo:1.0 "ftp://host.example/x"
expect_clean_error
expect_contains "$TEST_DIR/err" "oci://, s3://, http://, https://, file://"
# Every scheme of the table is built now; an unreachable server is a remote error, in one line.
expect_exit 5 mlops push demo:1.0 "http://127.0.0.1:9/models"
expect_clean_error
expect_exit 2 mlops push demo:1.0 ./relative/dir
expect_clean_error
expect_exit 2 mlops pull "file:///"
expect_clean_error
expect_exit 3 mlops pull "file://$TEST_DIR/nothing/demo:1.0"
expect_clean_error
expect_exit 3 mlops push missing:1 "file://$TEST_DIR/remote"
expect_clean_error
