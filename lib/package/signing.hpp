// SPDX-License-Identifier: MIT
// Signatures of packages: Ed25519 (libsodium) over an in-toto statement with the OpenSSF
// model-signing predicate, in a DSSE envelope inside a Sigstore bundle, stored as a referrer
// manifest of the package (docs/formats.md, "Signatures").
#pragma once

#include "package/store.hpp"

#include <mlops/package.hpp>
#include <mlops/progress.hpp>

#include <set>
#include <string>

namespace mlops::package {

// Checks the signatures of `package` against `public_key` and the signed file digests
// against the package's content; adds one line per problem to `result.problems` and sets
// signature_checked/key_id. A package with no signature by that key is a problem.
// `rehashed`: blobs the caller has re-hashed and found right, not read again when they are
// raw layers (see package_files).
void verify_signature(const Store& store, const IndexEntry& package, const stdfs::path& public_key, VerifyResult& result,
                      const std::set<std::string>& rehashed = {}, const Progress& progress = {});

}  // namespace mlops::package
