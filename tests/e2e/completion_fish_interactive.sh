#!/usr/bin/env bash
# In a real interactive fish (tmux), Tab completes commands, run names, package tags, option values (--compression, --key files, --opt=VALUE) and offers nothing after exp run -t.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v fish >/dev/null || skip "fish is not installed"
command -v tmux >/dev/null || skip "tmux not found: cannot drive an interactive fish"
mkdir bin
ln -s "$MLOPS" bin/mlops
exp_repo repo
(cd repo && "$MLOPS" -q exp run -n brave-otter -- true && "$MLOPS" -q exp run -n calm-heron -- true && "$MLOPS" exp list --all >/dev/null)
package_project
cd repo
touch release.key.pub

cat >"$TEST_DIR/init.fish" <<FISH
function fish_prompt; echo -n '\$ '; end
set -g fish_autosuggestion_enabled 0
source '$MLOPS_SOURCE_DIR/completions/mlops.fish'
echo fish-ready
FISH
tmux_shell "$TEST_DIR/repo" \
  "env -i PATH='$TEST_DIR/bin:/usr/bin:/bin' HOME='$HOME' MLOPS_HOME='$MLOPS_HOME' XDG_CONFIG_HOME='$TEST_DIR/fishconf' TERM=xterm LC_ALL=C.UTF-8 fish --no-config -i"
tmux_ send-keys "source '$TEST_DIR/init.fish'" Enter
screen_has "fish-ready" || fail "fish did not load the completions"
try() { # TYPED EXPECTED: Tab after TYPED shows EXPECTED on the command line
  tmux_ send-keys C-u "$1" Tab
  screen_has "\$ $2" || fail "fish: Tab after '$1' did not give '$2'"
}
try 'mlops templ' 'mlops template'
try 'mlops exp show bra' 'mlops exp show brave-otter'
try 'mlops exp diff brave-otter cal' 'mlops exp diff brave-otter calm-heron'
try 'mlops package build --from-exp cal' 'mlops package build --from-exp calm-heron'
try 'mlops package inspect demo:' 'mlops package inspect demo:1.0'
try 'mlops package build --compression zs' 'mlops package build --compression zstd'
try 'mlops package build --compression=gz' 'mlops package build --compression=gzip'
try 'mlops package verify demo:1.0 --key release.k' 'mlops package verify demo:1.0 --key release.key.pub'
try 'mlops --color alw' 'mlops --color always'
tmux_ send-keys C-u 'mlops exp run -t ml' Tab '#end'
screen_has '$ mlops exp run -t ml#end' || fail "fish: Tab after 'exp run -t ml' inserted something"
