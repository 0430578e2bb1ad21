// SPDX-License-Identifier: MIT
// unpack, export and import against hostile input: tar layers and tarballs are assembled
// byte by byte here (ustar headers), so every malformation is exactly the one intended.
#include "package/archive_io.hpp"
#include "package/c_libs.hpp"
#include "package/diff_ids.hpp"
#include "package/oci.hpp"
#include "package/oci_archive.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/package.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <set>
#include <thread>

using namespace mlops;
using namespace mlops::package;
namespace stdfs = std::filesystem;

namespace mlops::package {
// Compressors for test layers, inside the namespace so the lazily loaded zlib/zstd are used.
std::string test_gzip(const std::string& in) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out;
  char buf[4096];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = deflate(&z, Z_FINISH);
    REQUIRE(rc != Z_STREAM_ERROR);
    out.append(buf, sizeof buf - z.avail_out);
  }
  deflateEnd(&z);
  return out;
}

std::string test_zstd(const std::string& in) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  REQUIRE(c != nullptr);
  std::string out;
  char buf[4096];
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  for (;;) {
    ZSTD_outBuffer output{buf, sizeof buf, 0};
    const size_t left = ZSTD_compressStream2(c, &output, &input, ZSTD_e_end);
    REQUIRE(!ZSTD_isError(left));
    out.append(buf, output.pos);
    if (left == 0) break;
  }
  ZSTD_freeCCtx(c);
  return out;
}
}  // namespace mlops::package

namespace {

// ---- raw ustar ----

struct TarEntry {
  std::string name;
  char type = '0';  // '0' file, '1' hard link, '2' symlink, '3' char device, '5' directory, '6' FIFO
  std::string data;
  std::string link;
  unsigned mode = 0644;
  std::optional<std::uint64_t> header_size;  // a lie about the data's length
};

// width - 1 octal digits and a NUL, as ustar wants them.
void octal(char* field, std::size_t width, std::uint64_t value) {
  field[width - 1] = '\0';
  for (std::size_t i = width - 1; i-- > 0; value >>= 3) field[i] = static_cast<char>('0' + (value & 7));
}

std::string ustar(const std::vector<TarEntry>& entries, bool end_blocks = true) {
  std::string out;
  for (const auto& e : entries) {
    char h[512] = {};
    REQUIRE(e.name.size() <= 100);
    std::memcpy(h, e.name.data(), e.name.size());
    octal(h + 100, 8, e.mode);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, e.header_size.value_or(e.data.size()));
    octal(h + 136, 12, 0);
    h[156] = e.type;
    std::memcpy(h + 157, e.link.data(), std::min<std::size_t>(e.link.size(), 100));
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (const char c : h) sum += static_cast<unsigned char>(c);
    octal(h + 148, 7, sum);
    out.append(h, sizeof h);
    out += e.data;
    out.append((512 - e.data.size() % 512) % 512, '\0');
  }
  if (end_blocks) out.append(1024, '\0');
  return out;
}

TarEntry tfile(std::string name, std::string data, unsigned mode = 0644) { return {std::move(name), '0', std::move(data), "", mode, {}}; }
TarEntry tdir(std::string name) { return {std::move(name), '5', "", "", 0755, {}}; }
TarEntry tlink(std::string name, std::string target) { return {std::move(name), '2', "", std::move(target), 0777, {}}; }

// ---- a store with one package ----

std::set<std::string> tree(const stdfs::path& root) {
  std::set<std::string> out;
  if (!stdfs::exists(stdfs::symlink_status(root))) return out;
  for (auto it = stdfs::recursive_directory_iterator(root); it != stdfs::recursive_directory_iterator(); ++it) {
    out.insert(stdfs::relative(it->path(), root).string() + (it->is_symlink() ? "@" : ""));
  }
  return out;
}

struct Fixture {
  fs::TempDir tmp;
  stdfs::path work = tmp.path() / "work";
  stdfs::path out = work / "out";
  stdfs::path outside = work / "outside";  // must stay empty whatever the package says
  Store store{tmp.path() / "store"};
  nlohmann::json layers = nlohmann::json::array();
  nlohmann::json diff_ids = nlohmann::json::array();  // for the ModelPack config

  Fixture() { stdfs::create_directories(outside); }

