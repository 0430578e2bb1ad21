// SPDX-License-Identifier: MIT
// The file:// backend against a hostile layout: bounded tag lists, index.json and manifests.
#include "core/sha256.hpp"
#include "package/store.hpp"
#include "remote/file_backend.hpp"
#include "remote/layout.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace mlops;
using namespace mlops::remote;

namespace {

ErrorKind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::internal;  // no error
}

std::unique_ptr<Backend> open_dir(const std::filesystem::path& base) { return open_file(Location{"file", "", base.string()}, Options{}); }

}  // namespace

TEST_CASE("file backend: manifests round-trip, tags sorted, missing things are nullopt", "[remote]") {
  fs::TempDir dir;
  auto b = open_dir(dir.path());
  const std::string bytes = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"})";
  const Manifest m{package::media::manifest, "sha256:" + sha256_hex(bytes), bytes};
  b->put_manifest("team/demo", m, "v2");
  b->put_manifest("team/demo", m, "v1");
  CHECK(b->list_tags("team/demo") == std::vector<std::string>{"v1", "v2"});
  const auto got = b->get_manifest("team/demo", "v1");
  REQUIRE(got);
  CHECK(got->bytes == bytes);
  CHECK(got->digest == m.digest);
  CHECK(b->get_manifest("team/demo", m.digest));
  CHECK_FALSE(b->get_manifest("team/demo", "v3"));
  CHECK_FALSE(b->get_manifest("team/other", "v1"));
  CHECK_FALSE(b->stat_blob("team/demo", package::empty_digest));
  CHECK(b->stat_blob("team/demo", m.digest) == bytes.size());
  CHECK(std::filesystem::exists(dir.path() / "team" / "demo" / "oci-layout"));
}

TEST_CASE("file backend: a hostile layout gets bounded refusals", "[remote]") {
  fs::TempDir dir;
  const auto root = dir.path() / "bad";
  package::Store store(root);
  auto b = open_dir(dir.path());
  // An endless tag list.
  store.update_index([](std::vector<package::IndexEntry>& entries) {
    for (std::size_t i = 0; i <= k_max_tags; ++i) {
      package::IndexEntry e;
      e.descriptor = package::Descriptor{package::media::manifest, package::empty_digest, 2, {}, nlohmann::json::object()};
      e.ref = "t" + std::to_string(i);
      e.descriptor.annotations[package::annotation::ref_name] = e.ref;
      entries.push_back(std::move(e));
    }
  });
  CHECK(kind_of([&] { (void)b->list_tags("bad"); }) == ErrorKind::invalid_input);
  // A manifest over k_max_manifest_bytes, by tag and by digest.
  const std::string big(k_max_manifest_bytes + 1, ' ');
  const std::string big_digest = store.put_blob(big);
  store.update_index([&](std::vector<package::IndexEntry>& entries) {
    entries.clear();
    package::IndexEntry e;
    e.descriptor = package::Descriptor{package::media::manifest, big_digest, big.size(), {}, nlohmann::json::object()};
    e.ref = "big";
    package::set_index_entry(entries, e);
  });
  CHECK(kind_of([&] { (void)b->get_manifest("bad", "big"); }) == ErrorKind::invalid_input);
  CHECK(kind_of([&] { (void)b->get_manifest("bad", big_digest); }) == ErrorKind::invalid_input);
  // An index.json too big to read (sparse: nothing is written).
  std::filesystem::resize_file(root / "index.json", k_max_layout_index_bytes + 1);
  CHECK(kind_of([&] { (void)b->list_tags("bad"); }) == ErrorKind::invalid_input);
  CHECK(kind_of([&] { (void)b->get_manifest("bad", "big"); }) == ErrorKind::invalid_input);
}

TEST_CASE("layout: a remote index.json with too many entries or values is refused before it is built", "[remote]") {
  std::string many = R"({"schemaVersion":2,"manifests":[)";
  for (std::size_t i = 0; i <= k_max_layout_entries; ++i) many += i == 0 ? "{}" : ",{}";
  many += "]}";
  CHECK(kind_of([&] { (void)layout::parse_index(many, "index.json"); }) == ErrorKind::invalid_input);
  // Values hidden in one entry's annotations count too.
  std::string wide = R"({"manifests":[{"annotations":{)";
  for (std::size_t i = 0; i <= k_max_layout_values; ++i) wide += (i == 0 ? "" : ",") + std::string("\"") + std::to_string(i) + "\":0";
  wide += "}}]}";
  CHECK(kind_of([&] { (void)layout::parse_index(wide, "index.json"); }) == ErrorKind::invalid_input);
  // Deep nesting: refused, not recursed into.
  const std::string deep = R"({"manifests":[)" + std::string(100000, '[') + std::string(100000, ']') + "]}";
  CHECK(kind_of([&] { (void)layout::parse_index(deep, "index.json"); }) == ErrorKind::invalid_input);
  CHECK(kind_of([&] { (void)layout::parse_index("{\"manifests\":[", "index.json"); }) == ErrorKind::invalid_input);
  CHECK(layout::parse_index(R"({"schemaVersion":2,"manifests":[]})", "index.json").empty());
}
