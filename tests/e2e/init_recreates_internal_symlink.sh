#!/usr/bin/env bash
# A symlink in the template that points inside the project is recreated as a symlink (not a copy) and committed as one.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "docs/guide.md=guide for {{name}}" "config/base.yaml=base"
name: links
questions:
  - {name: name, default: svc}
YAML
ln -s docs/guide.md tpl/files/GUIDE.md
ln -s ../config/base.yaml tpl/files/docs/base.yaml
ln -s docs tpl/files/documentation

expect_exit 0 mlops init proj --template ./tpl --defaults
for link in GUIDE.md:docs/guide.md docs/base.yaml:../config/base.yaml documentation:docs; do
  path=${link%%:*} target=${link#*:}
  [ -L "proj/$path" ] || fail "proj/$path is not a symlink"
  expect_eq "$(readlink "proj/$path")" "$target" "target of $path"
  expect_eq "$(git -C proj ls-files -s "$path" | cut -d' ' -f1)" 120000 "git mode of $path"
done
expect_eq "$(cat proj/GUIDE.md)" "guide for svc" "content through GUIDE.md"
expect_eq "$(git -C proj status --porcelain --untracked-files=all)" "" "git status"