  void raw(const std::string& path, const std::string& data, int mode = 0644, const std::string& kind = "weight") {
    const std::string digest = store.put_blob(data);
    diff_ids.push_back(digest);
    const nlohmann::json meta{
        {"name", path}, {"mode", mode}, {"uid", 0}, {"gid", 0}, {"size", data.size()}, {"mtime", "1970-01-01T00:00:00Z"}, {"typeflag", 48}};
    layers.push_back(
        {{"mediaType", media::model_layer(kind, false, "")},
         {"digest", digest},
         {"size", data.size()},
         {"annotations", {{annotation::filepath, path}, {annotation::title, path}, {annotation::file_metadata, meta.dump()}}}});
  }
  // `uncompressed`: the tar before compression, when `bytes` is compressed.
  void tar(const std::string& path, const std::string& bytes, const std::string& kind = "code", const std::string& compression = "",
           const std::string& uncompressed = {}) {
    const std::string digest = store.put_blob(bytes);
    diff_ids.push_back(compression.empty() ? digest : "sha256:" + sha256_hex(uncompressed));
    layers.push_back({{"mediaType", media::model_layer(kind, true, compression)},
                      {"digest", digest},
                      {"size", bytes.size()},
                      {"annotations", {{annotation::filepath, path}, {annotation::title, path}}}});
  }
  std::string publish(const std::string& ref = "demo:1") {
    const std::string config_text =
        canonical({{"descriptor", {{"name", "demo"}}}, {"modelfs", {{"type", "layers"}, {"diffIds", diff_ids}}}});
    const std::string config = store.put_blob(config_text);
    const nlohmann::json manifest{{"schemaVersion", 2},
                                  {"mediaType", media::manifest},
                                  {"artifactType", media::model_artifact},
                                  {"config", {{"mediaType", media::model_config}, {"digest", config}, {"size", config_text.size()}}},
                                  {"layers", layers}};
    const std::string text = canonical(manifest);
    const std::string digest = store.put_blob(text);
    IndexEntry e;
    e.descriptor = Descriptor{media::manifest, digest, text.size(), media::model_artifact, nlohmann::json::object()};
    e.ref = ref;
    store.update_index([&](std::vector<IndexEntry>& entries) { set_index_entry(entries, e); });
    return digest;
  }
  UnpackResult unpack(std::vector<std::string> filters = {}, bool overwrite = false) {
    UnpackOptions o;
    o.filters = std::move(filters);
    o.overwrite = overwrite;
    return package::unpack(store.root(), "demo:1", out, o);
  }
  // The unpack must fail with `kind` and leave the work directory exactly as it was.
  void refused(ErrorKind kind, const std::string& message_part = {}, std::vector<std::string> filters = {}, bool overwrite = false) {
    const auto before = tree(work);
    try {
      unpack(std::move(filters), overwrite);
      FAIL("unpack succeeded");
    } catch (const Error& e) {
      INFO(e.what());
      CHECK(e.kind() == kind);
      if (!message_part.empty()) CHECK_THAT(e.what(), Catch::Contains(message_part));
    }
    CHECK(tree(work) == before);
    CHECK(stdfs::is_empty(outside));
  }
};

std::string read(const stdfs::path& p) { return fs::read_file(p); }
unsigned mode_of(const stdfs::path& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

// ---- names ----

TEST_CASE("safe_entry_path normalises harmless names and refuses the rest", "[package][unpack]") {
  CHECK(safe_entry_path("src/", "t") == "src");
  CHECK(safe_entry_path("./src/a.py", "t") == "src/a.py");
  CHECK(safe_entry_path("./", "t").empty());
  CHECK(safe_entry_path("a/./b", "t") == "a/b");
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../../x", "a/..", "a//b", "a/.git/hooks/x", ".GIT/config", "a\nb", "a\x7f"}) {
    INFO(bad);
    CHECK_THROWS_AS(safe_entry_path(bad, "t"), Error);
  }
  CHECK(printable("a\x1b[31mb\\") == "a\\x1b[31mb\\x5c");
  // Bytes that are not UTF-8, and C1 controls, are escaped; UTF-8 text is kept.
  CHECK(printable("donn\xc3\xa9"
                  "es \xe6\x97\xa5") ==
        "donn\xc3\xa9"
        "es \xe6\x97\xa5");
  CHECK(printable("bad\xff\xfe") == "bad\\xff\\xfe");
  CHECK(printable("csi\xc2\x9b") == "csi\\xc2\\x9b");
  CHECK(printable("\xe6\x97") == "\\xe6\\x97");
}

TEST_CASE("valid_utf8 takes UTF-8 and nothing else", "[package]") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("plain"));
  CHECK(
      valid_utf8("donn\xc3\xa9"
                 "es \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"));
  for (const char* bad : {"\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe6\x97", "\x80"}) {
    INFO(printable(bad));
    CHECK_FALSE(valid_utf8(bad));
  }
}

// ---- happy paths ----

