// SPDX-License-Identifier: MIT
// Writing layer blobs into the store: a file as a raw layer, a set of files as a
// deterministic tar. Every byte is read once and hashed while it is copied; a file that
// changes while it is read fails the build; digests come from the cache when stat() says
// nothing changed and the store still has the blob, and then nothing is read at all.
#pragma once

#include "package/digest_cache.hpp"
#include "package/store.hpp"

#include <mlops/progress.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mlops::package {

struct PackedLayer {
  std::string digest, diff_id;  // equal for raw and uncompressed tar layers
  std::uint64_t size = 0;
  bool reused = false;  // the store already had the blob
  bool cached = false;  // the digest came from the cache; nothing was read
  std::uint64_t bytes_read = 0;
};

// `rel` names the file in messages. Bytes read (or, from the cache, skipped) are reported
// to `progress`.
PackedLayer pack_raw(Store& store, DigestCache& cache, const stdfs::path& file, const std::string& rel, const Progress& progress = {});

struct TarItem {
  enum Type { file, directory, symlink } type = file;
  std::string name;    // path inside the tar, '/'-separated, no trailing '/'
  stdfs::path source;  // on disk
  std::string target;  // symlinks
  bool executable = false;
  FileKey key;  // stat() of the source when it was listed
};

// Items must be sorted by name. Timestamps 0, owner 0:0 without names, modes 0644/0755
// (0777 for symlinks): the same content gives the same bytes on any machine.
PackedLayer pack_tar(Store& store, DigestCache& cache, const std::vector<TarItem>& items, const std::string& compression,
                     const Progress& progress = {});
// The bytes of the regular files among `items`: what pack_tar reports to its progress.
std::uint64_t content_bytes(const std::vector<TarItem>& items);

}  // namespace mlops::package
