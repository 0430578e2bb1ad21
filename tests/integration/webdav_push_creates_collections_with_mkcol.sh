#!/usr/bin/env bash
# A WebDAV server that does not create parent collections on PUT (nginx without
# create_full_put_path answers 500, Apache 409) gets them made with MKCOL, from the base down,
# and the push completes; the layout is there, and a pull back verifies.
# The servers' nginx serves $MLOPS_TEST_WEBDAV_URL/strict/ that way.
. "$(dirname "$0")/../e2e/harness.sh"
use_test_server WEBDAV
url=$MLOPS_TEST_WEBDAV_URL
host=${url#http://}
[ -d "$MLOPS_TEST_WEBDAV_ROOT/strict" ] || skip "WEBDAV: this server start has no strict/ location"
package_project
printf 'machine %s login %s password %s\n' "${host%:*}" "$MLOPS_TEST_WEBDAV_USER" "$MLOPS_TEST_WEBDAV_PASSWORD" >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"
team="strict/team$$/deep"
# The server really refuses a PUT below a missing collection.
code=$(curl -s -o /dev/null -w '%{http_code}' --netrc-file "$HOME/.netrc" -T /dev/null "$url/strict/none$$/x/y")
case $code in 2*) fail "the strict location took a PUT below a missing collection (HTTP $code)" ;; esac
expect_exit 0 mlops -vv push demo:1.0 "$url/$team"
expect_contains "$TEST_DIR/err" "MKCOL"
expect_file "$MLOPS_TEST_WEBDAV_ROOT/$team/demo/index.json"
expect_file "$MLOPS_TEST_WEBDAV_ROOT/$team/demo/oci-layout"
expect_exit 0 mlops pull "$url/$team/demo:1.0" --store "$TEST_DIR/other"
MLOPS_HOME="$TEST_DIR/other" expect_exit 0 mlops package verify "${team}/demo:1.0"
