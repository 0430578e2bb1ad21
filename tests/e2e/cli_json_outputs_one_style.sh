#!/usr/bin/env bash
# Every --json output is one style (docs/formats.md, "JSON output"): one document; an array of objects for list commands, one object otherwise; snake_case keys (OCI's own field names aside); a template described alike by list and show.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

json() { # array|object ARGS...: `mlops --json ARGS` prints one document of that shape, snake_case keys
  local shape=$1; shift
  expect_exit 0 mlops --json "$@"
  [ "$(jq -s length "$TEST_DIR/out" 2>/dev/null)" = 1 ] || { cat "$TEST_DIR/out" >&2; fail "mlops --json $*: not one JSON document"; }
  if [ "$shape" = array ]; then
    jq -e 'type == "array" and all(.[]; type == "object")' "$TEST_DIR/out" >/dev/null || { cat "$TEST_DIR/out" >&2; fail "mlops --json $*: not an array of objects"; }
  else
    jq -e 'type == "object"' "$TEST_DIR/out" >/dev/null || { cat "$TEST_DIR/out" >&2; fail "mlops --json $*: not an object"; }
  fi
  # Keys of documents copied from OCI (manifest, config) and user-chosen names (answers) aside.
  jq -r 'if type == "object" then del(.manifest, .config, .answers) else . end
         | [.. | objects | keys[]] | unique | .[]' "$TEST_DIR/out" |
    grep -vxE '[a-z][a-z0-9_]*|mediaType|artifactType' >"$TEST_DIR/bad-keys" || true
  [ ! -s "$TEST_DIR/bad-keys" ] || { cat "$TEST_DIR/bad-keys" >&2; fail "mlops --json $*: keys not in snake_case (above)"; }
}

json object version
json array template list
jq -c '.[] | select(.name == "ml-project") | {name, version, source, location}' "$TEST_DIR/out" >"$TEST_DIR/from-list"
json object template show ml-project
jq -c '{name, version, source, location}' "$TEST_DIR/out" >"$TEST_DIR/from-show"
diff -u "$TEST_DIR/from-show" "$TEST_DIR/from-list" >&2 || fail "template list and template show describe ml-project differently"
json object init demo --defaults

make_package_project proj
cd proj
json object package build
json array package list
json object package inspect demo:1.0
json object key generate ../k.key
json object package sign demo:1.0 --key ../k.key
json object package verify demo:1.0
json object package unpack demo:1.0 ../unpacked
json object package tag demo:1.0 demo:prod
json object package export demo:1.0 ../demo.tar
json object package rm demo:prod
expect_json "$TEST_DIR/out" '.removed | join(",")' demo:prod
json object package import ../demo.tar
expect_json "$TEST_DIR/out" '.imported | join(",")' demo:1.0
json object package gc
