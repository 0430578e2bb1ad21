#!/usr/bin/env bash
# shellcheck disable=SC2317  # check functions are invoked indirectly via check()
# tests/integration/servers_smoke.sh
#
# Checks that every loopback test server advertised in $MLOPS_TEST_ENV (the
# RUN_DIR/env written by tests/servers/start.sh) really works, using only
# curl, git and (if installed) skopeo:
#   OCI        blob upload (POST+PUT) / HEAD / GET, OCI manifest PUT / GET, skopeo inspect
#   OCI_AUTH   anonymous and wrong-password requests get 401; same push/pull with credentials
#   GIT_DAEMON push of a custom ref (refs/mlops/exps/...) to exps.git and to a new bare repo
#              created under MLOPS_TEST_GIT_DAEMON_ROOT; ls-remote shows it
#   GIT_HTTP   anonymous push refused; push of a custom ref with credentials; ls-remote
#   WEBDAV     anonymous PUT refused; PUT (deep path) / GET / HEAD / DELETE with credentials
#   S3         (s3rver) SigV4-signed bucket create, object PUT / GET / DELETE
#   MOTO       same as S3, plus a wrong secret must be rejected with 403
#
# Exit status: 0 all available servers work, 1 a real failure, 77 skipped
# (MLOPS_TEST_ENV unset/missing, or no server available at all).
set -euo pipefail

if [ -z "${MLOPS_TEST_ENV:-}" ]; then
  echo "skipped: MLOPS_TEST_ENV is not set (start servers with tests/servers/start.sh RUN_DIR, then MLOPS_TEST_ENV=RUN_DIR/env)"
  exit 77
fi
if [ ! -r "$MLOPS_TEST_ENV" ]; then
  echo "skipped: MLOPS_TEST_ENV=$MLOPS_TEST_ENV does not exist or is not readable"
  exit 77
fi
# The env file is the only source of truth: drop MLOPS_TEST_* inherited from the caller.
for v in $(compgen -v MLOPS_TEST_); do
  [ "$v" = MLOPS_TEST_ENV ] || unset "$v"
done
# shellcheck source=/dev/null
. "$MLOPS_TEST_ENV"

for tool in curl git sha256sum; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "skipped: $tool not found on PATH"
    exit 77
  fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mlops-smoke.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT
# Client-side git must not depend on the developer's config or prompt for passwords.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0 GIT_ASKPASS=/bin/false
ID="smoke-$$-$RANDOM"

PASSED=0 FAILED=0 SKIPPED=0 AVAILABLE=0

