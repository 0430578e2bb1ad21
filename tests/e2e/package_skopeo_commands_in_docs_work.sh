#!/usr/bin/env bash
# Every skopeo command shown in README.md, docs/ and the package commands' --help runs with
# the installed skopeo (Debian 12: 1.9.3) against a signed package and its export, with the
# placeholders filled in; a docker:// destination becomes a local dir: one (pushing to a
# registry is tests/integration/package_skopeo_copy_to_registry.sh). Commands that inspect
# print the package's manifest or ModelPack config.
. "$(dirname "$0")/harness.sh"
command -v skopeo >/dev/null || skip "skopeo is not installed"

make_package_project proj
build_package proj
expect_exit 0 mlops key generate signing.key
expect_exit 0 mlops package sign demo:1.0 --key signing.key  # two images in its export
for ref in churn:v2 churn:rc1 name:tag; do expect_exit 0 mlops package tag demo:1.0 "$ref"; done
expect_exit 0 mlops push churn:v2 "file://$HOME/models"  # the file remote of the docs

# The commands, from the docs and from every package subcommand's --help.
{
  cat "$MLOPS_SOURCE_DIR/README.md" "$MLOPS_SOURCE_DIR"/docs/*.md
  "$MLOPS" package --help
  for sub in build list inspect verify sign unpack tag rm gc export import; do "$MLOPS" package "$sub" --help; done
} | grep -E '^[[:space:]]*(\$ )?skopeo (inspect|copy|sync|list-tags|delete) ' | sed -E 's/^[[:space:]]*(\$ )?//; s/[[:space:]]+#.*$//' | sort -u >commands.txt
[ "$(wc -l <commands.txt)" -ge 5 ] || { cat commands.txt >&2; fail "expected at least 5 skopeo commands in the docs"; }

n=0
while IFS= read -r cmd; do
  n=$((n + 1))
  # Placeholders: NAME:TAG is a tag the package has, FILE.tar (and any archive) an export of
  # the tag the command names, docker:// a local directory.
  cmd=${cmd//NAME:TAG/name:tag}
  mapfile -t archives < <(grep -oE 'oci-archive:[A-Za-z0-9_.-]+\.tar:[^ ]+' <<<"$cmd" | sort -u)
  for archive in "${archives[@]}"; do
    archive=${archive#oci-archive:}
    rm -f "${archive%%:*}"
    expect_exit 0 mlops package export "${archive#*:}" "${archive%%:*}"
  done
  mapfile -t archives < <(grep -oE 'oci-archive:[A-Za-z0-9_.-]+\.tar( |$)' <<<"$cmd" | sort -u)
  for archive in "${archives[@]}"; do
    archive=${archive% }
    archive=${archive#oci-archive:}
    [ -f "$archive" ] || expect_exit 0 mlops package export churn:v2 "$archive"
  done
  cmd=$(sed -E "s#docker://[^ ]+#dir:$TEST_DIR/pushed-$n#" <<<"$cmd")
  got=0
  (eval "$cmd") >"out.$n" 2>"err.$n" || got=$?
  [ "$got" = 0 ] || { cat "err.$n" >&2; fail "exit $got from the documented command: $cmd"; }
  case $cmd in
    *"inspect --config"*) expect_json "out.$n" .descriptor.name demo ;;
    *inspect*) expect_json "out.$n" .artifactType application/vnd.cncf.model.manifest.v1+json ;;
    *copy*) [ -f "pushed-$n/manifest.json" ] || fail "nothing copied by: $cmd" ;;
  esac
done <commands.txt
