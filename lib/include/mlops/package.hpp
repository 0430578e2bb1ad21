// SPDX-License-Identifier: MIT
// Models packaged as OCI artifacts in the CNCF ModelPack format, kept in a local OCI image
// layout shared by every project (docs/formats.md, "Packages").
#pragma once

#include <mlops/api.hpp>
#include <mlops/progress.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlops::package {

namespace stdfs = std::filesystem;

// "1.5 GiB": sizes in messages, tables and model cards.
MLOPS_API std::string human_size(std::uint64_t bytes);

// $MLOPS_HOME, else `store` of mlops.yaml, then of the user config, else
// $XDG_DATA_HOME/mlops/store (~/.local/share/mlops/store): mlops/config.hpp's precedence.
MLOPS_API stdfs::path default_store();

// ---- build ----

// A gate of mlops.yaml as `mlops check` judged it on the run a package is built from: the
// model card lists them. Filled by the caller (package knows no gates; the CLI asks ci).
struct CardGate {
  std::string field;      // metrics.accuracy
  std::string condition;  // ">= 0.9", "drop <= 0.01"
  std::string value;      // the run's value as text, "" when it has none
  std::string status;     // pass, fail, skip
  std::string reason;     // why it failed or was not checked
};

struct BuildOptions {
  std::string tag;              // NAME[:TAG]; default package.name:package.version from mlops.yaml
  std::string from_exp;         // RUN: lineage (run id, name, params, metrics) from that experiment
  std::string compression;      // none|gzip|zstd for tar layers; default from mlops.yaml, else none
  std::string created;          // RFC 3339; default: SOURCE_DATE_EPOCH, else the HEAD commit's time
  int jobs = 0;                 // hashing threads; 0: MLOPS_JOBS, else `jobs` of mlops.yaml or the user config, else one per core
  std::vector<CardGate> gates;  // with from_exp: the run's gates, for the model card
  std::string gates_error;      // with from_exp: why the gates could not be checked ("" when they were, or there are none)
};

struct LayerResult {
  std::string path;  // org.cncf.model.filepath
  std::string media_type;
  std::string digest;
  std::uint64_t size = 0;
  bool reused = false;  // the store had the blob already
  bool cached = false;  // the digest came from the cache: the file was not read
};

// A path of a listed directory the build left out, and the rule that did it:
// "src/.gitignore:3: *.egg-info/", ".mlopsignore:1: data/raw/", "package.exclude: __pycache__".
struct ExcludedPath {
  std::string path;  // relative to the project; directories end in '/'
  std::string rule;
};

struct BuildResult {
  std::string ref;         // NAME:TAG
  std::string digest;      // of the manifest
  std::uint64_t size = 0;  // all blobs
  std::vector<LayerResult> layers;
  std::uint64_t bytes_read = 0;
  std::size_t new_blobs = 0;
  std::vector<std::string> warnings;   // e.g. a model file that is not what --from-exp's run produced
  std::vector<ExcludedPath> excluded;  // in walk order, at most 10,000
};

struct BuildEvents {
  std::function<void(const std::string& line)> status;  // "packed src/ (tar)": lines for stderr with -v
  ProgressObserver* progress = nullptr;                 // bytes hashed, as they go
};

// Reads the `package:` section of mlops.yaml under `project` (or above it).
MLOPS_API BuildResult build(const stdfs::path& cwd, const stdfs::path& store, const BuildOptions& options, const BuildEvents& events = {});

// ---- the store ----

struct PackageInfo {
  std::string ref;  // NAME:TAG, or "" for an untagged manifest
  std::string digest;
  std::uint64_t size = 0;  // manifest + config + layers
  std::string created;
  std::string title;
  bool signed_ = false;
};
MLOPS_API std::vector<PackageInfo> list(const stdfs::path& store);

// Manifest, config, layers, lineage and referrers of REF (NAME[:TAG], digest or digest prefix),
// and "excluded": what its last build here left out ([{path, rule}], [] when unknown).
MLOPS_API nlohmann::json inspect(const stdfs::path& store, const std::string& ref);