# ---------------------------------------------------------------- helpers ---
# Checks run in a subshell with errexit active (it is not inside `if`, where
# bash would ignore set -e), so the first failing command ends the check.
check() { # NAME FUNCTION [ARGS...]
  local name=$1 rc
  shift
  set +e
  ( set -e; "$@" ) > "$WORK/check.log" 2>&1
  rc=$?
  set -e
  if [ $rc -eq 0 ]; then
    echo "ok   $name"
    PASSED=$((PASSED + 1))
  else
    echo "FAIL $name (exit $rc)"
    sed 's/^/     | /' "$WORK/check.log" | tail -n 25
    FAILED=$((FAILED + 1))
  fi
}
# server NAME URL_VAR: 0 if the server is advertised; prints the skip line if not
server() {
  local name=$1 var=$2 skipvar="MLOPS_TEST_SKIP_$1"
  if [ -n "${!var:-}" ]; then
    AVAILABLE=$((AVAILABLE + 1))
    return 0
  fi
  echo "skipped: $name: ${!skipvar:-not advertised in $MLOPS_TEST_ENV}"
  SKIPPED=$((SKIPPED + 1))
  return 1
}
die() { echo "error: $*" >&2; exit 1; }
expect() { # WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] || die "$1: expected '$2', got '$3'"
  echo "$1: $3"
}
code() { curl -sS -o /dev/null -w '%{http_code}' --max-time 30 "$@"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# with_creds URL USER PASSWORD -> URL with user:password@ after the scheme
with_creds() { printf '%s://%s:%s@%s' "${1%%://*}" "$2" "$3" "${1#*://}"; }

head -c 65536 /dev/urandom > "$WORK/blob.bin"
printf 'mlops smoke %s\n' "$ID" > "$WORK/small.txt"

# ------------------------------------------------------------------- OCI ---
# oci_roundtrip BASE_URL HOST [user:password]
oci_roundtrip() {
  local base=$1 host=$2 auth=() loc sep d cd cs md repo="mlops-smoke/$ID"
  [ -n "${3:-}" ] && auth=(-u "$3")
  expect "GET /v2/" 200 "$(code "${auth[@]}" "$base/v2/")"
  printf '{"smoke":"%s"}' "$ID" > "$WORK/config.json"
  for f in "$WORK/config.json" "$WORK/blob.bin"; do
    d="sha256:$(sha "$f")"
    loc=$(curl -fsS --max-time 30 "${auth[@]}" -X POST -D - -o /dev/null "$base/v2/$repo/blobs/uploads/" \
          | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
    [ -n "$loc" ] || die "no Location from upload POST"
    case "$loc" in http*) ;; *) loc=$base$loc ;; esac
    sep='?'; case "$loc" in *\?*) sep='&' ;; esac
    expect "PUT blob $(basename "$f")" 201 "$(code "${auth[@]}" -X PUT -H 'Content-Type: application/octet-stream' \
      --data-binary @"$f" "$loc${sep}digest=$d")"
    expect "HEAD blob" 200 "$(code "${auth[@]}" -I "$base/v2/$repo/blobs/$d")"
  done
  d="sha256:$(sha "$WORK/blob.bin")"
  curl -fsS --max-time 30 "${auth[@]}" -o "$WORK/blob.pulled" "$base/v2/$repo/blobs/$d"
  cmp "$WORK/blob.bin" "$WORK/blob.pulled"
  echo "GET blob: identical bytes"
  cd="sha256:$(sha "$WORK/config.json")"; cs=$(stat -c %s "$WORK/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.mlops.smoke.v1","config":{"mediaType":"application/vnd.mlops.smoke.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/octet-stream","digest":"%s","size":65536}]}' \
    "$cd" "$cs" "$d" > "$WORK/manifest.json"
  md="sha256:$(sha "$WORK/manifest.json")"
  expect "PUT manifest" 201 "$(code "${auth[@]}" -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @"$WORK/manifest.json" "$base/v2/$repo/manifests/v1")"
  curl -fsS --max-time 30 "${auth[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -o "$WORK/manifest.pulled" "$base/v2/$repo/manifests/v1"
  expect "GET manifest digest" "$md" "sha256:$(sha "$WORK/manifest.pulled")"
  if command -v skopeo >/dev/null 2>&1; then
    local creds=()
    [ -n "${3:-}" ] && creds=(--creds "$3")
    timeout 60 skopeo inspect --raw --tls-verify=false "${creds[@]}" "docker://$host/$repo:v1" > "$WORK/skopeo.json"
    cmp "$WORK/manifest.json" "$WORK/skopeo.json"
    echo "skopeo inspect --raw: identical manifest"
  else
    echo "note: skopeo not found; skopeo check not run"
  fi
}
oci_auth_rejects() {
  local base=$1
  expect "anonymous GET /v2/" 401 "$(code "$base/v2/")"
  expect "wrong password GET /v2/" 401 "$(code -u "$MLOPS_TEST_OCI_USER:wrong" "$base/v2/")"
  expect "anonymous upload POST" 401 "$(code -X POST "$base/v2/mlops-smoke/anon/blobs/uploads/")"
}

if server OCI MLOPS_TEST_OCI_URL; then
  check "oci: blob+manifest push/pull ($MLOPS_TEST_OCI_URL)" oci_roundtrip "$MLOPS_TEST_OCI_URL" "$MLOPS_TEST_OCI_HOST"
fi
if server OCI_AUTH MLOPS_TEST_OCI_AUTH_URL; then
  check "oci-auth: rejects anonymous and bad password" oci_auth_rejects "$MLOPS_TEST_OCI_AUTH_URL"
  check "oci-auth: push/pull with credentials ($MLOPS_TEST_OCI_AUTH_URL)" oci_roundtrip \
    "$MLOPS_TEST_OCI_AUTH_URL" "$MLOPS_TEST_OCI_AUTH_HOST" "$MLOPS_TEST_OCI_USER:$MLOPS_TEST_OCI_PASSWORD"
