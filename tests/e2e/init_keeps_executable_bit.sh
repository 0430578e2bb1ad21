#!/usr/bin/env bash
# An executable template file stays executable in the project and is committed as mode 100755; others stay 100644.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "scripts/run.sh=#!/bin/sh
echo {{greeting}}" "plain.txt={{greeting}}"
name: exec-bit
questions:
  - {name: greeting, default: hi}
YAML
chmod 755 tpl/files/scripts/run.sh
chmod 644 tpl/files/plain.txt

expect_exit 0 mlops init proj --template ./tpl --defaults
[ -x proj/scripts/run.sh ] || fail "scripts/run.sh lost its executable bit"
[ ! -x proj/plain.txt ] || fail "plain.txt became executable"
expect_eq "$(proj/scripts/run.sh)" "hi" "output of the rendered script"
expect_eq "$(git -C proj ls-files -s scripts/run.sh | cut -d' ' -f1)" 100755 "git mode of scripts/run.sh"
expect_eq "$(git -C proj ls-files -s plain.txt | cut -d' ' -f1)" 100644 "git mode of plain.txt"
