#!/usr/bin/env bash
# `mlops model promote REF --alias NAME --remote R` on a file:// remote: refused (exit 3, the push command as the hint, the alias unmoved) until the package and its signature are there; then the remote's layout gets the tag NAME on the package (pullable as NAME:prod), the alias commit records it, `model list --remote` shows it in sync; a tag of that name this alias never pointed at (a version tag) is left alone (exit 6); a configured remote's name works too.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
cd proj
expect_exit 0 mlops key generate "$TEST_DIR/k.key"
expect_exit 0 mlops package sign demo:1.0 --key "$TEST_DIR/k.key"
digest=$(package_digest)
remote="file://$TEST_DIR/remote"

# Not pushed yet: refused, nothing moved, nothing written to the remote.
expect_exit 3 mlops model promote demo:1.0 --alias prod --remote "$remote"
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops push demo:1.0 $remote"
expect_no_path "$TEST_DIR/remote"
git rev-parse -q --verify refs/mlops/aliases/prod >/dev/null && fail "the alias moved although the remote part failed"

# Pushed without its signature (a copy of the bare package): still refused.
expect_exit 0 mlops push demo:1.0 "$remote"
sig=$(signature_digest)
jq --arg s "$sig" '.manifests |= map(select(.digest != $s))' "$TEST_DIR/remote/demo/index.json" >idx && mv idx "$TEST_DIR/remote/demo/index.json"
rm "$TEST_DIR/remote/demo/blobs/sha256/${sig#sha256:}"
expect_exit 3 mlops model promote demo:1.0 --alias prod --remote "$remote"
expect_contains "$TEST_DIR/err" "signature"

expect_exit 0 mlops push demo:1.0 "$remote"
expect_exit 0 mlops --json model promote demo:1.0 --alias prod --remote "$remote" --reason "first"
expect_json "$TEST_DIR/out" .remote.tag "$remote/demo:prod"
expect_json "$TEST_DIR/out" .remote.package "$remote/demo:1.0"
expect_json "$TEST_DIR/out" .remote.previous null
expect_eq "$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "prod") | .digest' "$TEST_DIR/remote/demo/index.json")" "$digest" "the remote's prod tag"
git log -1 --format=%B refs/mlops/aliases/prod >msg
expect_contains msg "Remote-Tag: $remote/demo:prod"

# Whoever pulls the alias gets the package, signature included.
expect_exit 0 mlops --json pull "$remote/demo:prod" --store "$TEST_DIR/second"
expect_json "$TEST_DIR/out" .digest "$digest"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify demo:prod --key "$TEST_DIR/k.key.pub"

expect_exit 0 mlops --json model list --remote "$remote"
expect_json "$TEST_DIR/out" '.[0].alias' prod
expect_json "$TEST_DIR/out" '.[0].state' same
expect_json "$TEST_DIR/out" '.[0].digest' "$digest"

# A second version, promoted: the tag moves (the old digest was this alias's), listed in sync.
echo more >>README.md && git add README.md && git commit -qm more
expect_exit 0 mlops package build -t demo:2.0
expect_exit 0 mlops push demo:2.0 "$remote"
expect_exit 0 mlops --json model promote demo:2.0 --alias prod --remote "$remote"
expect_json "$TEST_DIR/out" .remote.previous "$digest"
digest2=$(jq -r .package.digest "$TEST_DIR/out")
expect_exit 0 mlops --json model list --remote "$remote"
expect_json "$TEST_DIR/out" '.[0].digest' "$digest2"
# A local alias the remote has no tag for.
expect_exit 0 mlops model promote demo:1.0 --alias staging
expect_exit 0 mlops --json model list --remote "$remote"
expect_json "$TEST_DIR/out" '[.[] | .alias + "=" + .state] | join(",")' "prod=same,staging=absent"

# An alias named like a version tag the remote has: that tag is not moved.
expect_exit 6 mlops model promote demo:2.0 --alias 1.0 --remote "$remote"
expect_clean_error
expect_eq "$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "1.0") | .digest' "$TEST_DIR/remote/demo/index.json")" "$digest" "the version tag 1.0"
git rev-parse -q --verify refs/mlops/aliases/1.0 >/dev/null && fail "the alias 1.0 was created although the remote refused"

# A configured remote's name.
expect_exit 0 mlops remote add models "$remote"
expect_exit 0 mlops model promote demo:1.0 --alias canary --remote models
expect_eq "$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "canary") | .digest' "$TEST_DIR/remote/demo/index.json")" "$digest" "the canary tag"
expect_exit 3 mlops model promote demo:1.0 --alias canary --remote nosuchremote
# An empty --remote (an unset variable in a script) is an error, not a local-only promotion.
expect_exit 2 mlops model promote demo:1.0 --alias empty --remote ""
expect_clean_error
git rev-parse -q --verify refs/mlops/aliases/empty >/dev/null && fail "an empty --remote promoted locally"
expect_exit 2 mlops model list --remote ""
