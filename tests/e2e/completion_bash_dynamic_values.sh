#!/usr/bin/env bash
# In bash, completion offers run names and ids where a run is named, package tags (with their ':') where a package is named, files for --key, import FILE and export … FILE, choices for --compression, and nothing wrong after -t or -f; -C and --store typed on the line are honoured. Checked through _mlops and in a real interactive bash (tmux).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

comp_file="$MLOPS_SOURCE_DIR/completions/mlops.bash"
mkdir bin
ln -s "$MLOPS" bin/mlops
exp_repo repo
(cd repo && "$MLOPS" -q exp run -n brave-otter -- true && "$MLOPS" -q exp run -n calm-heron -- true && "$MLOPS" exp list --all >/dev/null)
package_project
(cd proj && "$MLOPS" -q package tag demo:1.0 demo:prod)
mkdir -p other-store && cp -r "$MLOPS_HOME/." other-store/ && "$MLOPS" -q package rm --store other-store demo:1.0 demo:prod
(cd proj && "$MLOPS" -q package build --store "$TEST_DIR/other-store" -t elsewhere:1 >/dev/null)
cd repo
touch release.key release.key.pub demo.tar
mkdir deploy

# ---- (1) call _mlops the way bash does ----
cat >"$TEST_DIR/drive.bash" <<'DRIVE'
. "$1"
comp() {
  COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
  _mlops mlops "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
  echo
}
echo "show=$(comp mlops exp show '')"
echo "show-br=$(comp mlops exp show br)"
echo "diff-second=$(comp mlops exp diff brave-otter '')"
echo "apply-force=$(comp mlops exp apply -f '')"
echo "tag-run=$(comp mlops exp tag c)"
echo "tag-tags=$(comp mlops exp tag calm-heron '')"
echo "remove=$(comp mlops exp remove ca)"
echo "branch=$(comp mlops exp branch b)"
echo "from-exp=$(comp mlops package build --from-exp '')"
echo "from-exp-eq=$(comp mlops package build --from-exp=ca)"
echo "run-tag=$(comp mlops exp run -t '')"
echo "build-tag=$(comp mlops package build -t '')"
echo "init-old-t=$(comp mlops init -t ml)"
echo "list-old-f=$(comp mlops exp list -f '')"
echo "compression=$(comp mlops package build --compression '')"
echo "inspect=$(comp mlops package inspect '')"
echo "verify=$(comp mlops package verify demo:p)"
echo "unpack-ref=$(comp mlops package unpack d)"
echo "unpack-dir=$(comp mlops package unpack demo:1.0 dep)"
echo "ptag=$(comp mlops package tag '')"
echo "ptag-target=$(comp mlops package tag demo:1.0 '')"
echo "prm=$(comp mlops package rm demo:1.0 '')"
echo "export-ref=$(comp mlops package export '')"
echo "export-file=$(comp mlops package export demo:1.0 demo)"
echo "import=$(comp mlops package import demo)"
echo "sign=$(comp mlops package sign '')"
echo "sign-key=$(comp mlops package sign demo:1.0 --key rel)"
echo "verify-key=$(comp mlops package verify demo:1.0 --key release.key.)"
echo "store=$(comp mlops package inspect --store ../other-store '')"
echo "dash-C=$(cd / && comp mlops -C "$2" exp show '')"
echo "help=$(comp mlops help e)"
echo "list-opts=$(comp mlops exp list --f)"
echo "run-program=$(comp mlops exp run -- bas)"
DRIVE
PATH="$TEST_DIR/bin:$PATH" bash --norc --noprofile "$TEST_DIR/drive.bash" "$comp_file" "$TEST_DIR/repo" >"$TEST_DIR/comp" 2>"$TEST_DIR/comp.err" ||
  { cat "$TEST_DIR/comp.err" >&2; fail "driving _mlops failed"; }
[ ! -s "$TEST_DIR/comp.err" ] || { cat "$TEST_DIR/comp.err" >&2; fail "_mlops wrote to stderr"; }
check() { grep -qxF -- "$1" "$TEST_DIR/comp" || { cat "$TEST_DIR/comp" >&2; fail "expected completion: $1"; }; }
check "show=brave-otter calm-heron"
check "show-br=brave-otter"
check "diff-second=brave-otter calm-heron"
check "apply-force=brave-otter calm-heron"
check "tag-run=calm-heron"
check "tag-tags="
check "remove=calm-heron"
check "branch=brave-otter"
check "from-exp=brave-otter calm-heron"
check "from-exp-eq=--from-exp=calm-heron"
check "run-tag="
check "build-tag="
check "init-old-t=ml-project"
check "list-old-f="
check "compression=gzip none zstd"
check "inspect=demo:1.0 demo:prod"
check "verify=demo:prod"
check "unpack-ref=demo:1.0 demo:prod"
check "unpack-dir=deploy"
check "ptag=demo:1.0 demo:prod"
check "ptag-target="
check "prm=demo:1.0 demo:prod"
check "export-ref=demo:1.0 demo:prod"
check "export-file=demo.tar"
check "import=demo.tar"
check "sign=demo:1.0 demo:prod"
check "sign-key=release.key release.key.pub"
check "verify-key=release.key.pub"
check "store=elsewhere:1"
check "dash-C=brave-otter calm-heron"
check "help=executor exp"
check "list-opts=--filter"
grep -q '^run-program=.*\bbash\b' "$TEST_DIR/comp" || { cat "$TEST_DIR/comp" >&2; fail "exp run -- bas does not offer bash"; }

# ---- (2) a real interactive bash in tmux: words split at ':' and '=' by bash itself ----
command -v tmux >/dev/null || skip "tmux not found: the interactive part cannot run (the _mlops checks passed)"
tmux_shell "$TEST_DIR/repo" \
  "env -i PATH='$TEST_DIR/bin:/usr/bin:/bin' HOME='$HOME' MLOPS_HOME='$MLOPS_HOME' TERM=xterm PS1='$ ' LC_ALL=C.UTF-8 bash --norc --noprofile -i"
tmux_ send-keys "source '$comp_file'; echo sourced-ok" Enter
screen_has "sourced-ok" || fail "sourcing the completion file in an interactive bash failed"
tmux_ send-keys 'mlops exp show bra' Tab
screen_has '$ mlops exp show brave-otter' || fail "Tab did not complete a run name"
tmux_ send-keys C-u 'mlops package inspect demo:p' Tab
screen_has '$ mlops package inspect demo:prod' || fail "Tab did not complete a package tag after its ':'"
tmux_ send-keys C-u 'mlops package build --compression=zs' Tab
screen_has '$ mlops package build --compression=zstd' || fail "Tab did not complete --compression=VALUE"
tmux_ send-keys C-u 'mlops package build --from-exp=cal' Tab
screen_has '$ mlops package build --from-exp=calm-heron' || fail "Tab did not complete --from-exp=RUN"
tmux_ send-keys C-u 'mlops package verify demo:1.0 --key release.key.' Tab
screen_has '$ mlops package verify demo:1.0 --key release.key.pub' || fail "Tab did not complete the --key file"
