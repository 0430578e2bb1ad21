#!/usr/bin/env bash
# `mlops login HOST -u USER --password-stdin` is the documented syntax (docker login's, and the
# issue's): -u,--username shows in the help and the completions; both spellings work.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 0 mlops login --help
expect_contains "$TEST_DIR/out" "-u,--username"
expect_exit 0 mlops completion bash
expect_contains "$TEST_DIR/out" "'/login') opts='--help -h --help-all --username -u"
printf 'pw\n' >pw
expect_exit 0 mlops login 127.0.0.1:9 -u ci --password-stdin <pw
expect_exit 0 mlops login 127.0.0.1:9 --username ci --password-stdin <pw
expect_exit 2 mlops login 127.0.0.1:9 --password-stdin <pw
expect_contains "$TEST_DIR/err" "-u USER"
