#!/usr/bin/env bash
# libcurl is loaded on first use only: `mlops --version`, `--help`, `template list` and a local `package list` never map it (nor the libraries it pulls in).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

check() {
  LD_DEBUG=libs "$MLOPS" "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/ld" || true
  grep -q 'calling init' "$TEST_DIR/ld" || skip "LD_DEBUG=libs reports nothing here: cannot check which libraries load"
  if grep -qE 'libcurl|libnghttp2|libssh2' "$TEST_DIR/ld"; then fail "mlops $* loaded libcurl"; fi
}
check --version
check --help
check template list
check package list
