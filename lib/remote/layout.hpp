// SPDX-License-Identifier: MIT
// The OCI image layout rules every layout-keeping remote shares (file:// writes them into a
// directory, s3:// into objects under a prefix): one layout per repository, blobs (manifests
// included) at blobs/sha256/<hex>, tags as org.opencontainers.image.ref.name in index.json,
// referrers found through the subject annotation of their index entry (no blob read), and
// index.json written last. A tree of either is what skopeo reads as oci:DIR/REPO:TAG.
#pragma once

#include "package/store.hpp"
#include "remote/backend.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::remote {
// index.json of a layout is read only up to this size (a hostile layout could be endless),
// with at most this many entries and JSON values in all (64 MiB of "{}," would otherwise be
// 21 million objects in memory), nested at most 16 deep.
inline constexpr std::uint64_t k_max_layout_index_bytes = 64u << 20;
inline constexpr std::size_t k_max_layout_entries = 200000;
inline constexpr std::size_t k_max_layout_values = 4000000;
}  // namespace mlops::remote

namespace mlops::remote::layout {

inline constexpr std::string_view k_oci_layout = R"({"imageLayoutVersion":"1.0.0"})";

// A remote layout's index.json: its size, shape and counts checked in one pass that builds
// nothing (above), then read by the store's reader. Error{invalid_input} naming `where`.
std::vector<package::IndexEntry> parse_index(std::string_view text, const std::string& where);

// Error{invalid_input} naming `what` unless `text` is JSON nested at most `max_depth` deep,
// with at most `max_items` elements in the arrays and objects one level below the top and
// `max_values` values in all: checked before anything is built from it.
void check_json_counts(std::string_view text, const std::string& what, std::size_t max_depth, std::size_t max_items,
                       std::size_t max_values);

// "blobs/sha256/<hex>" for a sha256 digest (already validated by the caller).
std::string blob_path(std::string_view digest);

// The index entry that `put_manifest(manifest, tag)` adds: media type, size, artifactType, and
// the subject and key id of a referrer (signature) as annotations.
package::IndexEntry entry_for(const Manifest& manifest, const std::string& tag);

// Adds `e` unless the index already says the same (a re-push leaves index.json unchanged).
// Returns false when nothing changed.
bool add_entry(std::vector<package::IndexEntry>& entries, const package::IndexEntry& e);

// The entry a tag names, or nullptr.
const package::IndexEntry* find_tag(const std::vector<package::IndexEntry>& entries, std::string_view tag);

// Sorted tags; Error{invalid_input} naming `where` beyond k_max_tags.
std::vector<std::string> tags(const std::vector<package::IndexEntry>& entries, const std::string& where);

// Referrers of `digest`; Error{invalid_input} beyond k_max_referrers.
std::vector<package::Descriptor> referrers(const std::vector<package::IndexEntry>& entries, const std::string& digest,
                                           const std::string& where);

// A manifest's media type from its own mediaType field ("" when it has none).
std::string media_type_of(const std::string& manifest_bytes);

}  // namespace mlops::remote::layout
