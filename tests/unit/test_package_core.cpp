// SPDX-License-Identifier: MIT
#include "package/digest_cache.hpp"
#include "package/lineage.hpp"
#include "package/oci.hpp"
#include "package/spec.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

using namespace mlops;
using namespace mlops::package;

TEST_CASE("references: NAME[:TAG] with the OCI rules", "[package]") {
  CHECK(parse_reference("demo").str() == "demo:latest");
  CHECK(parse_reference("org/churn_model:v1.2-rc").str() == "org/churn_model:v1.2-rc");
  CHECK(parse_reference("registry.local/a/b:1").name == "registry.local/a/b");
  for (const char* bad : {"", "Demo:1", "demo:", "demo:-x", "a//b", "a/", "_a", "a__b:1?", "demo:1 2", "a..b"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_reference(bad), Error);
  }
}

TEST_CASE("descriptors: digest, size and string annotations are required", "[package]") {
  const std::string d = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
  const auto ok = parse_descriptor({{"mediaType", "x"}, {"digest", d}, {"size", 2}, {"annotations", {{"k", "v"}}}}, "t");
  CHECK(ok.digest == d);
  CHECK(canonical(to_json(ok)) == R"({"annotations":{"k":"v"},"digest":")" + d + R"(","mediaType":"x","size":2})");
  CHECK_THROWS_AS(parse_descriptor({{"mediaType", "x"}, {"digest", "sha256:ABC"}, {"size", 2}}, "t"), Error);
  CHECK_THROWS_AS(parse_descriptor({{"mediaType", "x"}, {"digest", d}, {"size", -1}}, "t"), Error);
  CHECK_THROWS_AS(parse_descriptor({{"mediaType", "x"}, {"digest", d}, {"size", 2}, {"annotations", {{"k", 1}}}}, "t"), Error);
  CHECK(media::model_layer("code", true, "zstd") == "application/vnd.cncf.model.code.v1.tar+zstd");
  CHECK(media::model_layer("weight", false, "zstd") == "application/vnd.cncf.model.weight.v1.raw");
}

TEST_CASE("package spec: entries by kind, normalised paths, errors with file:line", "[package]") {
  const Spec s = parse_spec(R"(package:
  name: demo
  model:
    - path: models/./m.bin
      framework: torch
  code: [src/]
  docs: README.md
  metadata: {n: 3, ok: true, s: "3"}
)",
                            "mlops.yaml", "/p");
  REQUIRE(s.entries.size() == 3);
  CHECK(s.entries[0].kind == "weight");
  CHECK(s.entries[0].path == "models/m.bin");
  CHECK(s.entries[0].framework == "torch");
  CHECK(s.entries[1].path == "src");
  CHECK(s.entries[2].kind == "doc");
  CHECK(s.metadata["n"] == 3);
  CHECK(s.metadata["ok"] == true);
  CHECK(s.metadata["s"] == "3");

  auto error_of = [](const std::string& yaml) {
    try {
      parse_spec(yaml, "mlops.yaml", "/p");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("package:\n  name: x\n  model: ../m\n") == "mlops.yaml:3: '../m' in 'package.model' must be a path inside the project");
  CHECK(error_of("package:\n  model: /etc/passwd\n") == "mlops.yaml:2: '/etc/passwd' in 'package.model' must be a path inside the project");
  CHECK(error_of("package:\n  model: [a, ./a]\n") == "mlops.yaml:2: 'a' is listed twice in 'package'");
  CHECK(error_of("package:\n  name: x\n") == "mlops.yaml:2: the package lists no files");
  CHECK(error_of("package:\n  model: a\n  compression: lz4\n") == "mlops.yaml:3: 'package.compression' must be none, gzip or zstd");
  CHECK(error_of("package:\n  ? [a]\n  : b\n").rfind("mlops.yaml:", 0) == 0);
  CHECK(error_of("schema: 1\n") == "mlops.yaml has no 'package:' section");
}

TEST_CASE("digest cache: remembers by stat, forgets racy files, survives a reload", "[package]") {
  fs::TempDir dir;
  FileKey k{1, 2, 3, 1'000'000'000, 1'000'000'000};
  const std::string d = "sha256:" + std::string(64, 'a');
  {
    DigestCache c(dir.path() / "cache");
    c.remember_file(k, CachedFile{d, BlobStamp{4, 5, 6}}, 5'000'000'000);
    FileKey racy = k;
    racy.ino = 9;
    c.remember_file(racy, CachedFile{d, {}}, racy.mtime_ns + 1000);  // hashed right after a write: not trusted
    REQUIRE(c.file(k));
    CHECK(c.file(k)->digest == d);
    CHECK(!c.file(racy));
    c.remember_layer("key", {d, d, 7, BlobStamp{8, 9, 10}});
    c.save();
  }
  DigestCache again(dir.path() / "cache");
  again.load();
  REQUIRE(again.file(k));
  CHECK(again.file(k)->digest == d);
  CHECK(again.file(k)->blob == BlobStamp{4, 5, 6});
  CHECK(again.layer("key")->blob == BlobStamp{8, 9, 10});
  FileKey touched = k;
  touched.mtime_ns += 1;
  CHECK(!again.file(touched));
  REQUIRE(again.layer("key"));
  CHECK(again.layer("key")->size == 7);
  fs::write_file_atomic(dir.path() / "cache", "garbage");
  DigestCache corrupt(dir.path() / "cache");
  corrupt.load();
  CHECK(!corrupt.file(k));
}

TEST_CASE("store: blobs verified, index entries replace a tag's target, resolve by prefix", "[package]") {
  fs::TempDir dir;
  Store store(dir.path() / "store");
  const std::string a = store.put_blob("alpha"), b = store.put_blob("beta");
  CHECK(store.read_blob(a) == "alpha");
  fs::write_file_atomic(store.blob_path(b), "tampered");
  CHECK_THROWS_AS(store.read_blob(b), Error);
  store.update_index([&](std::vector<IndexEntry>& e) {
    set_index_entry(e, {Descriptor{media::manifest, a, 5, "", nlohmann::json::object()}, "demo:1"});
    set_index_entry(e, {Descriptor{media::manifest, b, 4, "", nlohmann::json::object()}, "demo:1"});
  });
  const auto entries = store.index();
  REQUIRE(entries.size() == 1);
  CHECK(store.resolve("demo:1").descriptor.digest == b);
  CHECK(store.resolve(std::string(digest_hex(b).substr(0, 8))).descriptor.digest == b);
  CHECK_THROWS_AS(store.resolve("demo:2"), Error);
  CHECK_THROWS_AS(Store(dir.path() / "store" / "oci-layout"), Error);
}

TEST_CASE("package creation times are valid RFC 3339 or refused", "[package]") {
  using mlops::package::normalise_time;
  using mlops::package::rfc3339;
  CHECK(normalise_time("2026-01-31T12:00:00Z") == "2026-01-31T12:00:00Z");
  CHECK(normalise_time("2026-01-31T12:00:00.5+02:00") == "2026-01-31T10:00:00Z");
  CHECK(rfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(rfc3339(253402300799) == "9999-12-31T23:59:59Z");
  // strptime and timegm take these and normalise them into another date, or past year 9999.
  for (const char* bad : {"2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:60Z", "1970-01-01T00:00:00+99:99",
                          "2026-01-01T00:00:00+2a:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(normalise_time(bad), mlops::Error);
  }
  CHECK_THROWS_AS(rfc3339(253402300800), mlops::Error);
  CHECK_THROWS_AS(rfc3339(-1), mlops::Error);
}
