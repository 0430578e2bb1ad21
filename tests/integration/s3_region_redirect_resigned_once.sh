#!/usr/bin/env bash
# A bucket in another region: S3 answers 301 PermanentRedirect with x-amz-bucket-region, or 400
# AuthorizationHeaderMalformed with <Region> in its body. The request is signed again for that
# region once and the push goes on (the later requests signed for it too); a server that keeps
# redirecting is not followed round and round: one re-signed attempt, then exit 5.
# The fault proxy gives those answers in front of the S3 server (moto, else s3rver).
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_s3_server
upstream=${AWS_ENDPOINT_URL_S3#http://}
package_project

# 301 with the header, on the first request (a HEAD).
start_faultproxy "$upstream" --status 301 --match '^HEAD ' --times 1 --header 'x-amz-bucket-region: eu-west-3'
expect_exit 0 mlops -vv push demo:1.0 "s3://$BUCKET/a" --endpoint "$PROXY_URL" -j 1
expect_contains "$TEST_DIR/err" "eu-west-3"
expect_eq "$(proxy_stat injected)" 1 "redirects answered"
expect_exit 0 mlops pull "s3://$BUCKET/a/demo:1.0" --endpoint "$AWS_ENDPOINT_URL_S3" --store "$TEST_DIR/other"
MLOPS_HOME="$TEST_DIR/other" expect_exit 0 mlops package verify a/demo:1.0

# 400 AuthorizationHeaderMalformed naming the region in the body (AWS's answer to a PUT).
start_faultproxy "$upstream" --status 400 --match '^PUT ' --times 1 \
  --body '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AuthorizationHeaderMalformed</Code><Message>the region is wrong</Message><Region>eu-north-1</Region></Error>'
expect_exit 0 mlops -vv push demo:1.0 "s3://$BUCKET/b" --endpoint "$PROXY_URL" -j 1
expect_contains "$TEST_DIR/err" "eu-north-1"
expect_eq "$(proxy_stat injected)" 1 "malformed-authorization answers"

# A server that redirects every time: one re-signed attempt, then a clear error (no loop).
start_faultproxy "$upstream" --status 301 --times 1000 --header 'x-amz-bucket-region: ap-south-1'
expect_exit 5 mlops push demo:1.0 "s3://$BUCKET/c" --endpoint "$PROXY_URL" -j 1
expect_clean_error
expect_contains "$TEST_DIR/err" "HTTP 301"
expect_eq "$(proxy_stat injected)" 2 "redirects answered before giving up"
# A region that is not one (header injection, a path): not followed.
start_faultproxy "$upstream" --status 301 --times 1000 --header 'x-amz-bucket-region: ../../evil'
expect_exit 5 mlops push demo:1.0 "s3://$BUCKET/d" --endpoint "$PROXY_URL" -j 1
expect_eq "$(proxy_stat injected)" 1 "a bad region is not followed"
