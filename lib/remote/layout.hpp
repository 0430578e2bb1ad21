// SPDX-License-Identifier: MIT
// The OCI image layout rules the file:// and http(s):// backends share: one layout per
// repository (oci-layout, index.json, blobs/sha256/<hex>), tags as the ref.name annotation of
// index.json's entries, referrers found through the ai.mlops.subject annotation (no blob read),
// index.json bounded (a layout someone else wrote may hold anything).
#pragma once

#include "package/store.hpp"
#include "remote/backend.hpp"

#include <string>
#include <vector>

namespace mlops::remote::layout {

// index.json is read only up to this size.
inline constexpr std::uint64_t k_max_index_bytes = 64u << 20;
inline constexpr const char* k_oci_layout_text = R"({"imageLayoutVersion":"1.0.0"})";

// "blobs/sha256/<hex>" of a validated digest.
std::string blob_path(const std::string& digest);

// The index.json entry that tags `manifest` as `tag` ("" for a referrer): media type, size,
// artifactType, and for a referrer its subject and signing key id as annotations.
package::IndexEntry entry_for(const Manifest& manifest, const std::string& tag);

// index.json's text into entries; `what` names it in errors (Error{invalid_input}).
std::vector<package::IndexEntry> parse_index(const std::string& text, const std::string& what);
std::string index_text(const std::vector<package::IndexEntry>& entries);

// Adds `entry` unless it is there already; false when nothing changed.
bool add_entry(std::vector<package::IndexEntry>& entries, const package::IndexEntry& entry);

std::vector<std::string> tags(const std::vector<package::IndexEntry>& entries, const std::string& what);
std::vector<package::Descriptor> referrers(const std::vector<package::IndexEntry>& entries, const std::string& digest,
                                           const std::string& what);

}  // namespace mlops::remote::layout
