#!/usr/bin/env bash
# A git template URL with an @REF that does not exist exits 3 with a clean error, and nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template src <<'YAML' "README.md=hi"
name: git-tpl
YAML
git -C src init -q
git -C src add -A
git -C src commit -q -m v1
git -C src tag v1
git clone -q --bare src tpl.git
mkdir work
before=$(tree_digest work)

expect_exit 3 mlops init work/proj --template "file://$(pwd -P)/tpl.git@no-such-ref" --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "no-such-ref"
expect_eq "$(tree_digest work)" "$before" "work/ after the failed init"
