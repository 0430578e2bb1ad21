// SPDX-License-Identifier: MIT
#include "remote/layout.hpp"

#include "remote/transfer.hpp"

#include <mlops/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace mlops::remote::layout {

using package::Descriptor;
using package::IndexEntry;

std::string blob_path(std::string_view digest) {
  const auto colon = digest.find(':');
  return "blobs/" + std::string(digest.substr(0, colon)) + "/" + std::string(digest.substr(colon + 1));
}

IndexEntry entry_for(const Manifest& manifest, const std::string& tag) {
  IndexEntry e;
  e.descriptor.media_type = manifest.media_type.empty() ? package::media::manifest : manifest.media_type;
  e.descriptor.digest = manifest.digest;
  e.descriptor.size = manifest.bytes.size();
  e.ref = tag;
  const auto j = nlohmann::json::parse(manifest.bytes, nullptr, false);
  if (j.is_object()) {
    if (const auto at = j.find("artifactType"); at != j.end() && at->is_string()) e.descriptor.artifact_type = *at;
    if (const auto s = j.find("subject"); s != j.end() && s->is_object()) {
      const Descriptor subject = package::parse_descriptor(*s, "manifest " + short_digest(manifest.digest) + " subject");
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

bool add_entry(std::vector<IndexEntry>& entries, const IndexEntry& e) {
  const bool same = std::any_of(entries.begin(), entries.end(),
                                [&](const IndexEntry& x) { return x.ref == e.ref && x.descriptor.digest == e.descriptor.digest; });
  if (same) return false;
  package::set_index_entry(entries, e);
  return true;
}

const IndexEntry* find_tag(const std::vector<IndexEntry>& entries, std::string_view tag) {
  const auto it = std::find_if(entries.begin(), entries.end(), [&](const IndexEntry& e) { return e.ref == tag; });
  return it == entries.end() ? nullptr : &*it;
}

std::vector<std::string> tags(const std::vector<IndexEntry>& entries, const std::string& where) {
  std::set<std::string> out;
  for (const auto& e : entries) {
    if (e.ref.empty()) continue;
    out.insert(e.ref);
    if (out.size() > k_max_tags) throw Error(ErrorKind::invalid_input, where + " lists more than " + std::to_string(k_max_tags) + " tags");
  }
  return {out.begin(), out.end()};
}

std::vector<Descriptor> referrers(const std::vector<IndexEntry>& entries, const std::string& digest, const std::string& where) {
  std::vector<Descriptor> out;
  std::set<std::string> seen;
  for (const auto& e : entries) {
    const auto s = e.descriptor.annotations.find(package::annotation::subject);
    if (s == e.descriptor.annotations.end() || *s != digest || !seen.insert(e.descriptor.digest).second) continue;
    out.push_back(e.descriptor);
    if (out.size() > k_max_referrers) {
      throw Error(ErrorKind::invalid_input, where + " lists more than " + std::to_string(k_max_referrers) + " referrers");
    }
  }
  return out;
}

std::string media_type_of(const std::string& manifest_bytes) {
  const auto j = nlohmann::json::parse(manifest_bytes, nullptr, false);
  if (j.is_object()) {
    if (const auto mt = j.find("mediaType"); mt != j.end() && mt->is_string()) return *mt;
  }
  return {};
}

}  // namespace mlops::remote::layout
