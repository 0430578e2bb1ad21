#!/usr/bin/env bash
# `mlops template show nosuch` exits 3 with a clean error whose hint lists the available templates.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

export MLOPS_TEMPLATES_DIR="$TEST_DIR/tpls"
make_template "$MLOPS_TEMPLATES_DIR/team-svc" <<'YAML' "README.md=hi"
name: team-svc
YAML
expect_exit 3 mlops template show nosuch
expect_clean_error
expect_contains "$TEST_DIR/err" "unknown template 'nosuch'"
grep '^hint:' "$TEST_DIR/err" | grep -q 'ml-project' || fail "the hint does not list ml-project"
grep '^hint:' "$TEST_DIR/err" | grep -q 'team-svc' || fail "the hint does not list team-svc"
expect_eq "$(cat "$TEST_DIR/out")" "" "stdout"
