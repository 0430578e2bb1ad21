// SPDX-License-Identifier: MIT
// The local store: a standard OCI image layout (oci-layout, index.json, blobs/sha256/) that
// skopeo, oras and containerd read as is. Our own state lives beside it in mlops/ (locks,
// digest cache) and ingest/ (blobs being written), which the layout spec lets readers ignore.
//
// Durability: a blob is renamed into place once written, with its writeback started while
// it is written but not waited for (the store's disk, not hashing, would then set the pace
// of every build: bench/package). What a power loss can leave is a short or empty blob under
// its digest: blobs reused from the digest cache are checked for their size, `verify`
// re-hashes, and a rebuild rewrites what is missing. MLOPS_FSYNC=1 fsyncs every blob before
// its rename. index.json and every other metadata file are always written durably.
//
// Concurrency: blobs are written under a unique temp name and renamed into place, so writers
// never see each other's halves; index.json is rewritten under an exclusive lock; builds hold
// the gc lock shared from their first blob to their index update, and gc takes it exclusive.
#pragma once

#include "core/sha256.hpp"
#include "package/oci.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::package {

namespace stdfs = std::filesystem;

// An flock(2) held for the object's lifetime.
class FileLock {
 public:
  FileLock(const stdfs::path& file, bool exclusive);
  // A shared lock for a reader that may not be able to write the store: the lock file is
  // opened read-only when it cannot be opened for writing (flock works on either), and when
  // it does not exist and cannot be created, no writer of ours can hold it either (writers
  // create it), so there is nothing to wait for: nullopt.
  static std::optional<FileLock> shared_for_reading(const stdfs::path& file);
  // An exclusive lock if nobody holds one, else nullopt (no waiting).
  static std::optional<FileLock> try_exclusive(const stdfs::path& file);
  // Exclusive to shared.
  void downgrade();
  ~FileLock();
  FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock& operator=(FileLock&&) = delete;

 private:
  FileLock() = default;
  int m_fd = -1;
};

// One entry of index.json.
struct IndexEntry {
  Descriptor descriptor;
  std::string ref;  // org.opencontainers.image.ref.name, "" when untagged
};

class Store;

struct IngestCleanup {
  std::size_t files = 0;
  std::uint64_t bytes = 0;
};

// MLOPS_FSYNC=1 (or "always"): fsync every blob and its directory before it is visible.
bool durable_blobs();

// A blob being written: bytes are hashed as they are written; commit() makes it visible
// under its digest. Dropped without commit(), the temp file is removed; a writer killed
// before that leaves it in ingest/, locked by nobody, for the next writer or gc to remove.
class BlobWriter {
 public:
  explicit BlobWriter(Store& store);
  // A download that can resume: the partial blob ingest/partial-<hex of `digest`>, kept when
  // the writer is dropped without commit() (a failed transfer, Ctrl-C, kill -9), so the next
  // writer of the same digest continues from its size. Its bytes are hashed again on open
  // (nothing in it is trusted); commit() still checks the digest, and a partial blob that
  // does not hash to it is removed. One writer at a time per digest: this waits for the
  // flock of another writer (thread or process) and then continues from what it left.
  BlobWriter(Store& store, std::string_view resume_digest);
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  void write(const void* data, std::size_t size);
  std::uint64_t size() const noexcept { return m_size; }
  // Resumable writers: what the partial blob held when it was opened.
  std::uint64_t resumed() const noexcept { return m_resumed; }
  // Starts the partial blob again from nothing (it held more than the blob can have).
  void restart();
  // Drops the partial blob (the store got the blob from elsewhere).
  void discard();
  // fsyncs, renames into blobs/sha256/ (over an existing copy, whose bytes nobody checked)
  // and returns the digest. With `expected`, Error{invalid_input} when the bytes hash
  // differently.
  std::string commit(std::string_view expected = {});
  bool existed() const noexcept { return m_existed; }  // the store had the blob already

 private:
  void write_pending();
  void write_through(const void* data, std::size_t size);

  Store& m_store;
  int m_fd = -1;
  stdfs::path m_temp;
  std::vector<char> m_pending;  // bytes hashed and counted in m_size, not yet written
  std::uint64_t m_size = 0, m_written = 0, m_flushed = 0;
  Sha256 m_hash;
  bool m_committed = false, m_existed = false;
  bool m_keep = false;  // resumable: not removed when dropped without commit()
  std::uint64_t m_resumed = 0;
};

