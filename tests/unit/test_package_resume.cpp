// SPDX-License-Identifier: MIT
// Resumable blob writers: a partial download stays in ingest/ under its digest, is hashed
// again and continued, is still verified before it lands, survives the writers' cleanup
// (not gc's), and two writers of one digest take turns.
#include "core/sha256.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <thread>

using namespace mlops;
using namespace mlops::package;

namespace {
const std::string k_data = std::string(300000, 'x') + "tail";
std::string digest_of(const std::string& s) { return "sha256:" + sha256_hex(s); }
}  // namespace

TEST_CASE("resumable blob writer: an interrupted download continues from its size", "[package]") {
  fs::TempDir dir;
  Store store(dir.path() / "store");
  const std::string d = digest_of(k_data);
  {
    BlobWriter w(store, d);
    CHECK(w.resumed() == 0);
    w.write(k_data.data(), 1000);
    // dropped without commit: a failed transfer
  }
  CHECK(std::filesystem::file_size(store.partial_path(d)) == 1000);
  // A writer's cleanup (build, import, pull) keeps it.
  { const FileLock lock = store.writer_lock(); }
  REQUIRE(std::filesystem::exists(store.partial_path(d)));
  {
    BlobWriter w(store, d);
    CHECK(w.resumed() == 1000);
    CHECK(w.size() == 1000);
    w.write(k_data.data() + 1000, k_data.size() - 1000);
    CHECK(w.commit(d) == d);
  }
  CHECK(store.read_blob(d) == k_data);
  CHECK_FALSE(std::filesystem::exists(store.partial_path(d)));
}

TEST_CASE("resumable blob writer: a partial blob that does not hash right never lands", "[package]") {
  fs::TempDir dir;
  Store store(dir.path() / "store");
  const std::string d = digest_of(k_data);
  {
    BlobWriter w(store, d);
    w.write("garbage", 7);  // what a bad earlier download left
  }
  {
    BlobWriter w(store, d);
    CHECK(w.resumed() == 7);
    w.write(k_data.data() + 7, k_data.size() - 7);
    CHECK_THROWS_AS(w.commit(d), Error);
  }
  CHECK_FALSE(store.has_blob(d));
  CHECK_FALSE(std::filesystem::exists(store.partial_path(d)));  // removed: no use resuming it
  {
    BlobWriter w(store, d);
    w.write("0123456789", 10);
    w.restart();  // more than the blob can hold, say: start again
    CHECK(w.size() == 0);
    w.write(k_data.data(), k_data.size());
    CHECK(w.commit(d) == d);
  }
  CHECK(store.read_blob(d) == k_data);
}

TEST_CASE("resumable blob writer: gc removes partial downloads; discard drops one", "[package]") {
  fs::TempDir dir;
  Store store(dir.path() / "store");
  const std::string d = digest_of(k_data);
  {
    BlobWriter w(store, d);
    w.write("abc", 3);
  }
  {
    BlobWriter w(store, d);
    w.discard();
  }
  CHECK_FALSE(std::filesystem::exists(store.partial_path(d)));
  {
    BlobWriter w(store, d);
    w.write("abc", 3);
  }
  const auto cleaned = store.clean_ingest(true);  // what gc does, holding the lock exclusively
  CHECK(cleaned.files == 1);
  CHECK_FALSE(std::filesystem::exists(store.partial_path(d)));
}

TEST_CASE("resumable blob writer: two writers of one digest take turns", "[package]") {
  fs::TempDir dir;
  Store store(dir.path() / "store");
  const std::string d = digest_of(k_data);
  std::uint64_t second_resumed = 99;
  {
    auto first = std::make_unique<BlobWriter>(store, d);
    first->write(k_data.data(), 5000);
    std::thread t([&] {
      BlobWriter second(store, d);  // waits for the first one's lock
      second_resumed = second.resumed();
      if (!store.has_blob(d, k_data.size())) {
        second.write(k_data.data() + second.size(), k_data.size() - second.size());
        second.commit(d);
      } else {
        second.discard();
      }
    });
    first->write(k_data.data() + 5000, k_data.size() - 5000);
    first->commit(d);
    first.reset();
    t.join();
  }
  // The second writer found the name gone (committed) and started a fresh file.
  CHECK(second_resumed == 0);
  CHECK(store.read_blob(d) == k_data);
  CHECK_FALSE(std::filesystem::exists(store.partial_path(d)));
}

TEST_CASE("blob writer: pieces of any size, gathered or not, land whole and in order", "[package]") {
  fs::TempDir dir;
  Store store(dir.path() / "store");
  std::string data;
  for (int i = 0; i < 3'000'000; ++i) data += static_cast<char>('a' + (i * 7) % 26);
  const std::string d = digest_of(data);
  {
    BlobWriter w(store, d);
    // libcurl's 16 KiB pieces, one larger than the writer's buffer, and odd sizes between.
    const std::size_t pieces[] = {16384, 1, 16383, 2u << 20, 5, 16384, 70000};
    std::size_t at = 0, i = 0;
    while (at < data.size()) {
      const std::size_t n = std::min(pieces[i++ % std::size(pieces)], data.size() - at);
      w.write(data.data() + at, n);
      at += n;
      CHECK(w.size() == at);
    }
    CHECK(w.commit(d) == d);
  }
  CHECK(store.read_blob(d) == data);
  {
    BlobWriter w(store, digest_of(k_data));
    w.write("junk", 4);
    w.restart();  // what was gathered goes too
    w.write(k_data.data(), k_data.size());
    CHECK(w.commit(digest_of(k_data)) == digest_of(k_data));
  }
}
