#!/usr/bin/env bash
# Every example in every command's --help (the "Examples:" section of `mlops --help` and of each
# `mlops CMD [SUB] --help`, walked through "Subcommands:") runs and exits 0, the examples of one
# help page in order, as a user would type them, in a fresh copy of a prepared workspace.
#
# The placeholders are docs_workspace's (harness.sh; docs/architecture.md "Tests"): the
# commands of exp, params, metrics, package and remote run in its `demo`, the others in its `scratch`
# (an empty directory but for ./my-template). Here also:
# - 7ZQ4K2MX stands for the short id of brave-otter.
# - A git URL (https://HOST/.../NAME.git, git@HOST:.../NAME.git) is the local NAME.git.
# - `mlops exp log` examples run inside a run (`mlops exp run -- bash -c EXAMPLE`).
# - REGISTRY_TOKEN holds a token (mlops login reads it on stdin).
# - MLOPS_SIGNING_KEY holds demo/mlops-signing.key; zsh's "${fpath[1]}", the bash and fish
#   completion directories exist.
# - skopeo lines are run by package_skopeo_commands_in_docs_work.sh, not here.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# ---- the examples, by help page ----
# walk CMD...: "=== CMD..." then the example lines of its help page, then its subcommands' pages.
walk() {
  local page sub subs
  page=$("$MLOPS" "$@" --help) || fail "mlops $* --help failed"
  echo "=== $*"
  awk '/^Examples:/ {e = 1; next} e && /^[^ ]/ {e = 0} e && /^  [^ ]/' <<<"$page" | sed -E 's/^  //; s/[[:space:]]+# .*$//'
  mapfile -t subs < <(awk '/^Subcommands:/ {s = 1; next} s && /^[^ ]/ {s = 0} s && /^  [a-z]/ {sub(",", "", $1); print $1}' <<<"$page")
  for sub in "${subs[@]}"; do
    walk "$@" "$sub"
  done
}
walk >examples.txt
n_examples=$(grep -vc '^===' examples.txt || true)
[ "$n_examples" -ge 60 ] || { cat examples.txt >&2; fail "expected at least 60 help examples, found $n_examples"; }

# ---- the prepared workspace, built in $W and kept in base/ ----
W=$TEST_DIR/w
docs_workspace "$W"
cd "$W/demo"
short_id=$(mlops exp list | awk '$2 == "brave-otter" {print $1}')
[ -n "$short_id" ] || fail "no short id for brave-otter in mlops exp list"
MLOPS_SIGNING_KEY=$(cat mlops-signing.key)
export MLOPS_SIGNING_KEY
export REGISTRY_TOKEN=example-registry-token
mkdir -p "$HOME/.local/share/bash-completion/completions" "$HOME/.config/fish/completions" "$HOME/.zfunctions"
# shellcheck disable=SC2034  # read by the zsh completion example through eval
fpath=(/usr/share/zsh/functions "$HOME/.zfunctions")  # bash counts from 0: ${fpath[1]} is the second
cd "$TEST_DIR"
mv "$W" "$TEST_DIR/base"

# ---- run them ----
ran=0
page=
while IFS= read -r line; do
  if [[ $line == "=== "* ]] || [ "$line" = "===" ]; then
    page=${line#===}
    page=${page# }
    rm -rf "$W"
    cp -a "$TEST_DIR/base" "$W"
    case $page in
      exp* | params* | metrics* | package* | remote* | update* | check* | report* | model* | repro* | status* | dag* | data* | cache*) cd "$W/demo" ;;
      *) cd "$W/scratch" ;;
    esac
    continue
  fi
  [[ $line == skopeo\ * ]] && continue
  cmd=${line//7ZQ4K2MX/$short_id}
  cmd=$(sed -E "s#(https://[^ /]+/|git@[^ :]+:)([^ ]*/)?([A-Za-z0-9_-]+\.git)#file://$W/remotes/\3#g" <<<"$cmd")
  if [[ $cmd == "mlops exp log "* ]]; then
    cmd="mlops exp run -- bash -c $(printf %q "$cmd")"
  fi
  ran=$((ran + 1))
  got=0
  (eval "$cmd") >"$TEST_DIR/out" 2>"$TEST_DIR/err" </dev/null || got=$?
  if [ "$got" != 0 ]; then
    echo "--- stdout:" >&2; cat "$TEST_DIR/out" >&2
    echo "--- stderr:" >&2; cat "$TEST_DIR/err" >&2
    fail "'mlops $page --help' example exits $got: $line"
  fi
  # An example that pipes into jq shows data: the pipe has some.
  if [[ $cmd == *"| jq"* ]] && { [ ! -s "$TEST_DIR/out" ] || grep -qx null "$TEST_DIR/out"; }; then
    fail "'mlops $page --help' example prints nothing: $line"
  fi
done <examples.txt
[ "$ran" -ge 55 ] || fail "ran only $ran help examples"
echo "ran $ran help examples"
