#!/usr/bin/env bash
# A template is hostile: --dry-run on a terminal shows its escape sequences instead of sending
# them to the terminal; piped, the diff stays byte-exact (git apply takes it).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v script >/dev/null || skip "script (util-linux) is not installed"
update_template_v1 src
printf 'line 4, \033]0;owned\007\033[2J and \302\233 31m\n' >src/files/README.md.new
sed -i 's/^line 4$/__MARK__/' src/files/README.md
awk 'FNR==NR { repl = $0; next } /^__MARK__$/ { print repl; next } { print }' src/files/README.md.new src/files/README.md >src/files/x && mv src/files/x src/files/README.md
rm src/files/README.md.new
commit_template src v2
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cd proj
# Piped: raw bytes.
"$MLOPS" update --dry-run >"$TEST_DIR/piped" 2>/dev/null || fail "update --dry-run failed"
grep -q $'\033\\[2J' "$TEST_DIR/piped" || fail "the piped diff is not byte-exact"
# On a terminal (script gives one): escapes shown, not sent.
script -qec "$MLOPS update --dry-run" /dev/null >"$TEST_DIR/tty" 2>&1 || fail "update --dry-run on a terminal failed"
expect_contains "$TEST_DIR/tty" '\x1b[2J'
expect_contains "$TEST_DIR/tty" '\u009b'
if grep -q $'\033' "$TEST_DIR/tty" || grep -q $'\302\233' "$TEST_DIR/tty"; then fail "an escape sequence reached the terminal"; fi