TEST_CASE("unpack restores files, directories, symlinks and the executable bit", "[package][unpack]") {
  Fixture fx;
  fx.raw("models/model.bin", "weights");
  fx.raw("models/config.json", "{}", 0644, "weight.config");
  fx.raw("run.sh", "#!/bin/sh\n", 0755, "code");
  fx.raw("README.md", "# demo\n", 0644, "doc");
  fx.tar("src", ustar({tdir("src/"), tdir("src/pkg/"), tfile("src/pkg/__init__.py", "print(1)\n"),
                       tfile("src/tool.sh", "#!/bin/sh\n", 04755), tlink("src/link.py", "pkg/__init__.py")}));
  fx.publish();
  const auto r = fx.unpack();
  CHECK(r.files == 7);
  CHECK(r.bytes == 7 + 2 + 10 + 7 + 9 + 10);
  CHECK(r.paths == std::vector<std::string>{"README.md", "models/config.json", "models/model.bin", "run.sh", "src/link.py",
                                            "src/pkg/__init__.py", "src/tool.sh"});
  CHECK(read(fx.out / "models/model.bin") == "weights");
  CHECK(read(fx.out / "src/pkg/__init__.py") == "print(1)\n");
  CHECK(stdfs::read_symlink(fx.out / "src/link.py") == "pkg/__init__.py");
  CHECK(read(fx.out / "src/link.py") == "print(1)\n");
  CHECK(mode_of(fx.out / "run.sh") == 0755);
  CHECK(mode_of(fx.out / "src/tool.sh") == 0755);  // setuid dropped
  CHECK(mode_of(fx.out / "models/model.bin") == 0644);
  CHECK(mode_of(fx.out / "src/pkg") == 0755);
  // No staging directory left behind.
  for (const auto& e : stdfs::directory_iterator(fx.out)) CHECK(e.path().filename().string().rfind(".mlops-unpack-", 0) != 0);
}

TEST_CASE("gzip and zstd tar layers unpack", "[package][unpack]") {
  Fixture fx;
  const std::string src = ustar({tdir("src/"), tfile("src/a.py", "a")});
  fx.tar("src", test_gzip(src), "code", "gzip", src);
  std::string big(5u << 20, '\0');  // several buffers, compressed and not
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
  const std::string data = ustar({tfile("data/b.csv", "b,c\n"), tfile("data/big.bin", big)});
  fx.tar("data", test_zstd(data), "dataset", "zstd", data);
  fx.tar("raw", ustar({tfile("raw/big.bin", big)}), "dataset");
  fx.publish();
  const auto r = fx.unpack();
  CHECK(r.paths == std::vector<std::string>{"data/b.csv", "data/big.bin", "raw/big.bin", "src/a.py"});
  CHECK(read(fx.out / "data/b.csv") == "b,c\n");
  CHECK(read(fx.out / "data/big.bin") == big);
  CHECK(read(fx.out / "raw/big.bin") == big);
}

TEST_CASE("filters select layers by kind and entries by glob", "[package][unpack]") {
  Fixture fx;
  fx.raw("models/model.bin", "weights");
  fx.raw("models/config.json", "{}", 0644, "weight.config");
  fx.raw("README.md", "# demo\n", 0644, "doc");
  fx.raw("data/train.csv", "x\n", 0644, "dataset");
  fx.tar("src", ustar({tdir("src/"), tdir("src/pkg/"), tfile("src/pkg/__init__.py", "print(1)\n"), tfile("src/main.py", "main\n"),
                       tfile("src/notes.txt", "n")}));
  fx.publish();
  SECTION("model") { CHECK(fx.unpack({"model"}).paths == std::vector<std::string>{"models/config.json", "models/model.bin"}); }
  SECTION("docs and datasets") { CHECK(fx.unpack({"docs", "datasets"}).paths == std::vector<std::string>{"README.md", "data/train.csv"}); }
  SECTION("code") { CHECK(fx.unpack({"code"}).files == 3); }
  SECTION("a glob spans directories") {
    CHECK(fx.unpack({"*.py"}).paths == std::vector<std::string>{"src/main.py", "src/pkg/__init__.py"});
    CHECK_FALSE(stdfs::exists(fx.out / "models"));
  }
  SECTION("a glob naming a directory takes what is below it") {
    CHECK(fx.unpack({"src/pkg"}).paths == std::vector<std::string>{"src/pkg/__init__.py"});
  }
  SECTION("a glob on a layer path takes the whole layer") { CHECK(fx.unpack({"src/"}).files == 3); }
  SECTION("a glob on a raw file") { CHECK(fx.unpack({"models/*.bin"}).paths == std::vector<std::string>{"models/model.bin"}); }
  SECTION("nothing matches") {
    fx.refused(ErrorKind::not_found, "matches", {"*.nothing"});
    CHECK_FALSE(stdfs::exists(fx.out));
  }
}

