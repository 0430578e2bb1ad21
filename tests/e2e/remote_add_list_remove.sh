#!/usr/bin/env bash
# mlops remote add/list/remove keep remotes in mlops.yaml; --default sets default_remote,
# and removing the default remote removes default_remote too.
. "$(dirname "$0")/harness.sh"

mkdir proj && cd proj
printf 'schema: 1\nproject: demo\n' >mlops.yaml
expect_exit 0 mlops remote add team oci://registry.example/team --default
expect_exit 0 mlops remote add backup s3://models-bucket/churn
expect_exit 0 mlops remote list
expect_contains "$TEST_DIR/out" "team (default)	oci://registry.example/team"
expect_contains "$TEST_DIR/out" "backup	s3://models-bucket/churn"
expect_exit 0 mlops --json remote list
expect_json "$TEST_DIR/out" '.[0].name + " " + .[0].url + " " + (.[0].default|tostring)' "team oci://registry.example/team true"
expect_json "$TEST_DIR/out" '.[1].default' false
grep -q '^default_remote: team$' mlops.yaml || fail "default_remote not written"

# The same name twice is a conflict; the file stays as it was.
cp mlops.yaml "$TEST_DIR/before"
expect_exit 6 mlops remote add team file:///srv/other
expect_clean_error
cmp -s mlops.yaml "$TEST_DIR/before" || fail "mlops.yaml changed"

# A subdirectory edits the same project file.
mkdir -p src/x && (cd src/x && expect_exit 0 mlops remote remove team)
expect_contains "$TEST_DIR/err" "no default remote now"
grep -q default_remote mlops.yaml && fail "default_remote left behind"
expect_exit 0 mlops --json remote list
expect_json "$TEST_DIR/out" 'length' 1
expect_exit 3 mlops remote remove team
expect_clean_error
expect_exit 3 mlops remote rm bakup
expect_contains "$TEST_DIR/err" "backup"
expect_exit 0 mlops remote rm backup
expect_eq "$(cat mlops.yaml)" "$(printf 'schema: 1\nproject: demo')"

# Outside a project, add is a usage error; list still works (the user config's remotes).
cd "$TEST_DIR"
expect_exit 2 mlops remote add a file:///srv/a
expect_clean_error
mkdir -p "$XDG_CONFIG_HOME/mlops"
printf 'remotes:\n  shared: {url: "oci://h/shared"}\n' >"$XDG_CONFIG_HOME/mlops/config.yaml"
expect_exit 0 mlops remote list
expect_contains "$TEST_DIR/out" "shared	oci://h/shared"