fi

# ------------------------------------------------------------------- git ---
# A local repo with one commit under refs/mlops/exps/$ID (no branch needed).
make_local_repo() {
  local r=$WORK/local.git
  [ -d "$r" ] && return 0
  git init -q --bare "$r"
  local blob tree commit
  blob=$(git -C "$r" hash-object -w --stdin < "$WORK/small.txt")
  tree=$(printf '100644 blob %s\tmetrics.txt\n' "$blob" | git -C "$r" mktree)
  commit=$(GIT_AUTHOR_NAME=mlops GIT_AUTHOR_EMAIL=mlops@localhost GIT_COMMITTER_NAME=mlops \
           GIT_COMMITTER_EMAIL=mlops@localhost git -C "$r" commit-tree "$tree" -m "smoke $ID")
  git -C "$r" update-ref "refs/mlops/exps/$ID" "$commit"
}
# push_and_list URL: push the custom ref, then ls-remote must show the same commit
push_and_list() {
  local url=$1 want got
  make_local_repo
  want=$(git -C "$WORK/local.git" rev-parse "refs/mlops/exps/$ID")
  timeout 60 git -C "$WORK/local.git" push -q "$url" "refs/mlops/exps/$ID:refs/mlops/exps/$ID"
  got=$(timeout 60 git ls-remote "$url" "refs/mlops/exps/$ID" | cut -f1)
  expect "ls-remote refs/mlops/exps/$ID" "$want" "$got"
}
git_daemon_new_repo() {
  local name="smoke-$ID.git"
  git init -q --bare "$MLOPS_TEST_GIT_DAEMON_ROOT/$name"
  push_and_list "$MLOPS_TEST_GIT_DAEMON_URL/$name"
  rm -rf -- "${MLOPS_TEST_GIT_DAEMON_ROOT:?}/$name"
}
git_http_rejects_anonymous() {
  make_local_repo
  if timeout 60 git -C "$WORK/local.git" push -q "$MLOPS_TEST_GIT_HTTP_URL/exps.git" \
       "refs/mlops/exps/$ID:refs/mlops/exps/anon-$ID" 2>"$WORK/anon.err"; then
    die "anonymous push over HTTP was accepted"
  fi
  echo "anonymous push refused: $(tail -n 1 "$WORK/anon.err")"
  expect "anonymous GET info/refs" 401 "$(code "$MLOPS_TEST_GIT_HTTP_URL/exps.git/info/refs?service=git-upload-pack")"
}

if server GIT_DAEMON MLOPS_TEST_GIT_DAEMON_URL; then
  check "git-daemon: push custom ref to exps.git ($MLOPS_TEST_GIT_DAEMON_URL)" \
    push_and_list "$MLOPS_TEST_GIT_DAEMON_URL/exps.git"
  check "git-daemon: new bare repo under MLOPS_TEST_GIT_DAEMON_ROOT" git_daemon_new_repo
fi
if server GIT_HTTP MLOPS_TEST_GIT_HTTP_URL; then
  check "git-http: rejects anonymous push" git_http_rejects_anonymous
  check "git-http: push custom ref with credentials ($MLOPS_TEST_GIT_HTTP_URL)" push_and_list \
    "$(with_creds "$MLOPS_TEST_GIT_HTTP_URL/exps.git" "$MLOPS_TEST_GIT_HTTP_USER" "$MLOPS_TEST_GIT_HTTP_PASSWORD")"
fi

