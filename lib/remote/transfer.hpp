// SPDX-License-Identifier: MIT
// What push, pull and copy share: the parallel loop over blobs, and a package read from a
// remote with every descriptor checked before anything is fetched.
#pragma once

#include "remote/backend.hpp"
#include "remote/schemes.hpp"

#include <functional>
#include <string>
#include <vector>

namespace mlops::remote {

// No blob may claim more than this (a hostile manifest could announce exabytes).
inline constexpr std::uint64_t k_max_blob_bytes = 1ull << 40;
// The blobs of a package's referrers (signatures) together: at most this much.
inline constexpr std::uint64_t k_max_referrer_bytes = 64u << 20;

// fn(i) for every i < n on at most `jobs` threads (fewer when threads cannot be created);
// the first error stops the items not started yet and is rethrown; Ctrl-C too. The one place
// push, pull and copy get their parallelism from: the shared worker pool replaces its body.
void for_each_parallel(std::size_t n, unsigned jobs, const std::function<void(std::size_t)>& fn);

// Options::jobs, or default_jobs() when 0.
unsigned jobs_or_default(unsigned jobs);

struct RemoteManifest {
  package::Descriptor descriptor;  // mediaType, digest, size (and artifactType)
  std::string bytes;
  std::vector<package::Descriptor> blobs;  // config, then layers
};

// A package on a remote: its manifest and its signatures (referrers), validated: the manifest
// within k_max_manifest_bytes and hashing to the digest asked for, an OCI image manifest with
// well-formed descriptors (sha256 digests, sizes within bounds, at most package::k_max_layers
// layers, layer paths relative without ".."), referrers whose subject is the manifest.
struct RemotePackage {
  RemoteManifest manifest;
  std::vector<RemoteManifest> signatures;
  std::vector<package::Descriptor> blobs() const;  // every blob once: the package's, then the signatures'
};
RemotePackage read_remote_package(Backend& backend, const Target& target);

// Options for a backend from what the user gave.
Options backend_options(const std::filesystem::path& state_dir, const TransferOptions& options);

std::string short_digest(std::string_view digest);

}  // namespace mlops::remote