TEST_CASE("existing files are a conflict unless overwriting", "[package][unpack]") {
  Fixture fx;
  fx.raw("models/model.bin", "weights");
  fx.tar("src", ustar({tfile("src/a.py", "new")}));
  fx.publish();
  fx.unpack();
  fs::write_file_atomic(fx.out / "src/a.py", "edited");
  fx.refused(ErrorKind::conflict, "already in");
  CHECK(read(fx.out / "src/a.py") == "edited");
  fs::write_file_atomic(fx.out / "keep.txt", "mine");
  const auto r = fx.unpack({}, true);
  CHECK(r.files == 2);
  CHECK(read(fx.out / "src/a.py") == "new");
  CHECK(read(fx.out / "keep.txt") == "mine");
}

TEST_CASE("a directory in the way of a file is a conflict even when overwriting", "[package][unpack]") {
  Fixture fx;
  fx.raw("models/model.bin", "weights");
  fx.publish();
  stdfs::create_directories(fx.out / "models/model.bin");
  fx.refused(ErrorKind::conflict, "is a directory", {}, true);
}

// ---- hostile layers: an error, and nothing written anywhere ----

TEST_CASE("hostile tar layers are refused and write nothing", "[package][unpack][security]") {
  Fixture fx;
  std::string bytes;
  std::string message;
  SECTION("absolute path") {
    bytes = ustar({tfile("/tmp/evil", "x")});
    message = "absolute";
  }
  SECTION("parent escape") {
    bytes = ustar({tfile("../x", "x")});
    message = "'..'";
  }
  SECTION("parent escape in the middle") {
    bytes = ustar({tfile("a/../../x", "x")});
    message = "'..'";
  }
  SECTION("into .git") {
    bytes = ustar({tfile(".git/hooks/post-checkout", "x", 0755)});
    message = ".git";
  }
  SECTION("symlink to an absolute path") {
    bytes = ustar({tlink("src/passwd", "/etc/passwd")});
    message = "absolute";
  }
  SECTION("symlink climbing out") {
    bytes = ustar({tdir("src/"), tlink("src/a", "../../x")});
    message = "outside the package";
  }
  SECTION("symlinks escaping together") {
    bytes = ustar({tdir("d/"), tlink("d/up", ".."), tlink("x", "d/up/../outside")});
    message = "outside the package";
  }
  SECTION("symlink chain through a link to '.'") {
    bytes = ustar({tlink("l2", "."), tlink("l1", "l2/../x")});
    message = "outside the package";
  }
  SECTION("symlink loop") {
    bytes = ustar({tlink("a", "b/x"), tlink("b", "a/y")});
    message = "loop";
  }
  SECTION("file written through a symlink of the package") { bytes = ustar({tlink("src", "../outside"), tfile("src/evil", "x")}); }
  SECTION("file below a symlink of the package, link second") {
    bytes = ustar({tfile("src/evil", "x"), tlink("src", ".")});
    message = "twice";
  }
  SECTION("hard link") {
    bytes = ustar({tfile("a", "x"), TarEntry{"b", '1', "", "a", 0644, {}}});
    message = "hard link";
  }
  SECTION("hard link to an absolute path") {
    bytes = ustar({TarEntry{"b", '1', "", "/etc/passwd", 0644, {}}});
    message = "hard link";
  }
  SECTION("character device") {
    bytes = ustar({TarEntry{"null", '3', "", "", 0666, {}}});
    message = "character device";
  }
  SECTION("FIFO") {
    bytes = ustar({TarEntry{"fifo", '6', "", "", 0644, {}}});
    message = "FIFO";
  }
  SECTION("header size larger than the data") {
    bytes = ustar({tfile("src/a.py", std::string(100, 'a')), TarEntry{"src/b.py", '0', std::string(100, 'b'), "", 0644, 4096}});
    message = "truncated";
  }
  SECTION("archive cut short") {
    bytes = ustar({tfile("src/a.py", std::string(2000, 'a'))}, false).substr(0, 1024);
    message = "truncated";
  }
  SECTION("the same file twice") {
    bytes = ustar({tfile("a", "1"), tfile("a", "2")});
    message = "twice";
  }
  SECTION("not a tar at all") { bytes = std::string(700, 'z'); }
  SECTION("a compressed layer whose entries add up to more than 1024 times its size") {
    bytes = test_gzip(ustar({TarEntry{"src/huge.bin", '0', "", "", 0644, std::uint64_t{4} << 30}}, false));
    fx.tar("src", bytes, "code", "gzip", "");
    fx.publish();
    fx.refused(ErrorKind::invalid_input, "decompression bomb");
    return;
  }
  SECTION("a name that is not UTF-8") {
    bytes = ustar({tfile("src/bad\xff\xfe.py", "x")});
    message = "'src/bad\\xff\\xfe.py' is not UTF-8";
  }
  SECTION("a symlink target that is not UTF-8") {
    bytes = ustar({tdir("src/"), tlink("src/l", "a\xc0\xaf")});
    message = "is not UTF-8";
  }
  fx.tar("src", bytes);
  fx.publish();
  fx.refused(ErrorKind::invalid_input, message);
  CHECK_FALSE(stdfs::exists(fx.out));
}