// Commands that only read (list, inspect, verify, unpack, export) open the store for
// reading: nothing is created, so a read-only store, or a plain OCI layout written by
// another tool, serves them as it is.
enum class StoreAccess { read, write };

class Store {
 public:
  // Opens the layout at `root`; for writing, creating it (and the directories above) when
  // missing; for reading, a missing store is an empty one. Error{invalid_input} when `root`
  // holds something that is not an OCI layout.
  explicit Store(stdfs::path root, StoreAccess access = StoreAccess::write);

  const stdfs::path& root() const noexcept { return m_root; }
  stdfs::path blob_path(std::string_view digest) const;
  stdfs::path state_dir() const { return m_root / "mlops"; }
  stdfs::path ingest_dir() const { return m_root / "ingest"; }
  stdfs::path corrupt_dir() const { return state_dir() / "corrupt"; }
  // What the last build of a manifest left out (package inspect -v): mlops/builds/<hex>.json.
  stdfs::path build_notes(std::string_view digest) const { return state_dir() / "builds" / (std::string(digest_hex(digest)) + ".json"); }

  bool has_blob(std::string_view digest) const;
  // The blob is there with exactly `size` bytes.
  bool has_blob(std::string_view digest, std::uint64_t size) const;
  // Stores `data`, verified, and returns its digest.
  std::string put_blob(std::string_view data);
  // A small blob (manifest, config, signature) read whole and checked against its digest.
  // Error{not_found} when absent, Error{invalid_input} when corrupt or over `max_size`.
  std::string read_blob(std::string_view digest, std::uint64_t max_size = 16u << 20) const;

  // Moves a corrupt blob out of blobs/ into mlops/corrupt/ (gc deletes it there), so that
  // the next build or import writes it again. False when it was not there.
  bool move_aside(std::string_view digest) const;

  std::vector<IndexEntry> index() const;
  // Read-modify-write of index.json's "manifests" under the index lock, written atomically.
  void update_index(const std::function<void(std::vector<IndexEntry>&)>& change);

  // REF is NAME[:TAG], a digest, or a unique prefix of one (at least 6 hex digits, with or
  // without "sha256:"). Error{not_found} listing what exists; Error{usage} when ambiguous.
  IndexEntry resolve(std::string_view ref) const;
  // Signature manifests whose subject is `digest`.
  std::vector<IndexEntry> referrers(std::string_view digest) const;

  FileLock gc_lock(bool exclusive) const { return FileLock(state_dir() / "gc.lock", exclusive); }
  // The gc lock, shared, for a build, import or signing, from its first blob to its index
  // update. Partial blobs of writers that died are removed first: all of them when no one
  // else holds the lock, else those whose writer's lock is free.
  FileLock writer_lock();
  // Removes partial blobs from ingest/: with `alone` (the gc lock held exclusively) every
  // file there, else those whose writer is provably gone (see BlobWriter). Resumable
  // downloads (partial-*) are kept unless `partial_downloads` (gc removes them).
  IngestCleanup clean_ingest(bool alone, bool partial_downloads = true) const;
  stdfs::path partial_path(std::string_view digest) const { return ingest_dir() / ("partial-" + std::string(digest_hex(digest))); }
  // Shared, for readers: see FileLock::shared_for_reading.
  std::optional<FileLock> gc_lock_for_reading() const { return FileLock::shared_for_reading(state_dir() / "gc.lock"); }

 private:
  stdfs::path m_root;
  bool m_exists = true;  // false: opened for reading where there is no store yet
};

// index.json of an OCI image layout, read (Error{invalid_input} naming `where`) and written;
// shared with the remotes that keep the same layout (file://, s3://).
std::vector<IndexEntry> parse_index_json(std::string_view text, const std::string& where);
std::string index_json_text(const std::vector<IndexEntry>& entries);
// Adds `entry` to the index (replacing the tag's previous target, if any).
void set_index_entry(std::vector<IndexEntry>& entries, const IndexEntry& entry);

}  // namespace mlops::package
