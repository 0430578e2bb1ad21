#!/usr/bin/env bash
# remote add/remove edit mlops.yaml in place: comments, blank lines, key order and the file's
# mode stay; the file is replaced by a rename (a new inode, no temporary file left), and
# remove after add gives back the very same bytes.
. "$(dirname "$0")/harness.sh"

mkdir proj && cd proj
cat >mlops.yaml <<'YAML'
# Project settings: keep this comment.
schema: 1          # the schema
project: demo

params: [params.yaml]   # what runs read

remotes:
  # the team's registry
  team:
    url: oci://registry.example/team   # pinned

# packaging
package:
  name: demo
YAML
chmod 640 mlops.yaml
cp mlops.yaml "$TEST_DIR/before"
inode=$(stat -c %i mlops.yaml)
expect_exit 0 mlops remote add local file:///srv/models --default
# Only lines added: the entry after the last one, default_remote at the end.
expect_eq "$(diff "$TEST_DIR/before" mlops.yaml | grep -c '^<' || true)" 0 "lines removed or changed"
expect_eq "$(diff "$TEST_DIR/before" mlops.yaml | grep -c '^>' || true)" 3 "lines added"
expect_contains mlops.yaml "  local:
    url: file:///srv/models"
expect_contains mlops.yaml "# the team's registry"
expect_contains mlops.yaml "default_remote: local"
[ "$(stat -c %i mlops.yaml)" != "$inode" ] || fail "mlops.yaml was rewritten in place, not replaced"
expect_eq "$(stat -c %a mlops.yaml)" 640
expect_eq "$(find . -name '*.tmp*' | wc -l)" 0
expect_exit 0 mlops remote remove local
cmp mlops.yaml "$TEST_DIR/before" || fail "remove after add did not give the file back"