TEST_CASE("hostile layers leave an existing directory as it was", "[package][unpack][security]") {
  Fixture fx;
  stdfs::create_directories(fx.out / "src");
  fs::write_file_atomic(fx.out / "src/mine.py", "mine");
  fx.raw("models/model.bin", "weights");
  fx.tar("src", ustar({tfile("src/ok.py", "ok"), tlink("src/bad", "../../../outside")}));
  fx.publish();
  fx.refused(ErrorKind::invalid_input, "outside the package");
  CHECK(tree(fx.out) == std::set<std::string>{"src", "src/mine.py"});
}

TEST_CASE("a tampered blob is refused before anything is moved", "[package][unpack][security]") {
  Fixture fx;
  fx.raw("models/a.bin", "first");
  fx.raw("models/model.bin", "weights");
  fx.tar("src", ustar({tfile("src/a.py", "a")}));
  fx.publish();
  SECTION("raw layer") {
    const auto blob = fx.store.blob_path(fx.layers[1]["digest"].get<std::string>());
    fs::write_file_atomic(blob, "WEIGHTS");
    fx.refused(ErrorKind::invalid_input, "does not match its digest");
  }
  SECTION("raw layer, longer") {
    const auto blob = fx.store.blob_path(fx.layers[1]["digest"].get<std::string>());
    fs::write_file_atomic(blob, "weights and more");
    fx.refused(ErrorKind::invalid_input, "larger than its descriptor");
  }
  SECTION("tar layer still parsing") {
    const auto blob = fx.store.blob_path(fx.layers[2]["digest"].get<std::string>());
    std::string bytes = read(blob);
    bytes[512] = 'b';  // the file's content
    fs::write_file_atomic(blob, bytes);
    fx.refused(ErrorKind::invalid_input, "does not match its digest");
  }
  SECTION("tar layer no longer parsing") {
    const auto blob = fx.store.blob_path(fx.layers[2]["digest"].get<std::string>());
    std::string bytes = read(blob);
    bytes[0] = 'X';  // breaks the header checksum
    fs::write_file_atomic(blob, bytes);
    fx.refused(ErrorKind::invalid_input, "does not match its digest");
  }
  CHECK_FALSE(stdfs::exists(fx.out));
}

TEST_CASE("a symlink already in DIR is never written through", "[package][unpack][security]") {
  Fixture fx;
  fx.tar("src", ustar({tdir("src/"), tfile("src/pkg/evil.py", "x")}));
  fx.publish();
  stdfs::create_directories(fx.out);
  SECTION("as a parent") {
    stdfs::create_directory_symlink(fx.outside, fx.out / "src");
    fx.refused(ErrorKind::conflict, "symlink");
    fx.refused(ErrorKind::conflict, "symlink", {}, true);
  }
  SECTION("as a grandparent") {
    stdfs::create_directories(fx.out / "src");
    stdfs::create_directory_symlink(fx.outside, fx.out / "src/pkg");
    fx.refused(ErrorKind::conflict, "symlink", {}, true);
  }
}

TEST_CASE("a package symlink leading through a symlink already in DIR is refused", "[package][unpack][security]") {
  Fixture fx;
  fx.tar("src", ustar({tlink("src/l", "../user/..")}));
  fx.publish();
  stdfs::create_directories(fx.out);
  stdfs::create_directory_symlink(fx.outside, fx.out / "user");
  fx.refused(ErrorKind::conflict, "symlink already there");
}

TEST_CASE("an existing symlink is replaced, not followed, when overwriting", "[package][unpack][security]") {
  Fixture fx;
  fx.raw("models/model.bin", "weights");
  fx.publish();
  stdfs::create_directories(fx.out / "models");
  fs::write_file_atomic(fx.outside / "victim", "keep");
  stdfs::create_symlink(fx.outside / "victim", fx.out / "models/model.bin");
  fx.unpack({}, true);
  CHECK(read(fx.outside / "victim") == "keep");
  CHECK_FALSE(stdfs::is_symlink(fx.out / "models/model.bin"));
  CHECK(read(fx.out / "models/model.bin") == "weights");
}

// ---- export and import ----

namespace {

std::string add_signature(Store& store, const std::string& subject) {
  const std::string bundle = store.put_blob(R"({"signature":"fake"})");
  const nlohmann::json manifest{{"schemaVersion", 2},
                                {"mediaType", media::manifest},
                                {"artifactType", media::sigstore_bundle},
                                {"config", {{"mediaType", media::empty}, {"digest", store.put_blob("{}")}, {"size", 2}}},
                                {"layers", {{{"mediaType", media::sigstore_bundle}, {"digest", bundle}, {"size", 20}}}},
                                {"subject", {{"mediaType", media::manifest}, {"digest", subject}, {"size", 1}}}};
  const std::string text = canonical(manifest);
  const std::string digest = store.put_blob(text);
  IndexEntry e;
  e.descriptor = Descriptor{media::manifest, digest, text.size(), media::sigstore_bundle, {{annotation::subject, subject}}};
  store.update_index([&](std::vector<IndexEntry>& entries) { set_index_entry(entries, e); });
  return digest;
}

std::string index_text(const Store& store) { return fs::read_file(store.root() / "index.json"); }

}  // namespace

