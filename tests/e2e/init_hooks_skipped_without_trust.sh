#!/usr/bin/env bash
# Without --trust the template's hooks do not run; a warning names each of them and init succeeds.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi"
name: hooked
hooks:
  pre_generate:
    - ["sh", "-c", "touch \"$MARK_DIR/pre-ran\""]
  post_generate:
    - "touch post-ran && touch \"$MARK_DIR/post-ran\""
    - ["hooks/notify.sh", "--channel", "ml"]
YAML
mkdir tpl/hooks
# shellcheck disable=SC2016  # expanded by the hook
printf '#!/bin/sh\ntouch "$MARK_DIR/notify-ran"\n' >tpl/hooks/notify.sh
chmod 755 tpl/hooks/notify.sh
mkdir marks
export MARK_DIR="$TEST_DIR/marks"
expect_exit 0 mlops init proj --template ./tpl
expect_file proj/README.md
expect_no_path marks/pre-ran
expect_no_path marks/post-ran
expect_no_path proj/post-ran
expect_no_path marks/notify-ran
expect_contains "$TEST_DIR/err" "warning:"
expect_contains "$TEST_DIR/err" "--trust"
# shellcheck disable=SC2016  # literal $MARK_DIR
expect_contains "$TEST_DIR/err" 'touch "$MARK_DIR/pre-ran"'
# shellcheck disable=SC2016
expect_contains "$TEST_DIR/err" 'touch post-ran && touch "$MARK_DIR/post-ran"'
expect_contains "$TEST_DIR/err" 'hooks/notify.sh --channel ml'
