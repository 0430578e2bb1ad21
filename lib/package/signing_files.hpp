// SPDX-License-Identifier: MIT
// The files of a package as a signature sees them: every regular file with its sha256,
// recomputed from the blobs in the store (never taken from a descriptor), the resources of
// the OpenSSF model-signing predicate.
#pragma once

#include "package/store.hpp"

#include <mlops/progress.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace mlops::package {

struct PackageFile {
  std::string name;    // package-relative path, as unpacked
  std::string sha256;  // hex, of the content read now
  std::string blob;    // digest of the layer holding it
};

struct PackageContent {
  std::vector<PackageFile> files;     // sorted by name (bytewise)
  std::vector<std::string> problems;  // one line each, naming the blob: missing, unreadable, changed
};

// A raw layer is one file (named by org.cncf.model.filepath); a tar layer holds many, read
// through its compression. Directories and symlinks are not files: what a symlink points to
// is signed when it is a file of the package, and the link itself is held by its layer blob,
// whose digest is checked here against the manifest the signature names. Every layer blob is
// re-hashed as it is read. Layers are read in parallel. Error{interrupted} on a signal;
// everything else wrong with the content is a problem.
// `rehashed`: blobs the caller has just re-hashed and found right (`package verify` reads
// every blob first): a raw layer among them is its file, so its digest is the file's and it
// is not read again.
// Reads what is not in `rehashed` again (every tar layer), reported to `progress` as the
// phase "hashing files".
PackageContent package_files(const Store& store, const nlohmann::json& manifest, const std::set<std::string>& rehashed = {},
                             const Progress& progress = {});

// The model-signing subject digest: sha256 over the raw 32-byte digests of `files`, which
// must be sorted by name. Error{invalid_input} if one is not 64 hex digits.
std::string files_digest(const std::vector<PackageFile>& files);

}  // namespace mlops::package