# ---------------------------------------------------------------- WebDAV ---
webdav_roundtrip() {
  local u="$MLOPS_TEST_WEBDAV_URL/smoke/$ID/deep/blob.bin" a=(-u "$MLOPS_TEST_WEBDAV_USER:$MLOPS_TEST_WEBDAV_PASSWORD")
  expect "anonymous PUT" 401 "$(code -T "$WORK/small.txt" "$MLOPS_TEST_WEBDAV_URL/smoke/anon.txt")"
  expect "wrong password PUT" 401 "$(code -u "$MLOPS_TEST_WEBDAV_USER:wrong" -T "$WORK/small.txt" "$MLOPS_TEST_WEBDAV_URL/smoke/anon.txt")"
  expect "PUT (creates parents)" 201 "$(code "${a[@]}" -T "$WORK/blob.bin" "$u")"
  expect "PUT again (overwrite)" 204 "$(code "${a[@]}" -T "$WORK/blob.bin" "$u")"
  curl -fsS --max-time 30 "${a[@]}" -o "$WORK/dav.pulled" "$u"
  cmp "$WORK/blob.bin" "$WORK/dav.pulled"
  echo "GET: identical bytes"
  expect "HEAD" 200 "$(code "${a[@]}" -I "$u")"
  expect "DELETE" 204 "$(code "${a[@]}" -X DELETE "$u")"
  expect "GET after DELETE" 404 "$(code "${a[@]}" "$u")"
}
if server WEBDAV MLOPS_TEST_WEBDAV_URL; then
  check "webdav: auth + PUT/GET/HEAD/DELETE ($MLOPS_TEST_WEBDAV_URL)" webdav_roundtrip
fi

# -------------------------------------------------------------------- S3 ---
# s3_roundtrip URL ACCESS SECRET REGION [strict]
# curl 7.88 does not add x-amz-content-sha256 itself; S3 servers require it.
s3_roundtrip() {
  local url=$1 region=$4 bucket="mlops-smoke-$$-$RANDOM"
  local s=(--aws-sigv4 "aws:amz:$region:s3" --user "$2:$3" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD')
  expect "create bucket" 200 "$(code "${s[@]}" -X PUT "$url/$bucket")"
  expect "PUT object" 200 "$(code "${s[@]}" -T "$WORK/blob.bin" "$url/$bucket/models/blob.bin")"
  curl -fsS --max-time 30 "${s[@]}" -o "$WORK/s3.pulled" "$url/$bucket/models/blob.bin"
  cmp "$WORK/blob.bin" "$WORK/s3.pulled"
  echo "GET object: identical bytes"
  expect "HEAD object" 200 "$(code "${s[@]}" -I "$url/$bucket/models/blob.bin")"
  if [ "${5:-}" = strict ]; then
    expect "GET with wrong secret" 403 "$(code --aws-sigv4 "aws:amz:$region:s3" --user "$2:wrong-secret" \
      -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$url/$bucket/models/blob.bin")"
    expect "unsigned GET" 403 "$(code "$url/$bucket/models/blob.bin")"
  fi
  expect "DELETE object" 204 "$(code "${s[@]}" -X DELETE "$url/$bucket/models/blob.bin")"
  expect "DELETE bucket" 204 "$(code "${s[@]}" -X DELETE "$url/$bucket")"
}
if server S3 MLOPS_TEST_S3_URL; then
  check "s3 (s3rver): bucket + object PUT/GET/HEAD/DELETE ($MLOPS_TEST_S3_URL)" s3_roundtrip \
    "$MLOPS_TEST_S3_URL" "$MLOPS_TEST_S3_ACCESS_KEY" "$MLOPS_TEST_S3_SECRET_KEY" "${MLOPS_TEST_S3_REGION:-us-east-1}"
fi
if server MOTO MLOPS_TEST_MOTO_URL; then
  check "moto: SigV4-verified PUT/GET, bad signature rejected ($MLOPS_TEST_MOTO_URL)" s3_roundtrip \
    "$MLOPS_TEST_MOTO_URL" "$MLOPS_TEST_MOTO_ACCESS_KEY" "$MLOPS_TEST_MOTO_SECRET_KEY" "${MLOPS_TEST_MOTO_REGION:-us-east-1}" strict
fi

# ---------------------------------------------------------------- summary ---
echo "servers_smoke: $PASSED passed, $FAILED failed, $SKIPPED skipped"
if [ "$FAILED" -gt 0 ]; then exit 1; fi
if [ "$AVAILABLE" -eq 0 ]; then
  echo "skipped: no test server was available"
  exit 77
fi
exit 0
