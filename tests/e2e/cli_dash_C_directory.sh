#!/usr/bin/env bash
# `-C DIR` runs as if started in DIR (relative targets and template paths resolve there); a missing DIR is a clean error.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p area/sub
make_template area/tpl <<'YAML' "where.txt={{dir_name}}"
name: where
YAML
expect_exit 0 mlops -C area init sub/proj --template ./tpl
expect_eq "$(cat area/sub/proj/where.txt)" "proj" "area/sub/proj/where.txt"
expect_no_path sub
expect_no_path proj
expect_contains "$TEST_DIR/err" "$(pwd -P)/area/sub/proj"
expect_exit 0 mlops -C area/sub init --defaults --no-git deeper
expect_file area/sub/deeper/mlops.yaml

got=0
mlops -C no-such-dir template list >"$TEST_DIR/out" 2>"$TEST_DIR/err" || got=$?
if [ "$got" = 0 ] || [ "$got" -ge 70 ]; then fail "-C no-such-dir: exit $got"; fi
expect_clean_error
expect_contains "$TEST_DIR/err" "no-such-dir"
