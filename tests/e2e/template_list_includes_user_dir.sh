#!/usr/bin/env bash
# Templates in $MLOPS_TEMPLATES_DIR are listed after the built-ins and usable by name.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

export MLOPS_TEMPLATES_DIR="$TEST_DIR/my-templates"
make_template "$MLOPS_TEMPLATES_DIR/team-svc" <<'YAML' "README.md=team {{team}}"
name: team-svc
version: "0.3.0"
summary: Our team's service layout
questions:
  - {name: team, default: ml}
YAML
mkdir -p "$MLOPS_TEMPLATES_DIR/not-a-template"

expect_exit 0 mlops template list -q
expect_eq "$(cat "$TEST_DIR/out")" "$(printf 'ml-project\nteam-svc')" "template list -q"
expect_exit 0 mlops template list
grep -qE "^team-svc +0\.3\.0 +$MLOPS_TEMPLATES_DIR/team-svc +Our team's service layout$" "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "team-svc row missing"; }
expect_exit 0 mlops --json template list
expect_json "$TEST_DIR/out" '[.[].name] | join(",")' ml-project,team-svc

expect_exit 0 mlops init proj --template team-svc --defaults
expect_eq "$(cat proj/README.md)" "team ml" "README.md"

# The default location is $XDG_DATA_HOME/mlops/templates.
unset MLOPS_TEMPLATES_DIR
mkdir -p "$XDG_DATA_HOME/mlops/templates"
mv "$TEST_DIR/my-templates/team-svc" "$XDG_DATA_HOME/mlops/templates/"
expect_exit 0 mlops template list -q
expect_eq "$(cat "$TEST_DIR/out")" "$(printf 'ml-project\nteam-svc')" "template list -q from XDG_DATA_HOME"
