#!/usr/bin/env bash
# The OCI backend against docker-registry: blobs (two at once, over one multi handle) and a
# manifest pushed, then pulled back with every digest checked; a re-push sends no blob bytes
# (HEAD first); skopeo, an independent client, reads the same manifest; the tag list (paged
# through Link headers), a cross-repository mount and the referrers fallback (distribution 2.8
# has no referrers API) answer.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server OCI

head -c 3000000 /dev/urandom >a.bin
head -c 200000 /dev/urandom >b.bin
repo="roundtrip/r$$"
probe --state-dir state oci-push "$MLOPS_TEST_OCI_HOST" "$repo" v1 a.bin b.bin >push.json 2>push.err || { cat push.err >&2; fail "push failed"; }
digest=$(jq -r .digest push.json)
probe oci-pull "$MLOPS_TEST_OCI_HOST" "$repo" v1 pulled >pull.json 2>pull.err || { cat pull.err >&2; fail "pull failed"; }
expect_eq "$(jq -r .digest pull.json)" "$digest" "digest of the pulled manifest"
cmp a.bin "pulled/$(sha256sum <a.bin | cut -d' ' -f1)" || fail "blob a differs"
cmp b.bin "pulled/$(sha256sum <b.bin | cut -d' ' -f1)" || fail "blob b differs"
# Nothing left in the upload journal once the uploads finished.
if [ -d state/uploads ] && [ -n "$(ls -A state/uploads)" ]; then fail "upload journal entries left: $(ls state/uploads)"; fi

# A re-push through a counting proxy: HEAD answers, no blob byte is sent.
start_faultproxy "$MLOPS_TEST_OCI_HOST"
probe oci-push "${PROXY_URL#http://}" "$repo" v1 a.bin b.bin >push2.json 2>push2.err || { cat push2.err >&2; fail "re-push failed"; }
up=$(proxy_stat up)
[ "$up" -lt 20000 ] || fail "a re-push of unchanged blobs sent $up bytes"

# Tags, one per page: the Link header leads from page to page.
probe oci-push "$MLOPS_TEST_OCI_HOST" "$repo" v2 b.bin >/dev/null
probe oci-push "$MLOPS_TEST_OCI_HOST" "$repo" a-first b.bin >/dev/null
MLOPS_OCI_TAGS_PAGE=1 probe oci-tags "$MLOPS_TEST_OCI_HOST" "$repo" >tags.json
expect_eq "$(jq -c .tags tags.json)" '["a-first","v1","v2"]' "tags over three pages"

# A blob of this repository mounted into another one, without sending it.
a_digest="sha256:$(sha256sum <a.bin | cut -d' ' -f1)"
probe oci-mount "$MLOPS_TEST_OCI_HOST" "$repo-mounted" "$repo" "$a_digest" >mount.json 2>mount.err || { cat mount.err >&2; fail "mount failed"; }
expect_eq "$(jq -r .mounted mount.json)" true "mounted"
expect_eq "$(jq -r .size mount.json)" 3000000 "size of the mounted blob"
probe oci-referrers "$MLOPS_TEST_OCI_HOST" "$repo" "$digest" >refs.json 2>refs.err || { cat refs.err >&2; fail "referrers failed"; }
expect_eq "$(jq -c .referrers refs.json)" '[]' "referrers of a manifest that has none"
if command -v skopeo >/dev/null; then
  skopeo inspect --raw --tls-verify=false "docker://$MLOPS_TEST_OCI_HOST/$repo:v1" >raw.json
  expect_eq "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" "$digest" "the manifest skopeo reads"
fi
