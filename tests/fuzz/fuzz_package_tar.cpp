// SPDX-License-Identifier: MIT
// A package's tar layer and an OCI layout tarball come from anywhere; whatever their bytes,
// unpack() may only ever create regular files (0644/0755), directories and symlinks that
// resolve inside DIR, exactly the files it reports, nothing at all on failure, and
// import_tar() only ever fails with Error{invalid_input} and an untouched index.
//
// Input: a tar archive, optionally preceded by the line "!force\n": then DIR already holds
// a symlink "escape" pointing outside and the unpack overwrites. The same bytes are used as
// (1) the one tar layer (filepath "src") of a package next to a raw layer, unpacked into DIR,
// and (2) an OCI layout tarball given to import_tar(). Everything lives in a directory on
// /dev/shm when possible (unpack syncs the filesystem, the store fsyncs its blobs).
#include "package/oci.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/package.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

using namespace mlops;
using namespace mlops::package;
namespace stdfs = std::filesystem;

namespace {

[[noreturn]] void violated(const std::string& what) {
  std::fprintf(stderr, "fuzz_package_tar: invariant violated: %s\n", what.c_str());
  std::abort();
}

struct Fixture {
  stdfs::path root;     // the only directory this process writes in
  stdfs::path out;      // root/out: DIR
  stdfs::path outside;  // root/outside: must stay empty
  stdfs::path tarball;  // root/in.tar
  std::optional<Store> store, imports;
  std::string raw_digest, config_digest;

  Fixture() {
    const char* base = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mlops-fuzz-tar-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    root = stdfs::canonical(tmpl);  // compared with resolved symlink targets below
    out = root / "out";
    outside = root / "outside";
    tarball = root / "in.tar";
    stdfs::create_directories(outside);
    store.emplace(root / "store");
    imports.emplace(root / "imports");
    raw_digest = store->put_blob("weights\n");
    config_digest = store->put_blob("{}");
  }
  ~Fixture() {
    std::error_code ec;
    stdfs::remove_all(root, ec);
  }

  void publish(const std::string& layer_digest, std::size_t layer_size) {
    const nlohmann::json meta{{"name", "models/model.bin"}, {"mode", 420}, {"uid", 0}, {"gid", 0}, {"size", 8}, {"typeflag", 48}};
    const nlohmann::json manifest{
        {"schemaVersion", 2},
        {"mediaType", media::manifest},
        {"artifactType", media::model_artifact},
        {"config", {{"mediaType", media::model_config}, {"digest", config_digest}, {"size", 2}}},
        {"layers",
         {{{"mediaType", media::model_layer("weight", false, "")},
           {"digest", raw_digest},
           {"size", 8},
           {"annotations", {{annotation::filepath, "models/model.bin"}, {annotation::file_metadata, meta.dump()}}}},
          {{"mediaType", media::model_layer("code", true, "")},
           {"digest", layer_digest},
           {"size", layer_size},
           {"annotations", {{annotation::filepath, "src"}}}}}}};
    const std::string text = canonical(manifest);
    IndexEntry e;
    e.descriptor = Descriptor{media::manifest, store->put_blob(text), text.size(), media::model_artifact, nlohmann::json::object()};
    e.ref = "fuzz:1";
    store->update_index([&](std::vector<IndexEntry>& entries) { set_index_entry(entries, e); });
  }
};

bool under(const stdfs::path& base, const stdfs::path& p) {
  auto b = base.begin(), q = p.begin();
  for (; b != base.end(); ++b, ++q) {
    if (q == p.end() || *b != *q) return false;
  }
  return true;
}

// DIR holds what unpack() reported and their parents (plus directory entries of the layer,
// which are not reported), only of the allowed types and modes; symlinks resolve inside it.
void check_success(const Fixture& fx, const UnpackResult& r, bool force) {
  std::set<stdfs::path> files;
  for (const auto& p : r.paths) {
    files.insert(fx.out / p);
    struct stat st {};
    if (::lstat((fx.out / p).c_str(), &st) != 0) violated("reported but not written: " + p);
  }
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(fx.out, ec); it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) violated("cannot walk " + fx.out.string() + ": " + ec.message());
    const stdfs::path p = it->path();
    if (force && p == fx.out / "escape") continue;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) violated("cannot lstat " + p.string());
    const unsigned mode = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
      if (p.filename().string().rfind(".mlops-unpack-", 0) == 0) violated("staging directory left behind: " + p.string());
      continue;
    }
    if (files.count(p) == 0) violated("not reported by unpack(): " + p.string());
    if (S_ISREG(st.st_mode)) {
      if (mode != 0644 && mode != 0755) violated("file with mode " + std::to_string(mode) + ": " + p.string());
      if (st.st_nlink != 1) violated("file with several links: " + p.string());
    } else if (S_ISLNK(st.st_mode)) {
      const stdfs::path resolved = stdfs::weakly_canonical(p, ec);  // fails for a loop, which leads nowhere
      if (!ec && !under(fx.out, resolved)) violated("symlink resolves outside DIR: " + p.string() + " -> " + resolved.string());
    } else {
      violated("neither file, directory nor symlink: " + p.string());
    }
  }
}

// Only out/ (and, with !force, its user symlink), outside/ (empty), the stores and the input.
void check_root(const Fixture& fx, bool out_expected, bool force) {
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(fx.root, ec)) {
    const auto name = e.path().filename().string();
    if (name == "outside" || name == "store" || name == "imports" || name == "in.tar") continue;
    if (name == "out" && (out_expected || force)) continue;
    violated("created in the fuzz root: " + e.path().string());
  }
  if (!stdfs::is_empty(fx.outside)) violated("wrote into " + fx.outside.string());
  if (force && !out_expected) {
    for (const auto& e : stdfs::directory_iterator(fx.out, ec)) {
      if (e.path().filename() != "escape") violated("left by a failed unpack: " + e.path().string());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fx;
  std::string input(reinterpret_cast<const char*>(data), size);
  const bool force = input.rfind("!force\n", 0) == 0;
  if (force) input.erase(0, 7);

  // (1) unpack the bytes as a tar layer.
  const std::string layer = fx.store->put_blob(input);
  fx.publish(layer, input.size());
  if (force) {
    stdfs::create_directories(fx.out);
    stdfs::create_directory_symlink(fx.outside, fx.out / "escape");
  }
  UnpackOptions options;
  options.overwrite = force;
  bool ok = false;
  try {
    const UnpackResult r = unpack(fx.store->root(), "fuzz:1", fx.out, options);
    ok = true;
    check_success(fx, r, force);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::internal) violated(std::string("unexpected error kind internal: ") + e.what());
  }
  check_root(fx, ok, force);
  std::error_code ec;
  stdfs::remove_all(fx.out, ec);
  if (ec) violated("cannot clean " + fx.out.string() + ": " + ec.message());
  if (layer != fx.raw_digest && layer != fx.config_digest) stdfs::remove(fx.store->blob_path(layer), ec);

  // (2) import the bytes as an OCI layout tarball.
  const std::string index_before = fs::read_file(fx.imports->root() / "index.json");
  fs::write_file_atomic(fx.tarball, input, stdfs::perms(0644), false);
  try {
    import_tar(fx.imports->root(), fx.tarball);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input)
      violated(std::string("import: unexpected error kind ") + to_string(e.kind()) + ": " + e.what());
    if (fs::read_file(fx.imports->root() / "index.json") != index_before) violated("a failed import changed index.json");
  }
  check_root(fx, false, false);
  return 0;
}