TEST_CASE("export then import gives the same package and its signature", "[package][transfer]") {
  Fixture fx;
  fx.raw("models/model.bin", std::string(3 << 20, 'w'));  // more than one buffer
  fx.tar("src", ustar({tdir("src/"), tfile("src/a.py", "a")}));
  const std::string digest = fx.publish();
  const std::string sig = add_signature(fx.store, digest);
  // Something unrelated that must not travel.
  fx.store.put_blob("unrelated");

  const stdfs::path tarball = fx.tmp.path() / "demo.tar";
  export_tar(fx.store.root(), "demo:1", tarball);
  const std::string first = read(tarball);
  export_tar(fx.store.root(), "demo:1", tarball);
  CHECK(read(tarball) == first);  // deterministic
  CHECK(first.find("unrelated") == std::string::npos);
  std::size_t temp_files = 0;
  for (const auto& e : stdfs::directory_iterator(fx.tmp.path()))
    temp_files += e.path().filename().string().find(".tmp-") != std::string::npos;
  CHECK(temp_files == 0);

  Store other(fx.tmp.path() / "other");
  const auto refs = import_tar(other.root(), tarball);
  CHECK(refs == std::vector<std::string>{"demo:1"});
  CHECK(other.resolve("demo:1").descriptor.digest == digest);
  const auto referrers = other.referrers(digest);
  REQUIRE(referrers.size() == 1);
  CHECK(referrers[0].descriptor.digest == sig);
  CHECK_FALSE(other.has_blob("sha256:" + sha256_hex("unrelated")));

  UnpackOptions o;
  const auto r = unpack(other.root(), "demo:1", fx.tmp.path() / "from-import", o);
  CHECK(r.files == 2);

  // Importing again changes nothing.
  const std::string before = index_text(other);
  import_tar(other.root(), tarball);
  CHECK(index_text(other) == before);
}

TEST_CASE("import replaces the previous target of a tag", "[package][transfer]") {
  Fixture fx;
  fx.raw("a.bin", "one");
  fx.publish();
  const stdfs::path tarball = fx.tmp.path() / "demo.tar";
  export_tar(fx.store.root(), "demo:1", tarball);
  Store other(fx.tmp.path() / "other");
  Fixture second;
  second.raw("a.bin", "two");
  const std::string d2 = second.publish();
  const stdfs::path tarball2 = fx.tmp.path() / "demo2.tar";
  export_tar(second.store.root(), "demo:1", tarball2);
  import_tar(other.root(), tarball);
  import_tar(other.root(), tarball2);
  CHECK(other.resolve("demo:1").descriptor.digest == d2);
  CHECK(other.index().size() == 1);
}

TEST_CASE("import reads gzip tarballs and ignores harmless extra files", "[package][transfer]") {
  Fixture fx;
  fx.raw("a.bin", "one");
  const std::string digest = fx.publish();
  const stdfs::path tarball = fx.tmp.path() / "demo.tar";
  export_tar(fx.store.root(), "demo:1", tarball);
  // Re-pack with an extra README, gzip'd.
  std::string bytes = read(tarball);
  const std::string extra = ustar({tfile("README", "hello")}, false);
  bytes.insert(0, extra);
  fs::write_file_atomic(tarball, test_gzip(bytes));
  Store other(fx.tmp.path() / "other");
  CHECK(import_tar(other.root(), tarball) == std::vector<std::string>{"demo:1"});
  CHECK(other.resolve("demo:1").descriptor.digest == digest);
}

