#!/usr/bin/env bash
# The bash completion script completes commands, subcommands, options and their values, both through _mlops and in a real interactive bash (tmux).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

comp_file="$MLOPS_SOURCE_DIR/completions/mlops.bash"
expect_file "$comp_file"
mkdir bin empty
ln -s "$MLOPS" bin/mlops    # the script runs `mlops template list -q`
mkdir empty/mytpl           # directories are offered as --template values too

# ---- (1) call _mlops the way bash does ----
cat >"$TEST_DIR/drive.bash" <<'DRIVE'
. "$1"
complete -p mlops
# comp WORD... : completes the last word (may be empty) and prints COMPREPLY sorted on one line
comp() {
  COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
  _mlops mlops "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
  echo
}
echo "te=$(comp mlops te)"
echo "template=$(comp mlops template '')"
echo "init-te=$(comp mlops init --te)"
echo "init-template=$(comp mlops init --template '')"
echo "color=$(comp mlops --color '')"
echo "completion=$(comp mlops completion '')"
echo "json-template=$(comp mlops --json template '')"
echo "quiet-init-te=$(comp mlops -q init --te)"
echo "init-force-template=$(comp mlops init --force --template ml)"
echo "set-then-opt=$(comp mlops init -s framework=pytorch --no)"
DRIVE
(cd empty && PATH="$TEST_DIR/bin:$PATH" bash --norc --noprofile "$TEST_DIR/drive.bash" "$comp_file") >"$TEST_DIR/comp" 2>"$TEST_DIR/comp.err" ||
  { cat "$TEST_DIR/comp.err" >&2; fail "driving _mlops failed"; }
[ ! -s "$TEST_DIR/comp.err" ] || { cat "$TEST_DIR/comp.err" >&2; fail "_mlops wrote to stderr"; }
check() { grep -qxF -- "$1" "$TEST_DIR/comp" || { cat "$TEST_DIR/comp" >&2; fail "expected completion: $1"; }; }
grep -qE '^complete .*-F _mlops mlops$' "$TEST_DIR/comp" || { cat "$TEST_DIR/comp" >&2; fail "complete -p mlops does not show _mlops"; }
check "te=template"
check "template=list show"
check "init-te=--template"
check "init-template=ml-project mytpl"
check "color=always auto never"
check "completion=bash fish zsh"
check "json-template=list show"        # a flag does not swallow the next word
check "quiet-init-te=--template"
check "init-force-template=ml-project"
check "set-then-opt=--no-git"

# ---- (2) a real interactive bash in tmux ----
command -v tmux >/dev/null || skip "tmux not found: the interactive part cannot run (the _mlops checks passed)"
tmux_shell "$TEST_DIR/empty" \
  "env -i PATH='$TEST_DIR/bin:/usr/bin:/bin' HOME='$HOME' TERM=xterm PS1='$ ' LC_ALL=C.UTF-8 bash --norc --noprofile -i"
tmux_ send-keys "source '$comp_file'; echo sourced-ok" Enter
screen_has "sourced-ok" || fail "sourcing the completion file in an interactive bash failed"
tmux_ send-keys 'mlops templ' Tab
screen_has '$ mlops template' || fail "Tab did not complete 'mlops templ' to 'mlops template'"
tmux_ send-keys 'l' Tab     # the completion added the space: this is the next word
screen_has '$ mlops template list' || fail "Tab did not complete 'mlops template l' to 'mlops template list'"
tmux_ send-keys C-u 'mlops init --template ml-pr' Tab
screen_has '$ mlops init --template ml-project' || fail "Tab did not complete the template name"
tmux_ send-keys C-u 'mlops --json templ' Tab
screen_has '$ mlops --json template' || fail "Tab did not complete 'mlops --json templ'"
