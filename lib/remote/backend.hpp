// SPDX-License-Identifier: MIT
// The one interface every remote scheme implements (oci://, s3://, http(s)://, file://).
// Push, pull and copy (lib/remote/transfer_*.cpp) are written once against it; a backend only
// moves bytes and names. Every backend stores a package the same way: sha256-keyed blobs, a
// manifest addressed by digest, and tags naming manifests, so a package moves between any two.
//
// Contract for implementers:
// - `repo` is the repository name under the remote's base (`team/demo`), already validated
//   (package::parse_reference rules); a backend never builds a path or key from anything
//   else it was not given, and never from data a server sent.
// - Everything a server sends is hostile: sizes are bounded (manifests by
//   `k_max_manifest_bytes`, tag lists by `k_max_tags`), digests are checked by the caller
//   before a byte lands in the store, and a backend never follows a redirect to another host
//   with credentials attached.
// - Errors are mlops::Error: not_found only for "the remote answered that it has no such
//   thing"; remote (with a retry class, see error.hpp) for everything on the wire; a backend
//   retries transient failures itself (backoff with jitter, Retry-After) before it throws.
// - Methods may be called from several threads at once on the same backend object.
#pragma once

#include "package/oci.hpp"

#include <mlops/error.hpp>
#include <mlops/progress.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::remote {

inline constexpr std::uint64_t k_max_manifest_bytes = 4u << 20;  // the OCI distribution spec's limit
inline constexpr std::size_t k_max_tags = 100000;
inline constexpr std::size_t k_max_referrers = 10000;

struct Manifest {
  std::string media_type;  // as the remote labelled it (Content-Type / stored media type)
  std::string digest;      // sha256:<hex> of `bytes`, computed by the backend, never trusted from a header
  std::string bytes;
};

// Receives a blob's bytes in order; throws to abort the download (a digest mismatch, Ctrl-C).
using BlobSink = std::function<void(const char* data, std::size_t size)>;

class Backend {
 public:
  virtual ~Backend() = default;

  // "oci", "s3", "http", "file": for messages and --json.
  virtual std::string_view scheme() const noexcept = 0;

  // The blob's size when the remote has it, nullopt when it has not.
  virtual std::optional<std::uint64_t> stat_blob(const std::string& repo, const std::string& digest) = 0;

  // Uploads the blob whose bytes are the file `path` (`blob.size` bytes, digest `blob.digest`).
  // Every attempt re-reads the file, so a retry can rewind; a backend that can resume an
  // interrupted upload (OCI upload sessions, S3 multipart) does so, also across processes,
  // through a journal it keeps under `state_dir` (see Options). Progress: advance() per chunk.
  virtual void put_blob(const std::string& repo, const package::Descriptor& blob, const std::filesystem::path& path,
                        const Progress& progress) = 0;

  // Sends the blob's bytes from `offset` to its end to `sink` (a resumed download starts past
  // what the local partial blob already holds). Error{not_found} when the remote has no such blob.
  virtual void get_blob(const std::string& repo, const package::Descriptor& blob, std::uint64_t offset, const BlobSink& sink,
                        const Progress& progress) = 0;

  // Makes a blob that `from_repo` on the same remote has appear in `repo` without sending its
  // bytes (OCI cross-repository mount; a server-side copy). False when the backend or the
  // remote cannot; the caller then uploads.
  virtual bool mount_blob(const std::string& repo, const std::string& from_repo, const std::string& digest) {
    (void)repo, (void)from_repo, (void)digest;
    return false;
  }

  // `reference` is a tag or a sha256 digest. nullopt when the remote has no such manifest;
  // Error{invalid_input} when it is over k_max_manifest_bytes.
  virtual std::optional<Manifest> get_manifest(const std::string& repo, const std::string& reference) = 0;

  // Stores `manifest` under its digest and, when `tag` is not empty, points `tag` at it.
  virtual void put_manifest(const std::string& repo, const Manifest& manifest, const std::string& tag) = 0;