TEST_CASE("hostile tarballs are refused and leave the index alone", "[package][transfer][security]") {
  Fixture fx;
  fx.raw("a.bin", "one");
  const std::string digest = fx.publish();
  const std::string manifest = fx.store.read_blob(digest);
  const std::string config_digest = nlohmann::json::parse(manifest)["config"]["digest"];
  const std::string layer_digest = fx.layers[0]["digest"];
  const std::string index = R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                            digest + R"(","size":)" + std::to_string(manifest.size()) +
                            R"(,"annotations":{"org.opencontainers.image.ref.name":"demo:1"}}]})";
  auto blob = [&](const std::string& d) { return tfile("blobs/sha256/" + std::string(digest_hex(d)), read(fx.store.blob_path(d))); };
  const TarEntry layout = tfile("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  std::vector<TarEntry> entries{layout, tfile("index.json", index), blob(digest), blob(config_digest), blob(layer_digest)};
  std::string message;
  SECTION("parent escape") {
    entries.push_back(tfile("../evil", "x"));
    message = "'..'";
  }
  SECTION("absolute path") {
    entries.push_back(tfile("/tmp/evil", "x"));
    message = "absolute";
  }
  SECTION("symlink") {
    entries.push_back(tlink("blobs/sha256/x", "/etc/passwd"));
    message = "symlink";
  }
  SECTION("hard link") {
    entries.push_back(TarEntry{"blobs/b", '1', "", "oci-layout", 0644, {}});
    message = "hard link";
  }
  SECTION("device") {
    entries.push_back(TarEntry{"dev", '3', "", "", 0644, {}});
    message = "device";
  }
  SECTION("a blob whose content does not match its name") {
    entries[4].data = "two";
    message = "does not match";
  }
  SECTION("a missing layer") {
    entries.pop_back();
    message = "neither in the tarball nor in the store";
  }
  SECTION("a blob longer than its descriptor says") {
    entries[4].header_size = 4096;
    message = "where the descriptor of layer 1";
  }
  SECTION("a manifest blob longer than index.json says") {
    entries[2].data += " ";
    message = "where the descriptor of manifest";
  }
  SECTION("a config whose diff ids do not match the layers") {
    const std::string bad_config = R"({"modelfs":{"diffIds":["sha256:)" + std::string(64, '0') + R"("],"type":"layers"}})";
    nlohmann::json m = nlohmann::json::parse(manifest);
    m["config"]["digest"] = "sha256:" + sha256_hex(bad_config);
    m["config"]["size"] = bad_config.size();
    const std::string bad_manifest = canonical(m);
    entries[1].data.replace(entries[1].data.find(digest), digest.size(), "sha256:" + sha256_hex(bad_manifest));
    entries[1].data.replace(entries[1].data.find(std::to_string(manifest.size())), std::to_string(manifest.size()).size(),
                            std::to_string(bad_manifest.size()));
    entries[2] = tfile("blobs/sha256/" + sha256_hex(bad_manifest), bad_manifest);
    entries[3] = tfile("blobs/sha256/" + sha256_hex(bad_config), bad_config);
    message = "diff id";
  }
  SECTION("no oci-layout") {
    entries.erase(entries.begin());
    message = "oci-layout";
  }
  SECTION("an invalid reference") {
    entries[1].data.replace(entries[1].data.find("demo:1"), 6, "Demo:1");
    message = "reference";
  }
  const stdfs::path tarball = fx.tmp.path() / "evil.tar";
  fs::write_file_atomic(tarball, ustar(entries));
  Store other(fx.tmp.path() / "other");
  const std::string before = index_text(other);
  try {
    import_tar(other.root(), tarball);
    FAIL("import succeeded");
  } catch (const Error& e) {
    INFO(e.what());
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK_THAT(e.what(), Catch::Contains(message));
  }
  CHECK(index_text(other) == before);
  CHECK_FALSE(stdfs::exists(fx.tmp.path() / "evil"));
}

TEST_CASE("export of a missing package is not_found and writes no file", "[package][transfer]") {
  Fixture fx;
  fx.raw("a.bin", "one");
  fx.publish();
  try {
    export_tar(fx.store.root(), "nope:1", fx.tmp.path() / "x.tar");
    FAIL("exported");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::not_found);
  }
  CHECK_FALSE(stdfs::exists(fx.tmp.path() / "x.tar"));
}

TEST_CASE("import: blobs before index.json take a second pass; a pipe cannot give one", "[package][transfer]") {
  Fixture fx;
  fx.raw("a.bin", std::string(1 << 20, 'a'));
  const std::string digest = fx.publish();
  const std::string manifest = fx.store.read_blob(digest);
  const auto m = nlohmann::json::parse(manifest);
  auto blob = [&](const std::string& d) { return tfile("blobs/sha256/" + std::string(digest_hex(d)), read(fx.store.blob_path(d))); };
  const std::string index = R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                            digest + R"(","size":)" + std::to_string(manifest.size()) +
                            R"(,"annotations":{"org.opencontainers.image.ref.name":"demo:1"}}]})";
  // The layer first, then the manifest and config, index.json last.
  const std::string bytes = ustar({blob(m["layers"][0]["digest"]), blob(digest), blob(m["config"]["digest"]),
                                   tfile("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"), tfile("index.json", index)});
  const stdfs::path tarball = fx.tmp.path() / "late-index.tar";
  fs::write_file_atomic(tarball, bytes);
  ImportLimits no_memory;
  no_memory.small_budget = 0;  // nothing kept: the manifest and config need a second pass, the layer a third
  Store other(fx.tmp.path() / "other");
  CHECK(import_tar(other.root(), tarball, Progress{}, no_memory) == std::vector<std::string>{"demo:1"});
  CHECK(other.resolve("demo:1").descriptor.digest == digest);

  // Through a FIFO there is no second pass.
  const stdfs::path fifo = fx.tmp.path() / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread writer([&] {
    std::FILE* f = std::fopen(fifo.c_str(), "wb");
    if (f == nullptr) return;
    (void)std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  });
  Store third(fx.tmp.path() / "third");
  try {
    import_tar(third.root(), fifo, Progress{}, no_memory);
    FAIL("imported from a pipe in three passes");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK_THAT(e.what(), Catch::Contains("cannot be read twice"));
  }
  writer.join();
  CHECK(third.index().empty());
}

