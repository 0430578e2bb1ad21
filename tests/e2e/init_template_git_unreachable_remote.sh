#!/usr/bin/env bash
# A git template URL whose server refuses the connection is a remote failure (exit 5) with a clean error; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# Port 1 on loopback: nothing listens there, so the connection is refused at once.
if (exec 3<>/dev/tcp/127.0.0.1/1) 2>/dev/null; then skip "something listens on 127.0.0.1:1"; fi
mkdir work
before=$(tree_digest work)
for url in git://127.0.0.1:1/tpl.git http://127.0.0.1:1/tpl.git@v1; do
  expect_exit 5 timeout 60 "$MLOPS" init work/proj --template "$url" --defaults
  expect_clean_error
  expect_contains "$TEST_DIR/err" "127.0.0.1"
  expect_eq "$(tree_digest work)" "$before" "work/ after init from $url"
done
