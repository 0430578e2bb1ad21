# shellcheck shell=bash
# Shared harness for end-to-end scenarios: one behaviour per file, run against the real
# binary ($MLOPS) in a fresh temporary directory. Source it first:
#   . "$(dirname "$0")/harness.sh"
# Exit 0 = pass, 77 = skipped (with the reason printed), anything else = fail.
set -euo pipefail

: "${MLOPS:?set MLOPS to the mlops binary (ctest does)}"
MLOPS_SOURCE_DIR=${MLOPS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TEST_NAME=$(basename "$0" .sh)
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mlops-e2e-$TEST_NAME.XXXXXX")
export HOME="$TEST_DIR/home" XDG_CONFIG_HOME="$TEST_DIR/home/.config" XDG_DATA_HOME="$TEST_DIR/home/.local/share"
export MLOPS_HOME="$TEST_DIR/home/.local/share/mlops"
mkdir -p "$HOME"
# A known git identity; scenarios about the fallback unset these.
export GIT_AUTHOR_NAME="Test User" GIT_AUTHOR_EMAIL="test@example.com"
export GIT_COMMITTER_NAME="Test User" GIT_COMMITTER_EMAIL="test@example.com"
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 LC_ALL=C.UTF-8
unset MLOPS_TEMPLATES_DIR CI
cd "$TEST_DIR"

# Processes (PID, or -PGID for a group) to SIGKILL when the scenario ends, e.g. background
# runs a failing scenario would otherwise leave behind.
KILL_ON_EXIT=()
on_exit() {
  local rc=$? p
  for p in "${KILL_ON_EXIT[@]}"; do kill -KILL -- "$p" 2>/dev/null || true; done
  if [ "$rc" = 0 ] || [ "$rc" = 77 ]; then
    rm -rf "$TEST_DIR"
  else
    echo "FAILED: $TEST_NAME (exit $rc); files kept in $TEST_DIR" >&2
  fi
}
trap on_exit EXIT
trap 'echo "command failed at $0:$LINENO: $BASH_COMMAND" >&2' ERR

mlops() { "$MLOPS" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skipped: $*"; exit 77; }

# expect_exit CODE CMD...: run CMD (stdout to $TEST_DIR/out, stderr to $TEST_DIR/err)
# and check its exit code.
expect_exit() {
  local want=$1; shift
  local got=0
  "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || got=$?
  if [ "$got" != "$want" ]; then
    echo "--- stdout:" >&2; cat "$TEST_DIR/out" >&2
    echo "--- stderr:" >&2; cat "$TEST_DIR/err" >&2
    fail "expected exit $want, got $got: $*"
  fi
}
expect_file() { [ -f "$1" ] || fail "expected file $1"; }
expect_no_path() { if [ -e "$1" ] || [ -L "$1" ]; then fail "expected $1 not to exist"; fi; }
expect_contains() { # FILE TEXT
  grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; cat "$1" >&2; fail "expected $1 to contain: $2"; }
}
expect_not_contains() {
  ! grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; cat "$1" >&2; fail "expected $1 not to contain: $2"; }
}
expect_eq() { [ "$1" = "$2" ] || fail "expected '$2', got '$1'${3:+ ($3)}"; }
# expect_json FILE JQ-EXPR VALUE
expect_json() {
  local got
  got=$(jq -r "$2" "$1") || fail "invalid JSON in $1"
  [ "$got" = "$3" ] || { cat "$1" >&2; fail "expected $2 = '$3', got '$got'"; }
}
# One line on stderr, no stack trace, no sanitizer report.
expect_clean_error() {
  local lines
  lines=$(grep -cv '^hint:' "$TEST_DIR/err" || true)
  [ "$lines" -le 1 ] || { cat "$TEST_DIR/err" >&2; fail "expected a one-line error, got $lines lines"; }
  expect_contains "$TEST_DIR/err" "mlops: error:"
  expect_not_contains "$TEST_DIR/err" "Sanitizer"
  expect_not_contains "$TEST_DIR/err" "terminate called"
}
# Snapshot of everything under a directory (paths, types, sizes, modes, content hashes).
tree_digest() {
  (cd "$1" && find . -printf '%p %y %s %m %l\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) | sha256sum | cut -d' ' -f1
}
# A minimal template in DIR with the given manifest body (stdin) and files from FILE=CONTENT args.
make_template() {
  local dir=$1; shift
  mkdir -p "$dir/files"
  cat >"$dir/mlops-template.yaml"
  local kv
  for kv in "$@"; do
    mkdir -p "$(dirname "$dir/files/${kv%%=*}")"
    printf '%s\n' "${kv#*=}" >"$dir/files/${kv%%=*}"
  done
}
# shellcheck disable=SC2034  # used by the scenarios that source this file
PYTHON=/usr/bin/python3

# ---- for tests/integration: the loopback servers of tests/servers/start.sh ----
# use_test_server NAME (GIT_DAEMON, GIT_HTTP, OCI, S3, ...): loads the servers' variables from
# $MLOPS_TEST_ENV (and only those: stale MLOPS_TEST_* from the caller's shell are dropped),
# skips with the reason unless server NAME is up, and makes git fail instead of prompting.
use_test_server() {
  if [ -z "${MLOPS_TEST_ENV:-}" ] || [ ! -r "$MLOPS_TEST_ENV" ]; then
    skip "MLOPS_TEST_ENV is not set or not readable (start tests/servers/start.sh RUN_DIR, or run through ctest -L integration)"
  fi
  local v
  for v in $(compgen -v MLOPS_TEST_); do [ "$v" = MLOPS_TEST_ENV ] || unset "$v"; done
  # shellcheck source=/dev/null
  . "$MLOPS_TEST_ENV"
  local url="MLOPS_TEST_$1_URL" why="MLOPS_TEST_SKIP_$1"
  [ -n "${!url:-}" ] || skip "$1: ${!why:-not available}"
  export GIT_TERMINAL_PROMPT=0 GIT_ASKPASS=/bin/false
}
# daemon_repo PREFIX: a new empty bare repository the git daemon serves (after use_test_server
# GIT_DAEMON); sets bare (its path) and url.
daemon_repo() {
  local name="$1-$$-$RANDOM.git"
  bare="$MLOPS_TEST_GIT_DAEMON_ROOT/$name"
  git init -q --bare -b main "$bare"
  url="$MLOPS_TEST_GIT_DAEMON_URL/$name"
}
# with_creds URL USER PASSWORD: the URL with user:password@ after the scheme.
with_creds() { printf '%s://%s:%s@%s' "${1%%://*}" "$2" "$3" "${1#*://}"; }

# ---- for the `mlops exp` scenarios ----
# A git repository DIR (branch main) with one commit: params.yaml (lr, depth, optimizer),
# mlops.yaml declaring params.yaml and metrics.json, and train.sh.
exp_repo() {
  local dir=$1
  git init -q -b main "$dir"
  printf 'lr: 0.1\ndepth: 3\noptimizer: sgd\n' >"$dir/params.yaml"
  printf 'params: [params.yaml]\nmetrics: [metrics.json]\n' >"$dir/mlops.yaml"
  printf '#!/bin/sh\necho training\n' >"$dir/train.sh"
  chmod 755 "$dir/train.sh"
  git -C "$dir" add -A
  git -C "$dir" commit -q -m base
}
# exp_repo_on_remote DIR BARE: exp_repo DIR, its main pushed to a new bare repository BARE
# (the sweeps through a git remote); the caller is left in DIR.
exp_repo_on_remote() {
  git init -q --bare -b main "$2"
  exp_repo "$1"
  cd "$1" && git push -q "$2" main
}
# git_remote_sweep ARGS...: a sweep through a git remote on the fake Slurm (use_fake_slurm):
# exp_repo_on_remote a $TEST_DIR/remote.git (sets remote; the caller is left in a), then
# `mlops exp run --executor slurm --remote "$remote" ARGS...` (sets sweep, its id).
git_remote_sweep() {
  remote=$TEST_DIR/remote.git
  exp_repo_on_remote a "$remote"
  expect_exit 0 mlops exp run --executor slurm --remote "$remote" "$@"
  # shellcheck disable=SC2034  # read by the scenarios
  sweep=$(cat "$TEST_DIR/out")
}
# tree_digest of a working tree, leaving out its .git.
worktree_digest() {
  (cd "$1" && find . -path ./.git -prune -o -printf '%p %y %s %m %l\n' | LC_ALL=C sort &&
    find . -path ./.git -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) | sha256sum | cut -d' ' -f1
}
# exp_field RUN JQ-EXPR: a field of `mlops --json exp show RUN`.
exp_field() { "$MLOPS" --json exp show "$1" | jq -r "$2"; }
# git fsck --strict in the current repository: exit 0 and nothing to say.
expect_fsck_clean() {
  git fsck --strict --no-dangling --no-progress >"$TEST_DIR/fsck" 2>&1 || { cat "$TEST_DIR/fsck" >&2; fail "git fsck failed"; }
  [ ! -s "$TEST_DIR/fsck" ] || { cat "$TEST_DIR/fsck" >&2; fail "git fsck complains"; }
}

# ---- for the `mlops package` scenarios ----
# A git repository DIR (one commit) whose mlops.yaml packages models/model.bin (raw layer),
# src/ (a tar with a symlink inside) and README.md; `mlops package build` tags it demo:1.0.
make_package_project() {
  local dir=$1
  git init -q -b main "$dir"
  mkdir -p "$dir/models" "$dir/src/pkg"
  head -c 2000000 /dev/urandom >"$dir/models/model.bin"
  printf 'print("hi")\n' >"$dir/src/pkg/__init__.py"
  printf '#!/bin/sh\necho run\n' >"$dir/src/run.sh"
  chmod 755 "$dir/src/run.sh"
  ln -s pkg/__init__.py "$dir/src/alias.py"
  printf '# demo\n' >"$dir/README.md"
  cat >"$dir/mlops.yaml" <<'YAML'
schema: 1
package:
  name: demo
  version: "1.0"
  description: A demo model
  license: MIT
  authors: ["Test User <test@example.com>"]
  model:
    - path: models/model.bin
      framework: sklearn
      format: joblib
  code: [src/]
  docs: [README.md]
YAML
  git -C "$dir" add -A
  git -C "$dir" commit -q -m base
  # Files written in the last 100 ms are "racy" and not remembered by the digest cache;
  # scenarios that count what a rebuild reads start after that window.
  sleep 0.2
}
# Path of a blob in the store.
store_blob() { echo "$MLOPS_HOME/blobs/sha256/${1#sha256:}"; }
# build_package DIR: `mlops package build` there; its output is shown if it fails the scenario.
build_package() {
  (cd "$1" && "$MLOPS" package build >"$TEST_DIR/build.out" 2>&1) ||
    { cat "$TEST_DIR/build.out" >&2; fail "package build failed"; }
}
# demo:1.0 built from make_package_project in ./proj. Scenarios that need more files call
# make_package_project proj, add and commit them, then build_package proj.
package_project() {
  make_package_project proj
  build_package proj
}
# The digest of demo:1.0's manifest in the store's index.json.
package_digest() { jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "demo:1.0") | .digest' "$MLOPS_HOME/index.json"; }
# The digest of the signature manifest of demo:1.0 (its referrer in index.json).
signature_digest() { jq -r --arg d "$(package_digest)" '.manifests[] | select(.annotations["ai.mlops.subject"] == $d) | .digest' "$MLOPS_HOME/index.json"; }
# flip_byte FILE OFFSET: the byte there becomes another one.
flip_byte() {
  local b
  b=$(dd if="$1" bs=1 skip="$2" count=1 status=none | od -An -tu1 | tr -d ' ')
  chmod u+w "$1"
  printf '%b' "$(printf '\\0%03o' $(((b + 1) % 256)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# ---- for the docs scenarios ----
# doc_shell_lines [FILE...]: every line of a ```sh block in the FILEs (by default the docs: README.md,
# docs/*.md, bench/README.md, tests/fuzz/README.md, tests/servers/README.md; a trailing \ joins
# the next line; comments dropped), as FILE<TAB>SECTION<TAB>LINE (SECTION: the ## heading,
# "(top)" before the first), in the order the docs show them.
doc_shell_lines() {
  local doc
  [ $# -gt 0 ] || set -- README.md docs/*.md bench/README.md tests/fuzz/README.md tests/servers/README.md
  for doc in "$@"; do
    awk -v doc="$doc" -v section="(top)" '
      /^## / {section = substr($0, 4)}
      /^```sh/ {block = 1; next}
      block && /^```/ {block = 0; next}
      block {
        line = cont $0; cont = ""
        if (line ~ /\\$/) {cont = substr(line, 1, length(line) - 1); next}
        sub(/(^|[[:space:]]+)#.*$/, "", line)
        sub(/^[[:space:]]+/, "", line)
        if (line != "") print doc "\t" section "\t" line
      }' "$doc"
  done
}
# docs_workspace W: what the examples in the docs and in --help may assume (their placeholders;
# docs/architecture.md "Tests" lists them): in W, `demo` from `mlops init demo --defaults` on
# branch main with a remote origin (W/remotes/repo.git), the runs brave-otter, calm-heron
# (tagged baseline; model.n_estimators=50) and deeper (model.max_depth=12; each `make train`),
# packages churn:v1, churn:v2 (signed with
# demo/mlops-signing.key, exported to demo/churn-v2.tar) and churn:rc1, demo/models/best.pt;
# scratch/my-template (a template) and W/remotes/tpl.git (it, with tag v2 and branch
# release/2.0). The store is W/store; mlops and the Debian python3 come first on PATH. Skips
# when python3 cannot train.
docs_workspace() {
  local w=$1 ref
  $PYTHON -c 'import sklearn, yaml, joblib' 2>/dev/null ||
    skip "$PYTHON lacks scikit-learn, PyYAML or joblib (Debian: python3-sklearn python3-yaml python3-joblib)"
  mkdir -p "$TEST_DIR/bin" "$w/scratch" "$w/remotes"
  ln -sf "$MLOPS" "$TEST_DIR/bin/mlops"
  ln -sf "$PYTHON" "$TEST_DIR/bin/python3"
  export PATH="$TEST_DIR/bin:$PATH" MLOPS_HOME="$w/store"
  git config --global init.defaultBranch main
  make_template "$w/scratch/my-template" <<'YAML' "README.md=# {{name}}"
name: my-template
version: "1.0.0"
questions:
  - {name: name, default: svc}
YAML
  cp -a "$w/scratch/my-template" "$w/tpl"
  git -C "$w/tpl" init -q
  git -C "$w/tpl" add -A
  git -C "$w/tpl" commit -q -m v2
  git -C "$w/tpl" tag v2
  git -C "$w/tpl" branch release/2.0
  git clone -q --bare "$w/tpl" "$w/remotes/tpl.git"
  rm -rf "$w/tpl"
  git init -q --bare "$w/remotes/repo.git"
  (cd "$w" && "$MLOPS" init demo --defaults >"$TEST_DIR/out" 2>&1) || { cat "$TEST_DIR/out" >&2; fail "mlops init demo --defaults failed"; }
  (
    cd "$w/demo"
    git remote add origin "$w/remotes/repo.git"
    expect_exit 0 mlops exp run -n brave-otter -- make train
    expect_exit 0 mlops exp run -n calm-heron -S model.n_estimators=50 -- make train
    expect_exit 0 mlops exp run -n deeper -S model.max_depth=12 -- make train
    expect_exit 0 mlops exp tag calm-heron baseline
    expect_exit 0 mlops package build
    for ref in churn:v1 churn:v2 churn:rc1; do expect_exit 0 mlops package tag demo:0.1.0 "$ref"; done
    expect_exit 0 mlops key generate
    expect_exit 0 mlops package sign churn:v2 --key mlops-signing.key
    expect_exit 0 mlops package export churn:v2 churn-v2.tar
    expect_exit 0 mlops push churn:v2 "file://$HOME/models"
    expect_exit 0 mlops model promote churn:v1 --alias prod
    echo weights >models/best.pt
  )
  make_drift_csvs "$w/demo"
  make_drift_csvs "$w/scratch"
}
# make_drift_csvs DIR: the files of the drift examples: DIR/ref.csv and DIR/cur.csv (300 rows of
# x, y, city; only x shifted, so no dataset drift) and DIR/ref.csv.gz.
make_drift_csvs() {
  awk -v shift=0 -f /dev/stdin >"$1/ref.csv" <<'AWK'
BEGIN { print "x,y,city"; for (i = 0; i < 300; i++) printf "%d.5,%d,%s\n", (i % 37) + shift, i % 7, (i % 3 == 0 ? "Oslo" : (i % 3 == 1 ? "Rome" : "Lima")) }
AWK
  awk -v shift=9 -f /dev/stdin >"$1/cur.csv" <<'AWK'
BEGIN { print "x,y,city"; for (i = 0; i < 300; i++) printf "%d.5,%d,%s\n", (i % 37) + shift, (i * 3) % 7, (i % 3 == 2 ? "Oslo" : (i % 3 == 0 ? "Rome" : "Lima")) }
AWK
  gzip -kf "$1/ref.csv"
}

# An interactive shell in a private tmux server, for completion tests. Skips the scenario
# when tmux is missing. Usage: tmux_shell DIR 'env -i ... bash --norc -i'; then
# `tmux_ send-keys ...` and `screen_has TEXT`.
tmux_shell() { # DIR COMMAND
  command -v tmux >/dev/null || skip "tmux not found: the interactive part cannot run"
  export TMUX_TMPDIR="$TEST_DIR" && unset TMUX
  TMUX_SOCKET="mlops-test-$$"
  trap 'tmux_ kill-server 2>/dev/null || true; on_exit' EXIT
  tmux_ new-session -d -x 200 -y 50 -c "$1" "$2"
}
tmux_() { tmux -L "$TMUX_SOCKET" -f /dev/null "$@"; }
screen_has() { # TEXT: wait up to 5 s for TEXT on the screen
  local _
  for _ in $(seq 50); do
    tmux_ capture-pane -p >"$TEST_DIR/screen" 2>/dev/null || true
    grep -qF -- "$1" "$TEST_DIR/screen" && return 0
    sleep 0.1
  done
  cat "$TEST_DIR/screen" >&2
  return 1
}

# ---- for the update scenarios ----
# commit_template DIR TAG: commits everything in template DIR (made a git repository the first
# time) and tags it TAG.
commit_template() {
  [ -d "$1/.git" ] || git -C "$1" init -q
  git -C "$1" add -A
  git -C "$1" commit -q -m "$2"
  git -C "$1" tag "$2"
}
# update_template_v1 DIR: a template (name "upd", question `name`) at tag v1, with README.md of
# eight lines, notes.txt, old.txt and guide.txt, for scenarios to change into v2.
update_template_v1() {
  make_template "$1" <<'YAML' "notes.txt=notes for {{name}}" "old.txt=removed in v2"
name: upd
version: "1.0.0"
questions:
  - {name: name, default: svc}
YAML
  printf '# {{name}}\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\n' >"$1/files/README.md"
  printf 'step 1\nstep 2\nstep 3\nstep 4\nstep 5\nstep 6\n' >"$1/files/guide.txt"
  commit_template "$1" v1
}
# pipeline_project DIR: a git repository with a two-stage pipeline (prepare: raw.csv and
# param n -> prepared.csv; train: prepared.csv and param lr -> model.bin, metrics.json). Each
# command appends its stage's name to DIR/runs.log, so scenarios can count what ran.
pipeline_project() {
  mkdir -p "$1" && git -C "$1" init -q
  cat >"$1/mlops.yaml" <<'YAML'
schema: 1
stages:
  prepare:
    cmd: echo prepare >> runs.log && sort -u raw.csv > prepared.csv
    deps: [raw.csv]
    params: [n]
    outs: [prepared.csv]
  train:
    cmd: echo train >> runs.log && cat prepared.csv > model.bin && echo '{"acc":1}' > metrics.json
    deps: [prepared.csv]
    params: [lr]
    outs: [model.bin]
    metrics: [metrics.json]
YAML
  printf 'n: 3\nlr: 0.1\n' >"$1/params.yaml"
  printf 'b\na\n' >"$1/raw.csv"
}
# runs_since MARK: the stages that ran since `wc -l < runs.log` was MARK, one line, sorted.
# start_repro ARGS...: `mlops repro ARGS` in its own session, in the background, until the
# stage's command has written ../child.pid (the kill -9 and running-stage scenarios); sets
# leader (the repro) and child (the command's process group), both killed when the test ends.
# shellcheck disable=SC2120  # the arguments are repro's, often none
start_repro() {
  setsid "$MLOPS" repro "$@" >"$TEST_DIR/run.out" 2>"$TEST_DIR/run.err" &
  leader=$!
  KILL_ON_EXIT+=("-$leader")
  for _ in $(seq 200); do [ -s ../child.pid ] && break; sleep 0.05; done
  [ -s ../child.pid ] || { cat "$TEST_DIR/run.err" >&2; fail "the stage did not start"; }
  child=$(cat ../child.pid)
  KILL_ON_EXIT+=("-$child")
}
runs_since() { tail -n +"$(($1 + 1))" runs.log | sort | tr '\n' ' ' | sed 's/ $//'; }
# use_fake_slurm: sbatch, squeue, sacct, scancel, scontrol and sinfo from tests/tools/fake_slurm first
# on PATH, its state in $FAKE_SLURM_DIR (its `calls` file lists every call).
use_fake_slurm() {
  export FAKE_SLURM_DIR=$TEST_DIR/fake-slurm
  mkdir -p "$FAKE_SLURM_DIR/bin"
  local t
  for t in sbatch squeue sacct scancel scontrol sinfo; do ln -sf "$MLOPS_SOURCE_DIR/tests/tools/fake_slurm" "$FAKE_SLURM_DIR/bin/$t"; done
  export PATH=$FAKE_SLURM_DIR/bin:$PATH
}
