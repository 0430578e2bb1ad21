#!/usr/bin/env bash
# cpack makes mlops_<version>_<arch>.deb; its Depends names the packages of the libraries mlops
# dlopen()s by SONAME; installed, `mlops --version`, `mlops init x --defaults`, `mlops key
# generate`, the bash completion (through bash-completion's loader) and `man mlops` work from the
# installed paths; removed, nothing of it is left. With MLOPS_TEST_DPKG_INSTALL=1, as root (.ci/run
# in CI), the package is installed with dpkg -i and purged again; otherwise it is unpacked into
# a temporary root with dpkg-deb -x.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
: "${MLOPS_BUILD_DIR:?set MLOPS_BUILD_DIR to the build tree (ctest does)}"

if ! command -v dpkg-deb >/dev/null || ! command -v cpack >/dev/null; then skip "needs dpkg-deb and cpack"; fi
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$MLOPS_BUILD_DIR/CMakeCache.txt")
[ "$prefix" = /usr ] || skip "the .deb comes from a build with CMAKE_INSTALL_PREFIX=/usr (presets ci and deb); this one has $prefix"
version=$("$MLOPS" --version | sed -n 's/^mlops \([0-9][^ ]*\)$/\1/p')
arch=$(dpkg --print-architecture)

# ---- build the package ----
expect_exit 0 cpack --config "$MLOPS_BUILD_DIR/CPackConfig.cmake" -B "$TEST_DIR/pkg"
deb=$TEST_DIR/pkg/mlops_${version}_${arch}.deb
expect_file "$deb"
dpkg-deb -f "$deb" Package Version Architecture Depends >"$TEST_DIR/control"
expect_contains "$TEST_DIR/control" "Version: $version"
depends=$(sed -n 's/^Depends: //p' "$TEST_DIR/control")
# Each library loaded by SONAME: the package that owns it on this machine is a dependency.
for soname in ${MLOPS_DLOPEN_SONAMES:?}; do
  path=$(/sbin/ldconfig -p | awk -v s="$soname" '$1 == s && /x86-64/ && !found { print $NF; found = 1 }')
  [ -n "$path" ] || fail "the loader does not know $soname"
  owner=
  for p in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr${path#/usr}"; do
    owner=$(dpkg-query -S "$p" 2>/dev/null | sed -n '1s/^\([^:,]*\).*/\1/p') && [ -n "$owner" ] && break
  done
  [ -n "$owner" ] || fail "no package owns $path ($soname)"
  case ", $depends," in *", $owner ("* | *", $owner,"*) ;; *) fail "Depends lacks $owner (for $soname): $depends" ;; esac
done
case ", $depends," in *", libc6 ("*) ;; *) fail "Depends lacks libc6 (dpkg-shlibdeps): $depends" ;; esac

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$TEST_DIR/files"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
for f in /usr/bin/mlops "/usr/lib/$multiarch/libmlops.so.$version" /usr/include/mlops/exp.hpp \
  "/usr/lib/$multiarch/pkgconfig/mlops.pc" "/usr/lib/$multiarch/cmake/mlops/mlopsConfig.cmake" \
  /usr/share/bash-completion/completions/mlops /usr/share/zsh/vendor-completions/_mlops \
  /usr/share/fish/vendor_completions.d/mlops.fish /usr/share/man/man1/mlops.1.gz /usr/share/man/man1/mlops-exp.1.gz; do
  grep -qxF "$f" "$TEST_DIR/files" || { cat "$TEST_DIR/files" >&2; fail "the package lacks $f"; }
done

# ---- install ----
system=0
if [ "${MLOPS_TEST_DPKG_INSTALL:-0}" = 1 ] && [ "$(id -u)" = 0 ]; then
  if dpkg-query -W -f='${Status}' mlops 2>/dev/null | grep -q installed; then
    skip "a package named mlops is installed already; not replacing it"
  fi
  system=1
  root=
  # shellcheck disable=SC2317 # called from the EXIT trap
  purge() { dpkg --purge mlops >/dev/null 2>&1 || true; }
  trap 'rc=$?; purge; (exit $rc); on_exit' EXIT
  expect_exit 0 dpkg -i "$deb"
  mlops_bin=/usr/bin/mlops
  run=()
