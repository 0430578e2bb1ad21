#!/usr/bin/env bash
# A template source that no longer exists (a local directory, a file:// repository): exit 3,
# one line saying so and how to point at its new place; nothing changed.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
git clone -q --bare src tpl.git
expect_exit 0 mlops init by-path --template "$(pwd -P)/src" --defaults
expect_exit 0 mlops init by-url --template "file://$(pwd -P)/tpl.git@v1" --defaults
expect_contains by-path/.mlops/answers.yaml "commit: $(git -C src rev-parse v1)"
mv src src-moved
mv tpl.git tpl-moved.git
for p in by-path by-url; do
  digest=$(tree_digest $p)
  expect_exit 3 mlops update $p
  expect_clean_error
  expect_contains "$TEST_DIR/err" "no longer exists"
  expect_contains "$TEST_DIR/err" "--adopt"
  expect_exit 3 mlops update --check $p
  expect_eq "$(tree_digest $p)" "$digest" "$p unchanged"
done
