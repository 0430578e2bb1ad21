#!/usr/bin/env bash
# `mlops report` lists the packages built from a run (lineage annotation ai.mlops.exp.id) and whether they are signed, with the key id.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_package_project proj
cd proj
printf 'metrics: [metrics.json]\n' >>mlops.yaml
git commit -qam metrics
expect_exit 0 mlops exp run -n r -- sh -c 'echo "{\"accuracy\": 0.95}" > metrics.json'
expect_exit 0 mlops exp run -n other -- sh -c 'echo "{\"accuracy\": 0.9}" > metrics.json'
expect_exit 0 mlops package build -t demo:signed --from-exp r
expect_exit 0 mlops --json key generate k.key
key_id=$(jq -r .key_id "$TEST_DIR/out")
expect_exit 0 mlops package sign demo:signed --key k.key
expect_exit 0 mlops report r other
expect_contains "$TEST_DIR/out" "### Packages"
grep -q "^| r ([0-9A-Z]*) | demo:signed | sha256:.* | signed (key $key_id) |$" "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "no signed package row"; }
sed -n '/^### Packages/,$p' "$TEST_DIR/out" | grep -q '^| other (' && fail "a package row for a run without package"
expect_exit 0 mlops --json report r
expect_json "$TEST_DIR/out" '.runs[0].packages[0].ref' demo:signed
expect_json "$TEST_DIR/out" '.runs[0].packages[0].signed' true
expect_json "$TEST_DIR/out" '.runs[0].packages[0].key_id' "$key_id"
