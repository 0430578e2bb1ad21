#!/usr/bin/env bash
# A remote URL's credentials never reach stderr or stdout at -vvv, even when the URL is malformed (a raw '@' in the password makes libgit2 quote the whole URL in its own error) or carries a token in its query string: exp pull/push and init --template.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

export GIT_TERMINAL_PROMPT=0 GIT_ASKPASS=/bin/false
exp_repo repo
cd repo
# Port 1 on the loopback: nothing listens, the connection is refused at once.
urls=(
  "https://user:p@SeCrEt1@127.0.0.1:1/x.git"
  "http://user:SeCrEt2@127.0.0.1:1/x.git"
  "https://127.0.0.1:1/x.git?access_token=SeCrEt3"
  "https://oauth2:SeCrEt4@127.0.0.1:1/x.git?private_token=SeCrEt5"
)
for u in "${urls[@]}"; do
  for cmd in "exp pull" "exp push"; do
    # shellcheck disable=SC2086
    "$MLOPS" -vvv $cmd "$u" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || true
    if grep -q SeCrEt "$TEST_DIR/out" "$TEST_DIR/err"; then
      cat "$TEST_DIR/err" >&2
      fail "a credential of $u reached the output of '$cmd'"
    fi
  done
  (cd "$TEST_DIR" && "$MLOPS" -vvv init "proj$RANDOM" --defaults --template "$u" >"$TEST_DIR/out" 2>"$TEST_DIR/err") || true
  if grep -q SeCrEt "$TEST_DIR/out" "$TEST_DIR/err"; then
    cat "$TEST_DIR/err" >&2
    fail "a credential of $u reached the output of 'init --template'"
  fi
done
