// SPDX-License-Identifier: MIT
// What a package consists of, shared by export/import (oci_archive.cpp) and push/pull
// (lib/remote/): its manifest, its referrers (signatures) and the blobs they reference; and
// the checks a package passes before it is listed in a store's index.json.
#pragma once

#include "package/oci.hpp"
#include "package/store.hpp"

#include <map>
#include <string>
#include <vector>

namespace mlops::package {

// Manifests and configs mlops reads whole: no bigger than this.
inline constexpr std::uint64_t k_max_json_blob = 16u << 20;
// A manifest with more layers than this is refused (ours have one per file; a hostile one
// could list millions, each to be fetched).
inline constexpr std::size_t k_max_layers = 100000;

// The descriptors an image manifest references: config first, then the layers in order.
// Error{invalid_input} naming `what` when it is not an OCI image manifest, a descriptor is
// malformed, or it lists more than k_max_layers layers.
std::vector<Descriptor> manifest_blobs(const std::string& text, const std::string& what);

// A package in a store: its manifest, then its signatures; the blobs they reference, each
// once, in order (every manifest's config and layers).
struct Closure {
  std::vector<IndexEntry> manifests;
  std::vector<Descriptor> blobs;
};
Closure package_closure(const Store& store, const IndexEntry& package);

// The ModelPack config's diff ids against the layers (uncompressed digests; the store's copy
// of a compressed layer is read through its decompressor unless `known` has its diff id).
// Layers in `absent` (a partial pull) are not checked. Error{invalid_input} naming `what`.
void check_diff_ids(const Store& store, const std::string& manifest_text, const std::string& what,
                    const std::map<std::string, std::string>& known = {}, const std::vector<std::string>& absent = {});

// The index.json entry for an imported or pulled manifest: `ref` (NAME:TAG, or "" for a
// signature), its artifactType from the manifest, and for a referrer the ai.mlops.subject
// annotation the store lists referrers by.
IndexEntry index_entry_for(const Descriptor& manifest, const std::string& manifest_text, const std::string& ref, const std::string& what);

// Adds the entries to the index in one update; an entry already there as is stays in place
// (so importing or pulling twice changes nothing).
void add_to_index(Store& store, const std::vector<IndexEntry>& entries);

}  // namespace mlops::package