TEST_CASE("import: a compressed tarball that expands past the limit is refused as a bomb", "[package][transfer][security]") {
  Fixture fx;
  fx.raw("a.bin", "one");
  fx.publish();
  const stdfs::path tarball = fx.tmp.path() / "demo.tar";
  export_tar(fx.store.root(), "demo:1", tarball);
  // 16 MiB of zeros, unreferenced, before the package: a few KiB once gzip'd.
  const std::string bomb = ustar({tfile("blobs/sha256/" + sha256_hex(std::string(16 << 20, '\0')), std::string(16 << 20, '\0'))}, false);
  fs::write_file_atomic(tarball, test_gzip(bomb + read(tarball)));
  ImportLimits tight;
  tight.expansion_ratio = 100;
  tight.expansion_slack = 1 << 20;
  Store other(fx.tmp.path() / "other");
  try {
    import_tar(other.root(), tarball, Progress{}, tight);
    FAIL("imported a bomb");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK_THAT(e.what(), Catch::Contains("decompression bomb"));
  }
  CHECK(other.index().empty());
  // Within the default limits the same tarball imports, without the unreferenced blob.
  CHECK(import_tar(other.root(), tarball) == std::vector<std::string>{"demo:1"});
  CHECK_FALSE(other.has_blob("sha256:" + sha256_hex(std::string(16 << 20, '\0'))));
}

TEST_CASE("diff ids: DiffHasher hashes what gzip and zstd streams hold, and refuses broken ones", "[package]") {
  const std::string content = ustar({tfile("a", std::string(3 << 20, 'x')), tfile("b", "tail")});
  const std::string want = "sha256:" + sha256_hex(content);
  auto hash = [](const std::string& compression, const std::string& bytes, std::size_t piece) {
    DiffHasher h(compression, "layer");
    for (std::size_t i = 0; i < bytes.size(); i += piece) h.update(bytes.data() + i, std::min(piece, bytes.size() - i));
    return h.finish();
  };
  for (const std::size_t piece : {std::size_t{1} << 20, std::size_t{7}}) {
    CHECK(hash("", content, piece) == want);
    CHECK(hash("gzip", test_gzip(content), piece) == want);
    CHECK(hash("zstd", test_zstd(content), piece) == want);
  }
  // Two gzip members are one stream.
  CHECK(hash("gzip", test_gzip(content.substr(0, 1000)) + test_gzip(content.substr(1000)), 4096) == want);
  const std::string gz = test_gzip(content), zs = test_zstd(content);
  CHECK_THROWS_AS(hash("gzip", gz.substr(0, gz.size() / 2), 4096), Error);
  CHECK_THROWS_AS(hash("zstd", zs.substr(0, zs.size() / 2), 4096), Error);
  CHECK_THROWS_AS(hash("gzip", "not gzip at all", 4096), Error);
  CHECK_THROWS_AS(hash("gzip", "", 4096), Error);
  // An expansion past the limit is refused as a bomb (the default allows 1024:1 + 1 GiB).
  const std::string zeros = test_zstd(std::string(8 << 20, '\0')), gzeros = test_gzip(std::string(8 << 20, '\0'));
  for (const auto& [compression, bytes] : {std::pair<std::string, std::string>{"zstd", zeros}, {"gzip", gzeros}}) {
    DiffHasher tight(compression, "layer", 16, 1 << 20);
    try {
      tight.update(bytes.data(), bytes.size());
      tight.finish();
      FAIL("a " << compression << " bomb was hashed");
    } catch (const Error& e) {
      CHECK_THAT(e.what(), Catch::Contains("decompression bomb"));
    }
    DiffHasher roomy(compression, "layer");
    roomy.update(bytes.data(), bytes.size());
    CHECK(roomy.finish() == "sha256:" + sha256_hex(std::string(8 << 20, '\0')));
  }
  CHECK(layer_compression("application/vnd.cncf.model.code.v1.tar+gzip") == "gzip");
  CHECK(layer_compression("application/vnd.cncf.model.weight.v1.raw") == "");
  CHECK(!layer_compression("application/vnd.cncf.model.code.v1.tar+lz4"));
}
