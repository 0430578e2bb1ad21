// SPDX-License-Identifier: MIT
#include "remote/layout.hpp"

#include <mlops/error.hpp>

#include <algorithm>
#include <set>

namespace mlops::remote::layout {

using package::Descriptor;
using package::IndexEntry;

std::string blob_path(const std::string& digest) { return "blobs/sha256/" + std::string(package::digest_hex(digest)); }

IndexEntry entry_for(const Manifest& manifest, const std::string& tag) {
  IndexEntry e;
  e.descriptor.media_type = manifest.media_type.empty() ? package::media::manifest : manifest.media_type;
  e.descriptor.digest = manifest.digest;
  e.descriptor.size = manifest.bytes.size();
  e.ref = tag;
  const auto j = nlohmann::json::parse(manifest.bytes, nullptr, false);
  if (j.is_object()) {
    if (const auto at = j.find("artifactType"); at != j.end() && at->is_string()) e.descriptor.artifact_type = *at;
    // Referrers are found through this annotation, as in the local store (no blob read).
    if (const auto s = j.find("subject"); s != j.end() && s->is_object()) {
      const Descriptor subject = package::parse_descriptor(*s, "manifest " + manifest.digest.substr(0, 19) + " subject");
      e.descriptor.annotations[package::annotation::subject] = subject.digest;
      if (const auto an = j.find("annotations"); an != j.end() && an->is_object()) {
        if (const auto k = an->find(package::annotation::key_id); k != an->end() && k->is_string()) {
          e.descriptor.annotations[package::annotation::key_id] = *k;
        }
      }
    }
  }
  return e;
}

std::vector<IndexEntry> parse_index(const std::string& text, const std::string& what) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) throw Error(ErrorKind::invalid_input, what + " is not valid JSON");
  std::vector<IndexEntry> out;
  const auto m = j.find("manifests");
  if (m == j.end() || m->is_null()) return out;
  if (!m->is_array()) throw Error(ErrorKind::invalid_input, what + ": 'manifests' is not an array");
  for (const auto& item : *m) {
    IndexEntry e;
    e.descriptor = package::parse_descriptor(item, what);
    if (const auto r = e.descriptor.annotations.find(package::annotation::ref_name); r != e.descriptor.annotations.end()) e.ref = *r;
    out.push_back(std::move(e));
  }
  return out;
}

std::string index_text(const std::vector<IndexEntry>& entries) {
  nlohmann::json manifests = nlohmann::json::array();
  for (const auto& e : entries) manifests.push_back(package::to_json(e.descriptor));
  const nlohmann::json doc{{"schemaVersion", 2}, {"mediaType", package::media::index}, {"manifests", manifests}};
  return doc.dump(2) + "\n";
}

bool add_entry(std::vector<IndexEntry>& entries, const IndexEntry& entry) {
  const bool same = std::any_of(entries.begin(), entries.end(),
                                [&](const IndexEntry& x) { return x.ref == entry.ref && x.descriptor.digest == entry.descriptor.digest; });
  if (same) return false;
  package::set_index_entry(entries, entry);
  return true;
}

std::vector<std::string> tags(const std::vector<IndexEntry>& entries, const std::string& what) {
  std::set<std::string> out;
  for (const auto& e : entries) {
    if (e.ref.empty()) continue;
    out.insert(e.ref);
    if (out.size() > k_max_tags) throw Error(ErrorKind::invalid_input, what + " lists more than " + std::to_string(k_max_tags) + " tags");
  }
  return {out.begin(), out.end()};
}

std::vector<Descriptor> referrers(const std::vector<IndexEntry>& entries, const std::string& digest, const std::string& what) {
  std::vector<Descriptor> out;
  std::set<std::string> seen;
  for (const auto& e : entries) {
    const auto s = e.descriptor.annotations.find(package::annotation::subject);
    if (s == e.descriptor.annotations.end() || *s != digest || !seen.insert(e.descriptor.digest).second) continue;
    out.push_back(e.descriptor);
    if (out.size() > k_max_referrers) {
      throw Error(ErrorKind::invalid_input, what + " lists more than " + std::to_string(k_max_referrers) + " referrers");
    }
  }
  return out;
}

}  // namespace mlops::remote::layout
