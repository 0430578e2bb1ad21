#!/usr/bin/env bash
# A binary template file (NUL bytes) is copied byte for byte, even when it contains {{x}}; text files beside it are rendered.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "text.txt=x is {{x}}"
name: binary
questions:
  - {name: x, default: VALUE}
YAML
mkdir -p tpl/files/assets
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR{{x}}\0\xff\xfe{{#x}}\n' >tpl/files/assets/logo.png
head -c 3000 /dev/urandom >>tpl/files/assets/logo.png
printf '{{x}}\n' >>tpl/files/assets/logo.png

expect_exit 0 mlops init proj --template ./tpl --defaults
cmp tpl/files/assets/logo.png proj/assets/logo.png || fail "assets/logo.png is not byte-identical"
expect_eq "$(cat proj/text.txt)" "x is VALUE" "text.txt"
# Committed byte for byte too.
expect_eq "$(git -C proj rev-parse HEAD:assets/logo.png)" "$(git hash-object tpl/files/assets/logo.png)" "blob of assets/logo.png"
