#!/usr/bin/env bash
# On a terminal, a secret answer is not echoed, and when it fails validation the problem shown does not quote it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
command -v tmux >/dev/null || skip "tmux is not installed"

make_template tpl <<'YAML' "README.md=hi"
name: prompted
questions:
  - name: token
    prompt: API token
    secret: true
    validate: {regex: '^[0-9]+$'}
YAML

SOCK="mlops-test-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; on_exit' EXIT
tmux -L "$SOCK" new-session -d -x 160 -y 40 \
  "cd '$TEST_DIR' && '$MLOPS' init proj --template ./tpl --no-git; echo EXIT=\$?; sleep 30"
screen() { tmux -L "$SOCK" capture-pane -p; }
wait_for() { # TEXT
  for _ in $(seq 100); do screen | grep -qF -- "$1" && return 0; sleep 0.1; done
  screen >&2; fail "timed out waiting for: $1"
}
wait_for "API token"
tmux -L "$SOCK" send-keys "tok_TOPSECRET" Enter
wait_for "does not match"
tmux -L "$SOCK" send-keys "12345" Enter
wait_for "EXIT="
screen | grep -q "EXIT=0" || { screen >&2; fail "init did not succeed"; }
if screen | grep -qF tok_TOPSECRET; then screen >&2; fail "the secret is on the screen"; fi
if screen | grep -qF 12345; then screen >&2; fail "the secret is on the screen"; fi
