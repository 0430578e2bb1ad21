// SPDX-License-Identifier: MIT
#include "exp/outputs.hpp"

#include "core/sha256.hpp"

#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlops;
using namespace mlops::exp;

namespace {

FileStamp stat_of(const stdfs::path& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return stamp_of(st);
}

void set_times(const stdfs::path& p, const FileStamp& like) {
  struct timespec ts[2];
  ts[0].tv_sec = ts[1].tv_sec = like.mtime_ns / 1'000'000'000;
  ts[0].tv_nsec = ts[1].tv_nsec = like.mtime_ns % 1'000'000'000;
  REQUIRE(::utimensat(AT_FDCWD, p.c_str(), ts, 0) == 0);
}

std::string sha256_of_file(const stdfs::path& p) { return sha256_file(p).sha256; }

}  // namespace

TEST_CASE("stat data that moved means written; equal stat data trusts the hash only when racy", "[outputs]") {
  FileStamp before{1, 2, 10, 100, 200, S_IFREG, ""};
  FileStamp after = before;
  int hashed = 0;
  auto sha = [&](const std::string& s) {
    return [&hashed, s] {
      ++hashed;
      return s;
    };
  };
  CHECK(!changed_since(before, after, sha("x")));
  CHECK(hashed == 0);
  after.ctime_ns = 201;  // rewritten, even with the same bytes and an mtime set back
  CHECK(changed_since(before, after, sha("x")));
  after = before;
  after.ino = 3;  // replaced by a rename
  CHECK(changed_since(before, after, sha("x")));
  after = before;
  after.size = 11;
  CHECK(changed_since(before, after, sha("x")));
  // Racy: changed in the tick the run started, so the same ctime proves nothing.
  before.sha256 = std::string(1, 'a');
  after = before;
  CHECK(!changed_since(before, after, sha("a")));
  CHECK(changed_since(before, after, sha("b")));
  CHECK(hashed == 2);
}

TEST_CASE("the baseline tells written files from older ones, whatever their mtime", "[outputs]") {
  fs::TempDir dir;
  const stdfs::path p = dir.path();
  stdfs::create_directories(p / "models");
  fs::write_file_atomic(p / "metrics.json", "{\"a\": 1}");
  fs::write_file_atomic(p / "models" / "old.bin", "old");
  fs::write_file_atomic(p / "models" / "rewritten.bin", "aaa");
  fs::write_file_atomic(p / "named.txt", "n");
  const FileStamp old_times = stat_of(p / "models" / "rewritten.bin");
  ::usleep(20000);  // past the filesystem's clock tick, so the files are not racy

  OutputBaseline b;
  b.take(p, {"metrics.json", "models/", "missing.txt"}, p / "probe");
  CHECK(b.covers("models/x.bin"));
  CHECK(b.covers("missing.txt"));
  CHECK(!b.covers("named.txt"));
  CHECK(!b.covers("models2/x"));

  // Written during the run: same size, and the mtime set back to the nanosecond.
  ::usleep(20000);
  fs::write_file_atomic(p / "models" / "rewritten.bin", "bbb");
  set_times(p / "models" / "rewritten.bin", old_times);
  fs::write_file_atomic(p / "models" / "new.bin", "new");
  fs::write_file_atomic(p / "missing.txt", "now here");
  auto never = []() -> std::string {
    FAIL("hashed");
    return "";
  };

  CHECK(!b.written("metrics.json", stat_of(p / "metrics.json"), never));
  CHECK(!b.written("models/old.bin", stat_of(p / "models/old.bin"), never));
  CHECK(b.written("models/rewritten.bin", stat_of(p / "models/rewritten.bin"), never));
  CHECK(b.written("models/new.bin", stat_of(p / "models/new.bin"), never));
  CHECK(b.written("missing.txt", stat_of(p / "missing.txt"), never));
  // Not stamped (named by exp log --artifact): its ctime against the start.
  CHECK(!b.written("named.txt", stat_of(p / "named.txt"), never));
  fs::write_file_atomic(p / "named.txt", "n");
  CHECK(b.written("named.txt", stat_of(p / "named.txt"), never));
}

TEST_CASE("a file changed just before the run starts is hashed and judged by its content", "[outputs]") {
  // With the probe on another filesystem, a file changed within two seconds of the start is
  // racy: its stat data cannot prove it unchanged, so its content does.
  fs::TempDir dir, other(stdfs::path("/dev/shm"));
  struct stat a {
  }, b{};
  REQUIRE(::stat(dir.path().c_str(), &a) == 0);
  REQUIRE(::stat(other.path().c_str(), &b) == 0);
  if (a.st_dev == b.st_dev) {
    WARN("skipped: /dev/shm is on the same filesystem as the temporary directory");
    return;
  }
  const stdfs::path p = dir.path() / "metrics.json";
  fs::write_file_atomic(p, "{\"a\": 1}");
  OutputBaseline base;
  base.take(dir.path(), {"metrics.json"}, other.path() / "probe");
  int hashed = 0;
  auto sha = [&](const char* s) {
    return [&hashed, s] {
      ++hashed;
      return std::string(s);
    };
  };
  // The same stat data with other content counts as written; with the same content, not.
  CHECK(base.written("metrics.json", stat_of(p), sha("not the content before")));
  CHECK(hashed == 1);
  CHECK(!base.written("metrics.json", stat_of(p), [&] { return sha256_of_file(p); }));
}