else
  root=$TEST_DIR/root
  expect_exit 0 dpkg-deb -x "$deb" "$root"
  mlops_bin=$root/usr/bin/mlops
  run=(env "LD_LIBRARY_PATH=$root/usr/lib/$multiarch")  # no RUNPATH: the loader's own directories
fi

# In the loader's own directories: no RUNPATH (Debian policy), and none needed.
if readelf -d "$mlops_bin" | grep -q RUNPATH; then fail "the packaged mlops has a RUNPATH"; fi
expect_exit 0 "${run[@]}" "$mlops_bin" --version
expect_contains "$TEST_DIR/out" "mlops $version"
expect_exit 0 "${run[@]}" "$mlops_bin" init x --defaults  # libgit2, by SONAME
expect_file x/mlops.yaml
[ "$(git -C x rev-list --count HEAD)" = 1 ] || fail "mlops init made no commit"
expect_exit 0 "${run[@]}" "$mlops_bin" -q key generate k.key  # libsodium, by SONAME
expect_file k.key.pub

# bash completion the way an interactive shell loads it: bash-completion's loader searching
# $XDG_DATA_DIRS, else the installed file itself.
mkdir bin
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${run[*]}" "$mlops_bin" >bin/mlops
chmod +x bin/mlops
cat >drive.bash <<'DRIVE'
if [ -f /usr/share/bash-completion/bash_completion ]; then
  . /usr/share/bash-completion/bash_completion
  __load_completion mlops || { echo "bash-completion found no completion for mlops" >&2; exit 1; }
else
  . "$1/usr/share/bash-completion/completions/mlops"
fi
COMP_WORDS=(mlops ex); COMP_CWORD=1; COMP_LINE="mlops ex"; COMP_POINT=8; COMPREPLY=()
_mlops mlops ex mlops
printf '%s\n' "${COMPREPLY[@]}"
DRIVE
expect_exit 0 env PATH="$TEST_DIR/bin:$PATH" XDG_DATA_DIRS="${root:+$root/usr/share:}/usr/local/share:/usr/share" \
  bash --norc --noprofile drive.bash "${root:-/}"
grep -qx exp "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "the installed bash completion does not complete 'mlops ex'"; }

# man mlops renders (where dpkg installs man pages: slim images exclude them).
if command -v man >/dev/null; then
  if [ $system = 1 ]; then
    if [ -f /usr/share/man/man1/mlops.1.gz ]; then
      expect_exit 0 env MANPAGER=cat MANWIDTH=80 man mlops
      expect_contains "$TEST_DIR/out" "mlops-exp(1)"
      expect_exit 0 env MANPAGER=cat MANWIDTH=80 man mlops-package
      expect_contains "$TEST_DIR/out" "mlops package build"
    else
      echo "note: dpkg excluded /usr/share/man here; man not checked"
    fi
  else
    expect_exit 0 env MANPAGER=cat MANWIDTH=80 man -l "$root/usr/share/man/man1/mlops.1.gz"
    expect_contains "$TEST_DIR/out" "mlops-exp(1)"
  fi
fi

# ---- remove: nothing left ----
if [ $system = 1 ]; then
  expect_exit 0 dpkg --purge mlops
  if dpkg-query -W -f='${Status}' mlops 2>/dev/null | grep -q 'installed'; then fail "mlops still installed after dpkg --purge"; fi
  while read -r f; do
    [ -d "$f" ] && [ ! -L "$f" ] && continue  # directories shared with other packages
    expect_no_path "$f"
  done <"$TEST_DIR/files"
  if /sbin/ldconfig -p | grep -q libmlops; then fail "the loader cache still lists libmlops"; fi
  command -v mlops >/dev/null && [ "$(command -v mlops)" = /usr/bin/mlops ] && fail "/usr/bin/mlops still on PATH"
fi
exit 0
