#!/usr/bin/env bash
# Text files matched by copy_without_render keep their {{tags}} literally; other files are rendered.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "charts/values.yaml=image: {{ .Values.image }} for {{x}}" "charts/sub/deep.tpl=raw {{x}} {{#y}}" "rendered.txt=hello {{x}}" "notes.md={{x}}"
name: raw-copy
copy_without_render: ["charts/**", "*.md"]
questions:
  - {name: x, default: VALUE}
YAML
expect_exit 0 mlops init proj --template ./tpl --defaults
for f in charts/values.yaml charts/sub/deep.tpl notes.md; do
  cmp "tpl/files/$f" "proj/$f" || fail "$f was changed although it is listed in copy_without_render"
done
expect_eq "$(cat proj/rendered.txt)" "hello VALUE" "rendered.txt"
