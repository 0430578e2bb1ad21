#!/usr/bin/env bash
# build, verify, unpack, export, import and sign draw a progress line (bytes, total, percentage;
# rate and ETA once measurable) on stderr when it is a terminal (run under script(1)), erased
# before the result; never in a pipe or a file, with NO_COLOR set, with -q or with --json.
. "$(dirname "$0")/harness.sh"
command -v script >/dev/null || skip "script (util-linux) is needed"

make_package_project proj
# on_tty NAME CMD...: runs CMD on a pseudo-terminal in proj/, its output in NAME.tty.
on_tty() {
  local name=$1; shift
  local cmd
  printf -v cmd '%q ' "$@"
  (cd proj && env -u NO_COLOR script -qfec "$cmd" /dev/null </dev/null >"$TEST_DIR/$name.tty") || fail "$name failed on a terminal"
}

on_tty build "$MLOPS" package build
expect_contains build.tty "build: hashing"
expect_contains build.tty "/ 1.9 MiB"
expect_contains build.tty "built demo:1.0"
on_tty verify "$MLOPS" package verify demo:1.0
expect_contains verify.tty "verify: verifying"
on_tty unpack "$MLOPS" package unpack demo:1.0 ../unpacked
expect_contains unpack.tty "unpack: unpacking"
on_tty export "$MLOPS" package export demo:1.0 ../demo.tar
expect_contains export.tty "export: writing demo.tar"
on_tty import "$MLOPS" package import ../demo.tar --store ../other
expect_contains import.tty "import: reading demo.tar"
"$MLOPS" key generate "$TEST_DIR/signing.key" >/dev/null 2>&1
on_tty sign "$MLOPS" package sign demo:1.0 --key ../signing.key
expect_contains sign.tty "sign: hashing files"
# The line is erased (spaces over it, back to its start) before the result is printed.
grep -qa $'\r *\r' build.tty || fail "the progress line was not erased"

# Never without a terminal, with NO_COLOR, -q or --json.
(cd proj && NO_COLOR=1 script -qfec "$(printf '%q ' "$MLOPS" package verify demo:1.0)" /dev/null </dev/null >"$TEST_DIR/nocolor.tty") ||
  fail "verify failed on a terminal with NO_COLOR"
expect_contains nocolor.tty "ok:"
expect_not_contains nocolor.tty "verifying"
rm -rf unpacked other demo.tar
(cd proj && "$MLOPS" package build 2>"$TEST_DIR/pipe.err" | cat >/dev/null)
expect_not_contains pipe.err "hashing"
grep -qa $'\r' pipe.err && fail "a carriage return reached a file"
on_tty quiet "$MLOPS" -q package verify demo:1.0
expect_not_contains quiet.tty "verifying"
on_tty json "$MLOPS" --json package verify demo:1.0
expect_not_contains json.tty "verifying"
on_tty json_unpack "$MLOPS" --json package unpack demo:1.0 ../unpacked
expect_not_contains json_unpack.tty "unpacking"
