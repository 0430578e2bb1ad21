#!/usr/bin/env bash
# The REMOTE of `mlops push` completes to the configured remote names (mlops.yaml's and the
# user config's), each with its URL as the description, in bash (through _mlops, as bash
# calls it), and `mlops __complete remotes PREFIX` lists them for zsh and fish.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir proj && cd proj
printf 'schema: 1\nproject: demo\n' >mlops.yaml
expect_exit 0 mlops remote add team oci://registry.example/team --default
expect_exit 0 mlops remote add tape file:///srv/tape
expect_exit 0 mlops remote add backup s3://models-bucket/churn

expect_exit 0 mlops __complete remotes t
expect_eq "$(LC_ALL=C sort "$TEST_DIR/out" | tr '\t\n' '| ')" "tape|file:///srv/tape team|oci://registry.example/team " "remotes starting with t"

mkdir "$TEST_DIR/bin"
ln -s "$MLOPS" "$TEST_DIR/bin/mlops"
cat >"$TEST_DIR/drive.bash" <<'DRIVE'
. "$1"
comp() {
  COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
  _mlops mlops "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
  echo
}
echo "push=$(comp mlops push demo:1.0 '')"
echo "push-b=$(comp mlops push demo:1.0 b)"
DRIVE
PATH="$TEST_DIR/bin:$PATH" bash "$TEST_DIR/drive.bash" "$MLOPS_SOURCE_DIR/completions/mlops.bash" >"$TEST_DIR/comp.out" 2>&1
expect_contains "$TEST_DIR/comp.out" "push=backup tape team"
expect_contains "$TEST_DIR/comp.out" "push-b=backup"
