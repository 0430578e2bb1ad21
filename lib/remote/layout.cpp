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

namespace {

// Counts as nlohmann's SAX parser goes, allocating nothing; false stops the parse.
struct Counter {
  using json = nlohmann::json;
  Counter(std::size_t depth_limit, std::size_t item_limit, std::size_t value_limit)
      : max_depth(depth_limit), max_items(item_limit), max_values(value_limit) {}
  std::size_t max_depth, max_items, max_values;
  std::size_t depth = 0, items = 0, values = 0;
  std::string why;

  bool count() {
    ++values;
    if (depth == 2 && ++items > max_items) return stop("more than " + std::to_string(max_items) + " entries");
    if (values > max_values) return stop("more than " + std::to_string(max_values) + " values");
    return true;
  }
  bool stop(std::string w) {
    why = std::move(w);
    return false;
  }
  bool open() {
    if (!count()) return false;
    if (++depth > max_depth) return stop("nested deeper than " + std::to_string(max_depth) + " levels");
    return true;
  }
  bool null() { return count(); }
  bool boolean(bool) { return count(); }
  bool number_integer(json::number_integer_t) { return count(); }
  bool number_unsigned(json::number_unsigned_t) { return count(); }
  bool number_float(json::number_float_t, const json::string_t&) { return count(); }
  bool string(json::string_t&) { return count(); }
  bool binary(json::binary_t&) { return count(); }
  bool start_object(std::size_t) { return open(); }
  bool key(json::string_t&) { return true; }
  bool end_object() { return --depth, true; }
  bool start_array(std::size_t) { return open(); }
  bool end_array() { return --depth, true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    return stop("invalid JSON at byte " + std::to_string(position));
  }
};

}  // namespace

void check_json_counts(std::string_view text, const std::string& what, std::size_t max_depth, std::size_t max_items,
                       std::size_t max_values) {
  Counter c(max_depth, max_items, max_values);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(text, &c);
  } catch (const std::exception&) {
    ok = false;
  }
  if (!ok) throw Error(ErrorKind::invalid_input, what + ": " + (c.why.empty() ? "invalid JSON" : c.why) + ": refused");
}

std::vector<IndexEntry> parse_index(std::string_view text, const std::string& where) {
  check_json_counts(text, where, 16, k_max_layout_entries, k_max_layout_values);
  return package::parse_index_json(text, where);
}

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
