#!/usr/bin/env bash
# A YAML "billion laughs" (nested anchors), or an alias inside its own anchor, in any YAML mlops reads (params.yaml, mlops.yaml, the package section, a template manifest, an answers file) is refused at once with a one-line error naming the file and exit 4 (a params file that cannot be read only warns, as a malformed one does) — no minutes of work, no bad_alloc, no crash.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

bomb() { # KEY: a mapping KEY -> 10^9 leaves through 9 levels of aliases
  printf 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
  local i
  for i in 1 2 3 4 5 6 7 8 9; do
    printf 'a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n' "$i" "$i" $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1))
  done
  printf '%s: *a9\n' "$1"
}

exp_repo repo
cd repo
# params.yaml: a plain run warns and goes on; -S, which must read it, fails.
bomb lr >params.yaml
expect_exit 0 mlops exp run -n p -- true
expect_contains "$TEST_DIR/err" "params.yaml"
expect_contains "$TEST_DIR/err" "aliases expanded"
expect_exit 4 mlops exp run -S lr=1 -- true
expect_clean_error
expect_contains "$TEST_DIR/err" "params.yaml"
printf 'lr: &x [*x]\n' >params.yaml
expect_exit 4 mlops exp run -S lr=1 -- true
expect_clean_error
git checkout -q params.yaml

# mlops.yaml: experiments and packages.
cp mlops.yaml "$TEST_DIR/mlops.yaml"
bomb package >mlops.yaml
expect_exit 4 mlops exp run -- true
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops.yaml"
expect_exit 4 mlops package build
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops.yaml"
cp "$TEST_DIR/mlops.yaml" mlops.yaml
cd "$TEST_DIR"

# A template manifest.
mkdir -p tpl/files
{ printf 'name: bomb\n'; bomb description; } >tpl/mlops-template.yaml
expect_exit 4 mlops init -q --template "$TEST_DIR/tpl" out1
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops-template.yaml"
expect_no_path out1

# An answers file.
bomb answers >answers.yaml
expect_exit 4 mlops init -q --answers answers.yaml out2
expect_clean_error
expect_contains "$TEST_DIR/err" "answers.yaml"
expect_no_path out2
