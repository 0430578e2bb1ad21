#!/usr/bin/env bash
# `mlops model promote` records each change of an alias as a commit on refs/mlops/aliases/NAME (who, when, why, package digest, the gates its run passed, the signature key id); `model history` lists them newest first, `model list` the aliases; plain git sees the same.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_package_project proj
cd proj
printf 'metrics: [metrics.json]\ngates:\n  metrics.accuracy: {min: 0.9}\n' >>mlops.yaml
git commit -qam gates
expect_exit 0 mlops exp run -n good -- sh -c 'echo "{\"accuracy\": 0.95}" > metrics.json'
expect_exit 0 mlops package build -t demo:good --from-exp good
expect_exit 0 mlops package build -t demo:plain
expect_exit 0 mlops --json key generate k.key
key_id=$(jq -r .key_id "$TEST_DIR/out")
expect_exit 0 mlops package sign demo:good --key k.key
digest=$(mlops --json package inspect demo:good | jq -r .digest)
expect_exit 0 mlops model promote demo:plain --alias prod --reason 'first cut'
expect_exit 0 mlops --json model promote demo:good --alias prod --reason 'better accuracy'
expect_json "$TEST_DIR/out" .package.digest "$digest"
expect_exit 0 mlops --json model history prod
expect_json "$TEST_DIR/out" length 2
expect_json "$TEST_DIR/out" '.[0].reason' 'better accuracy'
expect_json "$TEST_DIR/out" '.[0].package.ref' demo:good
expect_json "$TEST_DIR/out" '.[0].package.digest' "$digest"
expect_json "$TEST_DIR/out" '.[0].gates.checked' true
expect_json "$TEST_DIR/out" '.[0].gates.passed' true
expect_json "$TEST_DIR/out" '.[0].gates.results[0].field' metrics.accuracy
expect_json "$TEST_DIR/out" '.[0].signature.key_id' "$key_id"
expect_json "$TEST_DIR/out" '.[0].promoted_by' 'Test User <test@example.com>'
expect_json "$TEST_DIR/out" '.[0].previous.ref' demo:plain
expect_json "$TEST_DIR/out" '.[1].reason' 'first cut'
expect_json "$TEST_DIR/out" '.[1].gates.checked' false
expect_json "$TEST_DIR/out" '.[1].signature.signed' false
expect_exit 0 mlops model history prod
expect_contains "$TEST_DIR/out" "better accuracy"
expect_exit 0 mlops --json model list
expect_json "$TEST_DIR/out" '.[0].alias' prod
expect_json "$TEST_DIR/out" '.[0].package.ref' demo:good
# Plain git: two commits, the message names the digest.
[ "$(git rev-list --count refs/mlops/aliases/prod)" = 2 ] || fail "expected 2 alias commits"
git log -1 --format=%B refs/mlops/aliases/prod | grep -q "Package-Digest: $digest" || fail "no digest trailer"
expect_exit 3 mlops model history staging
expect_clean_error
expect_exit 3 mlops model promote demo:nope --alias prod
expect_clean_error
expect_fsck_clean
