#!/usr/bin/env bash
# On a terminal, a multichoice answer that is a number too big for any integer type is asked again, not a crash.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
command -v tmux >/dev/null || skip "tmux is not installed"

make_template tpl <<'YAML' "README.md=ci {{#ci}}{{.}} {{/ci}}"
name: prompted
questions:
  - name: ci
    type: multichoice
    choices: [github, gitlab]
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
wait_for "2) gitlab"
tmux -L "$SOCK" send-keys "99999999999999999999999999" Enter
wait_for "is not one of"
tmux -L "$SOCK" send-keys "2" Enter
wait_for "EXIT="
screen | grep -q "EXIT=0" || { screen >&2; fail "init did not succeed"; }
expect_eq "$(cat proj/README.md)" "ci gitlab " "proj/README.md"
