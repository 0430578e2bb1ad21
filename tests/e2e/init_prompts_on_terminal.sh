#!/usr/bin/env bash
# On a terminal, init asks each question, re-asks after an invalid answer, and uses the typed answers.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
command -v tmux >/dev/null || skip "tmux is not installed"

make_template tpl <<'YAML' "README.md={{project}} by {{author}} uses {{fw}}"
name: prompted
questions:
  - name: project
    prompt: Project name
    validate: {regex: '^[a-z]+$', message: lowercase letters only}
  - name: author
    default: someone
  - name: fw
    type: choice
    choices: [sklearn, pytorch]
    default: sklearn
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
wait_for "Project name"
tmux -L "$SOCK" send-keys "Bad Name" Enter
wait_for "lowercase letters only"
tmux -L "$SOCK" send-keys "good" Enter
wait_for "author"
tmux -L "$SOCK" send-keys Enter            # keep the default
wait_for "2) pytorch"
tmux -L "$SOCK" send-keys "2" Enter        # choose by number
wait_for "EXIT="
screen | grep -q "EXIT=0" || { screen >&2; fail "init did not succeed"; }
expect_eq "$(cat proj/README.md)" "good by someone uses pytorch"
