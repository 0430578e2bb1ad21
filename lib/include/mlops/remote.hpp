// SPDX-License-Identifier: MIT
// Remotes: push, pull and copy packages between the local store and OCI registries (oci://),
// S3 (s3://), HTTP (http(s)://) and local directories (file://, an OCI image layout per
// repository). docs/architecture.md, "Remotes", has the scheme table and the addressing rule.
#pragma once

#include <mlops/api.hpp>
#include <mlops/progress.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlops::remote {

namespace stdfs = std::filesystem;

// What every transfer may be told.
struct TransferOptions {
  unsigned jobs = 0;  // parallel blob transfers; 0: the default (default_jobs())
  std::optional<stdfs::path> ca_file;
  bool plain_http = false;
  // plain_http came from mlops.yaml (a file a clone brings), not from the command line: the
  // connection may be plain, but no credential crosses it to a host off this machine.
  bool plain_http_from_project = false;
  std::string endpoint;  // s3: --endpoint
  std::string region;    // s3: --region
  ProgressObserver* progress = nullptr;
};

// A remote as a command reaches it: REMOTE|URL resolved once, for every command that takes one
// (push, pull, copy, cache push/pull/fetch/gc, model promote/list, repro --pull).
struct NamedRemote {
  std::string name;         // the remote's name; "" for a URL given as it is
  std::string url;          // its URL
  TransferOptions options;  // the command line's options over the remote's settings
};
// A URL is used as it is (checked when it is opened), with `flags` alone; a name is looked up in mlops.yaml, then
// the user config ("" is the default remote), and its endpoint, region, ca_file and plain_http
// fill what `flags` (the command line) leaves unset; jobs and progress are `flags'`.
// Error{usage} for a word that is neither a URL nor a remote's name, or --ca-file naming no
// regular file; Error{not_found} for an unknown name (with "did you mean"); Error{invalid_input}
// when the remote's ca_file in its configuration file names no regular file.
MLOPS_API NamedRemote find_named_remote(const stdfs::path& cwd, const std::string& name_or_url, const TransferOptions& flags);

// The number of parallel transfers when none is asked for.
MLOPS_API unsigned default_jobs();

// The schemes a URL may start with ("oci", "s3", "http", "https", "file").
MLOPS_API std::vector<std::string> known_schemes();

struct PushResult {
  std::string ref;                // the local NAME:TAG pushed
  std::string digest;             // the manifest's
  std::string url;                // where it is now: SCHEME://HOST/PATH/NAME:TAG
  std::uint64_t bytes_sent = 0;   // blob bytes uploaded
  std::size_t blobs_sent = 0;     // uploaded
  std::size_t blobs_skipped = 0;  // the remote had them
  std::size_t signatures = 0;     // referrer manifests pushed with it
};
// Pushes the package REF (and its signatures) of `store` to `url` (see push_target: URL/NAME:TAG
// unless the URL ends in the name or a tag). Blobs the remote has are skipped; the tag is set
// last, once everything it names is there.
MLOPS_API PushResult push(const stdfs::path& store, const std::string& ref, const std::string& url, const TransferOptions& options);

struct PullOptions : TransferOptions {
  std::string tag;                // -t: the local NAME:TAG; default REPO:TAG from the URL
  std::vector<std::string> only;  // --only KIND|GLOB: fetch only the matching layers
};
struct PullResult {
  std::string ref;  // the local NAME:TAG ("" when pulled by digest without -t)
  std::string digest;
  std::string url;
  std::uint64_t bytes_received = 0;  // blob bytes read from the remote
  std::uint64_t bytes_resumed = 0;   // bytes of partial downloads continued rather than fetched again
  std::size_t blobs_fetched = 0;
  std::size_t blobs_present = 0;    // the store had them
  std::size_t layers_left_out = 0;  // --only: layers not fetched (the package is partial)
  std::size_t signatures = 0;
};
// Pulls the package `url` names (SCHEME://.../REPO[:TAG][@DIGEST]) into `store`: every blob
// verified against its digest before it lands, downloads resumed from partial blobs, the
// index updated last.
MLOPS_API PullResult pull(const stdfs::path& store, const std::string& url, const PullOptions& options);

struct CopyResult {
  std::string source, destination, digest;
  std::uint64_t bytes_copied = 0;
  std::size_t blobs_copied = 0, blobs_skipped = 0, signatures = 0;
};
// Copies a package between two remotes (the blobs pass through a temporary directory).
MLOPS_API CopyResult copy(const std::string& source_url, const std::string& destination_url, const TransferOptions& options);
// The same, reaching the destination with its own settings (ca_file, plain_http, endpoint,
// region; jobs and progress are `options`'): two named remotes each keep theirs.
MLOPS_API CopyResult copy(const std::string& source_url, const std::string& destination_url, const TransferOptions& options,
                          const TransferOptions& destination_options);

struct RemoteTagResult {
  std::string url;          // the tag set: SCHEME://.../NAME:TAG
  std::string package_url;  // where push put the package: SCHEME://.../NAME:VERSION
  std::string digest;       // the package's manifest digest, which the tag now names
  std::string previous;     // what the tag named before ("" when it was new)
};
// Points `tag` of the package's repository on the remote `url` (push's addressing) at the
// package `ref` of `store`, sending no blob. The remote must hold the whole package (its
// manifest, its signatures and every blob): else Error{not_found} with the push command as
// the hint. A tag that exists and names another digest, not in `may_replace`, is left alone:
// Error{conflict} (it may be a version tag of the same name).
MLOPS_API RemoteTagResult tag_remote(const stdfs::path& store, const std::string& ref, const std::string& url, const std::string& tag,
                                     const std::vector<std::string>& may_replace, const TransferOptions& options);
struct RemoteTag {
  std::string url;     // SCHEME://.../NAME:TAG
  std::string digest;  // of the manifest it names, computed from the bytes sent; "" when absent
};
// The tag `tag` of the repository `name` on the remote `url` (push's addressing).
MLOPS_API RemoteTag remote_tag(const stdfs::path& store, const std::string& url, const std::string& name, const std::string& tag,
                               const TransferOptions& options);

}  // namespace mlops::remote
