#!/usr/bin/env bash
# `mlops template show ml-project --json` describes the template with every question, its type, default and choices.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 0 mlops --json template show ml-project
expect_json "$TEST_DIR/out" '.name' ml-project
expect_json "$TEST_DIR/out" '.version' 1.3.0
expect_json "$TEST_DIR/out" '.source' builtin
expect_json "$TEST_DIR/out" '.delimiters | join(" ")' '[[ ]]'
expect_json "$TEST_DIR/out" '[.questions[].name] | join(",")' \
  project_name,package_name,description,author_name,author_email,python_version,framework,model,ci,license,include_notebooks
expect_json "$TEST_DIR/out" '.questions[] | select(.name == "framework") | .type' choice
expect_json "$TEST_DIR/out" '.questions[] | select(.name == "framework") | .default' sklearn
expect_json "$TEST_DIR/out" '[.questions[] | select(.name == "framework") | .choices[].value] | join(",")' sklearn,pytorch
expect_json "$TEST_DIR/out" '.questions[] | select(.name == "ci") | .type' multichoice
expect_json "$TEST_DIR/out" '.questions[] | select(.name == "ci") | .default | join(",")' github
expect_json "$TEST_DIR/out" '.questions[] | select(.name == "model") | .when' framework_is_sklearn
expect_json "$TEST_DIR/out" '.questions[] | select(.name == "include_notebooks") | .type' bool
[ "$(jq '.files' "$TEST_DIR/out")" -gt 10 ] || fail "files count is implausible"

# The text form lists the questions too.
expect_exit 0 mlops template show ml-project
expect_contains "$TEST_DIR/out" "Questions:"
grep -qE '^framework +choice +sklearn +sklearn\|pytorch' "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "framework row missing"; }
