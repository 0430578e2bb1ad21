// SPDX-License-Identifier: MIT
// Versioned data and the blob cache: `mlops data add|status|unprotect` (PATH.mlops pointers),
// `mlops cache push|pull|fetch|gc|fsck` (the blobs mlops.lock and the pointers name, and the
// run cache, to and from a remote). docs/formats.md ("Data pointers", "Cache remotes", "What
// gc keeps") has the formats and rules.
#pragma once

#include <mlops/api.hpp>
#include <mlops/remote.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace mlops::pipeline {

namespace stdfs = std::filesystem;

// ---- data ----

struct DataAddResult {
  std::string path;     // relative to the project
  std::string pointer;  // PATH.mlops, relative to the project
  std::string sha256;   // the file's, or the directory manifest's
  std::uint64_t size = 0, nfiles = 0;
  bool dir = false;
  std::string link;  // how the workspace copy shares the store's: "reflink", "hardlink", "copy" (several: "mixed")
};
// Moves PATH (a file or a directory of regular files) into the store (reflink or hard link when
// on the store's filesystem, else a copy), writes PATH.mlops and a .gitignore entry. The data
// never leaves its place until the store holds it. Error{usage} for a path outside the project,
// in .git, a symlink, or one mlops.yaml's stages write.
MLOPS_API DataAddResult data_add(const stdfs::path& project, const stdfs::path& path, const stdfs::path& store);

struct DataState {
  std::string path;   // the data's path, relative to the project
  std::string state;  // "unchanged", "modified", "missing", "not in store" (unchanged but the store lacks a blob)
};
MLOPS_API std::vector<DataState> data_status(const stdfs::path& project, const stdfs::path& store);

// Makes the files of PATH private copies (a hard-linked file shares its bytes with the store:
// an edit would corrupt the blob). Returns the number of files copied.
MLOPS_API std::size_t data_unprotect(const stdfs::path& project, const stdfs::path& path);

struct DataCheckoutResult {
  std::vector<std::string> restored, unchanged;
};
// Puts the data of every pointer back from the store (checked blob by blob; linked when the
// filesystem allows). Error{not_found} naming the data and `remote_hint` when a blob is
// missing, Error{invalid_input} for a corrupt blob, Error{conflict} for data whose present
// content is in no store (unless `force`); nothing changed in each case.
MLOPS_API DataCheckoutResult data_checkout(const stdfs::path& project, const stdfs::path& store, bool force,
                                           const std::string& remote_hint = {});

// ---- cache ----

struct CacheOptions : remote::TransferOptions {
  bool run_cache = false;   // push: also the store's run-cache entries (fetch gets them per stage: repro --pull)
  bool missing_ok = false;  // fetch: blobs the remote lacks are reported, not an error (repro --pull)
};
struct CacheResult {
  std::string url;
  std::size_t blobs_sent = 0, blobs_fetched = 0, blobs_present = 0;  // present: already where they were going
  std::size_t runs_sent = 0, runs_fetched = 0;
  std::uint64_t bytes = 0;
  std::vector<std::string> missing;  // push: blobs the store lacks; fetch: blobs the remote lacks (digests)
};
// The blobs mlops.lock and the pointers of the workspace name (directories: manifest and files).
MLOPS_API CacheResult cache_push(const stdfs::path& project, const stdfs::path& store, const std::string& url, const CacheOptions& o);
MLOPS_API CacheResult cache_fetch(const stdfs::path& project, const stdfs::path& store, const std::string& url, const CacheOptions& o);

// One request to the remote's run cache for `key`; when it has an entry whose blobs it has,
// they and the entry land in the local store. False when it has none.
MLOPS_API bool fetch_run(const stdfs::path& store, const std::string& url, const std::string& key, const CacheOptions& o);

struct CacheGcOptions {
  bool force = false;             // delete; without it, only count
  std::vector<std::string> revs;  // revisions whose mlops.lock and pointers are kept (besides the workspace)
  bool all_commits = false;       // every commit of every branch and tag
  std::string remote_url;         // gc the remote's cache instead of the local store
  remote::TransferOptions transfer;
};
struct CacheGcResult {
  std::size_t kept = 0, removed = 0;  // removed: would be, without force
  std::uint64_t bytes = 0;            // of the removed
  bool dry_run = true;
  std::vector<std::string> pins_dropped;  // projects whose directory is gone: their pins keep nothing (removed with force)
  std::size_t lock_blobs_parsed = 0;      // distinct mlops.lock blobs read from the revisions
};
MLOPS_API CacheGcResult cache_gc(const stdfs::path& project, const stdfs::path& store, const CacheGcOptions& o);

// Removes the pins `project` (a directory, which may be gone) left in the store, so that gc
// keeps only what other roots name. Returns the pin files removed (none: it had none). A
// project that still exists pins again at its next repro, data add or cache gc.
MLOPS_API std::vector<std::string> cache_unpin(const stdfs::path& store, const stdfs::path& project);

struct FsckResult {
  std::size_t checked = 0;
  std::vector<std::string> corrupt;  // digests whose bytes do not hash to them
};
MLOPS_API FsckResult cache_fsck(const stdfs::path& store);

// Records in the store which blobs this project's mlops.lock names (a root of both gcs).
MLOPS_API void pin_lock(const stdfs::path& project, const stdfs::path& store);

}  // namespace mlops::pipeline