  // The repository's tags, sorted; at most k_max_tags (Error{invalid_input} beyond).
  virtual std::vector<std::string> list_tags(const std::string& repo) = 0;

  // Manifests whose `subject` is `digest` (signatures), as descriptors with their
  // artifactType. A backend without a referrers API falls back to the `sha256-<hex>` tag
  // scheme (OCI distribution 1.1, "referrers tag schema").
  virtual std::vector<package::Descriptor> referrers(const std::string& repo, const std::string& digest) = 0;

  // ---- the pipeline's cache (mlops cache push|pull|fetch|gc): blobs and small files ----
  // Every blob digest the repository holds ("sha256:<hex>"), in one listing; nullopt when the
  // backend cannot list (the caller then asks stat_blob per blob, in parallel). More than
  // `max_entries` is Error{invalid_input} (too_many_blobs): memory stays bounded whatever a
  // remote lists.
  virtual std::optional<std::vector<std::string>> list_blobs(const std::string& repo, std::size_t max_entries) {
    (void)repo, (void)max_entries;
    return std::nullopt;
  }
  // A small file beside the layout (`rel`: "runs/<key>.json"), at most `max` bytes; nullopt
  // when absent. Error{usage} from a backend that keeps no such files.
  virtual std::optional<std::string> get_file(const std::string& repo, const std::string& rel, std::uint64_t max) {
    (void)repo, (void)rel, (void)max;
    throw Error(ErrorKind::usage, std::string("a ") + std::string(scheme()) + ":// remote holds no run cache",
                "use a file://, s3://, http(s):// or oci:// remote for the run cache");
  }
  virtual void put_file(const std::string& repo, const std::string& rel, const std::string& bytes) {
    (void)repo, (void)rel, (void)bytes;
    throw Error(ErrorKind::usage, std::string("a ") + std::string(scheme()) + ":// remote holds no run cache",
                "use a file://, s3://, http(s):// or oci:// remote for the run cache");
  }
  // Deletes a blob (cache gc --remote). Error{usage} where the backend cannot.
  virtual void delete_blob(const std::string& repo, const std::string& digest) {
    (void)repo, (void)digest;
    throw Error(ErrorKind::usage, std::string("mlops cannot delete from a ") + std::string(scheme()) + ":// remote");
  }
};

// How a backend is opened: what the user asked for on the command line or in config.
struct Options {
  std::filesystem::path state_dir;  // the local store's state dir: upload journals, partial downloads
  std::optional<std::filesystem::path> ca_file;
  bool plain_http = false;               // allowed without asking only for loopback hosts
  bool plain_http_from_project = false;  // see TransferOptions: no credentials over it
  std::string endpoint;                  // s3: --endpoint URL
  std::string region;                    // s3: --region
  unsigned jobs = 0;                     // parallel transfers; 0: the default
};

// Where a remote is, parsed from a URL or a configured remote's URL by the scheme table
// (lib/remote/schemes.cpp): `oci://HOST[:PORT]/PATH`, `s3://BUCKET/PREFIX`,
// `http(s)://HOST[:PORT]/PATH`, `file:///PATH`. Repository names are appended to `path`
// by the backend. Never holds credentials (a URL with user information is refused).
struct Location {
  std::string scheme;  // "oci", "s3", "http", "https", "file"
  std::string host;    // HOST[:PORT]; the bucket for s3; empty for file
  std::string path;    // base path or prefix, without leading or trailing '/'; absolute for file
};

// What list_blobs throws past its `max_entries`.
inline Error too_many_blobs(const std::string& repo, std::size_t max_entries) {
  return Error(ErrorKind::invalid_input, "the remote's " + repo + " holds more than " + std::to_string(max_entries) + " blobs");
}

// One entry of the scheme table: how to open a backend for a Location.
using OpenBackend = std::unique_ptr<Backend> (*)(const Location& location, const Options& options);

}  // namespace mlops::remote
