#!/usr/bin/env bash
# Every example in every command's --help (the "Examples:" section of `mlops --help` and of each
# `mlops CMD [SUB] --help`, walked through "Subcommands:") runs and exits 0, the examples of one
# help page in order, as a user would type them, in a fresh copy of a prepared workspace.
#
# Placeholder convention (what the examples may assume; keep new examples to it or extend it here):
# - The commands of exp, params, metrics and package run in `demo`, a project from
#   `mlops init demo --defaults` on branch main with the runs brave-otter, calm-heron,
#   lucky-otter and best-run (each `make train`; calm-heron tagged baseline), packages churn:v1, churn:v2 and churn:rc1 (demo:0.1.0
#   tagged), churn:v2 signed with ./mlops-signing.key, its export ./churn-v2.tar, a file
#   models/best.pt and a remote origin. Every other command runs in an empty directory holding
#   a template ./my-template.
# - 7ZQ4K2MX stands for the short id of brave-otter.
# - A git URL (https://HOST/.../NAME.git, git@HOST:.../NAME.git) is a local repository NAME.git:
#   repo.git (origin) or tpl.git (a template with tag v2 and branch release/2.0).
# - `mlops exp log` examples run inside a run (`mlops exp run -- bash -c EXAMPLE`).
# - skopeo lines are run by package_skopeo_commands_in_docs_work.sh, not here.
# - zsh's "${fpath[1]}" and ~/.config/fish/completions are directories that exist.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

$PYTHON -c 'import sklearn, yaml, joblib' 2>/dev/null ||
  skip "$PYTHON lacks scikit-learn, PyYAML or joblib (Debian: python3-sklearn python3-yaml python3-joblib)"

# mlops and the Debian python3 on PATH, for commands that runs start.
mkdir bin
ln -s "$MLOPS" bin/mlops
ln -s "$PYTHON" bin/python3
export PATH="$TEST_DIR/bin:$PATH"
git config --global init.defaultBranch main

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
mkdir -p "$W/scratch" "$W/remotes"
make_template "$W/scratch/my-template" <<'YAML' "README.md=# {{name}}"
name: my-template
version: "1.0.0"
questions:
  - {name: name, default: svc}
YAML
cp -a "$W/scratch/my-template" "$W/tpl"
git -C "$W/tpl" init -q
git -C "$W/tpl" add -A
git -C "$W/tpl" commit -q -m v2
git -C "$W/tpl" tag v2
git -C "$W/tpl" branch release/2.0
git clone -q --bare "$W/tpl" "$W/remotes/tpl.git"
rm -rf "$W/tpl"
git init -q --bare "$W/remotes/repo.git"

export MLOPS_HOME=$W/store
(cd "$W" && mlops init demo --defaults >/dev/null 2>&1) || fail "mlops init demo --defaults failed"
cd "$W/demo"
git remote add origin "$W/remotes/repo.git"
for run in brave-otter calm-heron lucky-otter best-run; do expect_exit 0 mlops exp run -n "$run" -- make train; done
expect_exit 0 mlops exp tag calm-heron baseline
expect_exit 0 mlops package build
for ref in churn:v1 churn:v2 churn:rc1; do expect_exit 0 mlops package tag demo:0.1.0 "$ref"; done
expect_exit 0 mlops key generate
expect_exit 0 mlops package sign churn:v2 --key mlops-signing.key
expect_exit 0 mlops package export churn:v2 churn-v2.tar
echo weights >models/best.pt
short_id=$(mlops exp list | awk '$2 == "brave-otter" {print $1}')
[ -n "$short_id" ] || fail "no short id for brave-otter in mlops exp list"
MLOPS_SIGNING_KEY=$(cat mlops-signing.key)
export MLOPS_SIGNING_KEY
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
      exp* | params* | metrics* | package*) cd "$W/demo" ;;
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
