#!/usr/bin/env bash
# Without a terminal `mlops login` never prompts: it fails with a usage error (exit 2) and a hint to pipe the password with --password-stdin; --password-stdin without -u, an empty password and a bad host are usage errors too, and nothing is written.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 2 mlops login registry.example -u ci </dev/null
expect_contains "$TEST_DIR/err" "no terminal to ask for the password"
expect_contains "$TEST_DIR/err" "--password-stdin"
echo secret >pw
expect_exit 2 mlops login registry.example --password-stdin <pw
expect_contains "$TEST_DIR/err" "needs --username"
expect_exit 2 mlops login registry.example -u ci --password-stdin </dev/null
expect_contains "$TEST_DIR/err" "empty password"
expect_exit 2 mlops login 'bad host/../x' -u ci --password-stdin <pw
expect_exit 2 mlops login '' -u ci --password-stdin <pw
expect_no_path "$XDG_CONFIG_HOME/mlops/credentials.json"