MLOPS_API void tag(const stdfs::path& store, const std::string& source, const std::string& target);
// Untags each REF; a manifest left without tags leaves the index with its signatures.
// Blobs stay until gc.
MLOPS_API std::vector<std::string> remove(const stdfs::path& store, const std::vector<std::string>& refs);

struct GcResult {
  std::size_t blobs_removed = 0;          // unreferenced, and corrupt ones verify --repair moved aside
  std::size_t partial_blobs_removed = 0;  // left in ingest/ by writers that died
  std::uint64_t bytes_freed = 0;
};
MLOPS_API GcResult gc(const stdfs::path& store);

// ---- verification and signing ----

struct VerifyOptions {
  std::optional<stdfs::path> public_key;  // also check the signature by this key
  // Move the blobs whose store copy is corrupt aside (into <store>/mlops/corrupt/), so that
  // the next build or import writes them again. Waits for builds and imports to finish.
  bool repair = false;
  ProgressObserver* progress = nullptr;
};
struct VerifyResult {
  bool ok = true;
  std::vector<std::string> problems;  // one line each: "blob sha256:… (weights.bin): digest mismatch"
  std::size_t blobs_checked = 0;
  std::uint64_t bytes_checked = 0;
  bool signature_checked = false;
  std::string key_id;                    // of the key that verified the signature
  std::vector<std::string> corrupt;      // digests whose store copy does not hold what it should
  std::vector<std::string> moved_aside;  // with `repair`: the corrupt blobs moved out of the way
};
// Re-hashes every blob of REF and checks the config's diff ids against the layers' content;
// with a public key, also checks its signature and that the signed file digests match the
// package. Problems are reported, not thrown.
MLOPS_API VerifyResult verify(const stdfs::path& store, const std::string& ref, const VerifyOptions& options);
MLOPS_API VerifyResult verify(const stdfs::path& store, const std::string& ref, const std::optional<stdfs::path>& public_key = {});

struct KeyPair {
  stdfs::path private_key, public_key;
  std::string key_id;  // hex sha256 of the raw Ed25519 public key
};
// Writes an Ed25519 key pair: `path` (PKCS#8 PEM, mode 0600) and `path`.pub (SPKI PEM).
// Error{conflict} if either exists.
MLOPS_API KeyPair generate_key(const stdfs::path& path);

struct SignResult {
  std::string digest;  // of the referrer manifest holding the signature
  std::string key_id;
  std::size_t files = 0;  // resources in the signed statement
};
// Signs an in-toto statement (OpenSSF model-signing predicate) listing every file's sha256,
// in a DSSE envelope inside a Sigstore bundle, stored as a referrer of REF.
MLOPS_API SignResult sign(const stdfs::path& store, const std::string& ref, const stdfs::path& private_key,
                          ProgressObserver* progress = nullptr);

// ---- unpack, export, import ----

struct UnpackOptions {
  std::vector<std::string> filters;  // model, datasets, code, docs, or a glob on file paths; any match
  bool overwrite = false;            // replace existing files
  ProgressObserver* progress = nullptr;
};
struct UnpackResult {
  std::size_t files = 0;
  std::uint64_t bytes = 0;
  std::vector<std::string> paths;
};
// Writes REF's files into `dir`. Only regular files, directories and symlinks that stay
// inside the package; every blob's digest is checked before a file is moved into place.
MLOPS_API UnpackResult unpack(const stdfs::path& store, const std::string& ref, const stdfs::path& dir, const UnpackOptions& options);

// An OCI image layout tarball holding REF, its blobs and its signatures.
MLOPS_API void export_tar(const stdfs::path& store, const std::string& ref, const stdfs::path& file, ProgressObserver* progress = nullptr);
// Adds an OCI layout tarball's manifests and tags to the store: only the blobs they
// reference, each checked against its descriptor's size and digest, and the config's diff
// ids against the layers. Returns the refs (or digests, for untagged manifests) imported.
MLOPS_API std::vector<std::string> import_tar(const stdfs::path& store, const stdfs::path& file, ProgressObserver* progress = nullptr);

// The tags (NAME:TAG) in the store's index.json, sorted, for shell completion: reads that
// one file and creates nothing; empty when there is no store.
MLOPS_API std::vector<std::string> complete_refs(const stdfs::path& store);

}  // namespace mlops::package
