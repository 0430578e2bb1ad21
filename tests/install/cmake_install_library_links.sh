#!/usr/bin/env bash
# `cmake --install` into a staging root (DESTDIR): bin/mlops runs (RUNPATH $ORIGIN/../<libdir>, or
# none where the loader looks anyway), libmlops has its SONAME and links, completions and man
# pages sit where the shells and man look, and a small program compiles and links against the
# installed library both with pkg-config and with CMake's find_package(mlops).
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
: "${MLOPS_BUILD_DIR:?set MLOPS_BUILD_DIR to the build tree (ctest does)}"

cache_var() { sed -n "s/^$1:[A-Z]*=//p" "$MLOPS_BUILD_DIR/CMakeCache.txt"; }
prefix=$(cache_var CMAKE_INSTALL_PREFIX)
libdir=$(cache_var CMAKE_INSTALL_LIBDIR)
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
version=$("$MLOPS" --version | sed -n 's/^mlops \([0-9][^ ]*\)$/\1/p')
[ -n "$version" ] || fail "cannot read the version from mlops --version"

root=$TEST_DIR/root
expect_exit 0 env DESTDIR="$root" cmake --install "$MLOPS_BUILD_DIR"
bin=$root$prefix/bin/mlops
lib=$root$libdir
expect_file "$bin"

# ---- the library: real file, SONAME link, development link ----
real=$(cd "$lib" && ls libmlops.so.*.*.*)
soname=$(readelf -d "$lib/$real" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
case $soname in libmlops.so.[0-9]*) ;; *) fail "libmlops has no SONAME libmlops.so.N: '$soname'" ;; esac
expect_eq "$(readlink "$lib/$soname")" "$real" "the SONAME link"
expect_eq "$(readlink "$lib/libmlops.so")" "$soname" "the development link"
expect_eq "$real" "libmlops.so.$version"

# ---- RUNPATH: relative to the binary, never empty entries or the build tree ----
runpath=$(readelf -d "$bin" | sed -n 's/.*Library runpath: \[\(.*\)\]/\1/p')
case ":$runpath:" in *::*) [ -z "$runpath" ] || fail "RUNPATH has an empty entry (the current directory): '$runpath'" ;; esac
case $runpath in *"$MLOPS_BUILD_DIR"*) fail "RUNPATH names the build tree: $runpath" ;; esac
if [ -n "$runpath" ]; then
  expect_eq "${runpath%%:*}" "\$ORIGIN/../${libdir#"$prefix"/}" "RUNPATH"
  expect_exit 0 env -u LD_LIBRARY_PATH "$bin" --version  # found through RUNPATH alone
else
  # Installed where the loader looks anyway (e.g. /usr/lib/x86_64-linux-gnu): no RUNPATH.
  case $libdir in
    /usr/lib | /usr/lib64 | /usr/lib/*-linux-gnu | /lib | /lib64 | /lib/*-linux-gnu) ;;
    *) fail "no RUNPATH, but $libdir is not a directory the dynamic loader searches" ;;
  esac
  expect_exit 0 env LD_LIBRARY_PATH="$lib" "$bin" --version
fi
expect_contains "$TEST_DIR/out" "mlops $version"

# ---- headers, completions, man pages ----
expect_file "$root$prefix/include/mlops/exp.hpp"
expect_file "$root$prefix/share/bash-completion/completions/mlops"
expect_file "$root$prefix/share/fish/vendor_completions.d/mlops.fish"
if [ "$prefix" = /usr ]; then zsh_dir=vendor-completions; else zsh_dir=site-functions; fi
expect_file "$root$prefix/share/zsh/$zsh_dir/_mlops"
for page in "$MLOPS_SOURCE_DIR"/man/*.1; do
  expect_file "$root$prefix/share/man/man1/$(basename "$page").gz"
  cmp -s "$page" <(gzip -dc "$root$prefix/share/man/man1/$(basename "$page").gz") || fail "installed $(basename "$page") differs from man/"
done

# ---- a program using the library ----
mkdir "$TEST_DIR/use"
cat >"$TEST_DIR/use/use.cpp" <<'CPP'
#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/version.hpp>

#include <nlohmann/json.hpp>  // the public headers forward-declare it only (mlops/json_value.hpp)

#include <cstdio>
#include <string>

int main() {
  nlohmann::json j = {{"version", std::string(mlops::version())}};
  mlops::exp::Run run;  // a JsonValue member, built and read through the library
  (*run.params)["lr"] = 0.1;
  j["lr"] = (*run.params)["lr"];
  try {
    throw mlops::Error(mlops::ErrorKind::not_found, "nothing", "");
  } catch (const mlops::Error& e) {
    j["error"] = e.what();
  }
  std::puts(j.dump().c_str());
  return 0;
}
CPP
if command -v pkg-config >/dev/null; then
  # PKG_CONFIG_SYSROOT_DIR: the .pc names the real prefix, the files are under $root.
  flags=$(PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_PATH=$lib/pkgconfig pkg-config --cflags --libs mlops) ||
    fail "pkg-config does not find mlops in $lib/pkgconfig"
  # shellcheck disable=SC2086  # flags are words
  expect_exit 0 c++ -std=c++20 "$TEST_DIR/use/use.cpp" $flags -o "$TEST_DIR/use/with-pkg-config"
  expect_exit 0 env LD_LIBRARY_PATH="$lib" "$TEST_DIR/use/with-pkg-config"
  expect_contains "$TEST_DIR/out" "{\"error\":\"nothing\",\"lr\":0.1,\"version\":\"$version\"}"
fi

cat >"$TEST_DIR/use/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(use LANGUAGES CXX)
find_package(mlops 0.1 REQUIRED CONFIG)
add_executable(use use.cpp)
target_link_libraries(use PRIVATE mlops::mlops)
CMAKE
expect_exit 0 cmake -S "$TEST_DIR/use" -B "$TEST_DIR/use/build" -G Ninja -DCMAKE_PREFIX_PATH="$root$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
expect_exit 0 cmake --build "$TEST_DIR/use/build"
expect_exit 0 env LD_LIBRARY_PATH="$lib" "$TEST_DIR/use/build/use"
expect_contains "$TEST_DIR/out" "{\"error\":\"nothing\",\"lr\":0.1,\"version\":\"$version\"}"
