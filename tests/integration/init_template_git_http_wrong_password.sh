#!/usr/bin/env bash
# A git HTTP template URL with a wrong password (or none) exits 5 with a clean error that does not print the password; nothing is created.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"

use_test_server GIT_HTTP

make_template src <<'YAML' "README.md=hi"
name: private-tpl
YAML
git -C src init -q -b main
git -C src add -A
git -C src commit -q -m v1
git -C src tag v1
name="tpl-$$-$RANDOM.git"
repo="$MLOPS_TEST_GIT_HTTP_ROOT/$name"
git clone -q --bare src "$repo"
plain_url="$MLOPS_TEST_GIT_HTTP_URL/$name"
mkdir work
before=$(tree_digest work)

wrong="wrong-$RANDOM$RANDOM"
url=$(with_creds "$plain_url" "$MLOPS_TEST_GIT_HTTP_USER" "$wrong")
start=$SECONDS
expect_exit 5 timeout 60 "$MLOPS" init work/proj --template "$url@v1" --defaults
[ $((SECONDS - start)) -lt 30 ] || fail "the failed authentication took $((SECONDS - start)) s"
expect_clean_error
expect_not_contains "$TEST_DIR/err" "$wrong"
expect_not_contains "$TEST_DIR/out" "$wrong"
expect_eq "$(tree_digest work)" "$before" "work/ after the failed init"

# No credentials at all: the server's 401 is a remote failure too, and nothing asks on the terminal.
expect_exit 5 timeout 60 "$MLOPS" init work/proj --template "$plain_url@v1" --defaults </dev/null
expect_clean_error
expect_eq "$(tree_digest work)" "$before" "work/ after the anonymous init"

rm -rf -- "$repo"
