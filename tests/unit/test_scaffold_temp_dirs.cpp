// SPDX-License-Identifier: MIT
#include "scaffold/temp_dirs.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace mlops;
using namespace mlops::scaffold;
namespace stdfs = std::filesystem;

namespace {

std::string own_namespace() {
  std::string digits;
  for (char c : stdfs::read_symlink("/proc/self/ns/pid").string()) {
    if (c >= '0' && c <= '9') digits += c;
  }
  return digits;
}

}  // namespace

TEST_CASE("only temporary directories of dead owners in this pid namespace are removed", "[temp_dirs]") {
  fs::TempDir tmp;
  const auto& dir = tmp.path();
  const std::string ns = own_namespace();
  {
    const fs::TempDir live = make_owned_temp_dir(dir, "x-");  // this process: alive
    const std::string name = live.path().filename().string();
    CHECK(name.rfind("x-" + std::to_string(::getpid()) + "-", 0) == 0);
    CHECK(name.find("-" + ns + "-") != std::string::npos);

    stdfs::create_directory(dir / ("x-1-1-" + ns + "-AbCdEf"));   // pid 1 did not start at tick 1
    stdfs::create_directory(dir / ("x-1-1-" + ns + "1-AbCdEf"));  // another namespace
    stdfs::create_directory(dir / ("y-1-1-" + ns + "-AbCdEf"));   // another prefix
    stdfs::create_directory(dir / "x-notapid-1-1-AbCdEf");        // not our name
    std::ofstream(dir / ("x-1-1-" + ns + "-AbCdEf") / "f") << "x";
    stdfs::create_directory_symlink(dir / ("y-1-1-" + ns + "-AbCdEf"), dir / ("x-2-1-" + ns + "-AbCdEf"));  // a link: left

    remove_stale_temp_dirs(dir, "x-");
    CHECK(stdfs::exists(live.path()));
    CHECK_FALSE(stdfs::exists(dir / ("x-1-1-" + ns + "-AbCdEf")));
    CHECK(stdfs::exists(dir / ("x-1-1-" + ns + "1-AbCdEf")));
    CHECK(stdfs::exists(dir / ("y-1-1-" + ns + "-AbCdEf")));
    CHECK(stdfs::exists(dir / "x-notapid-1-1-AbCdEf"));
    CHECK(stdfs::is_symlink(dir / ("x-2-1-" + ns + "-AbCdEf")));
  }
}
