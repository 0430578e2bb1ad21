// SPDX-License-Identifier: MIT
#include "package/closure.hpp"

#include "core/fd.hpp"
#include "package/archive_io.hpp"
#include "package/diff_ids.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <fcntl.h>

#include <algorithm>
#include <set>

namespace mlops::package {
namespace {

std::string short_digest(std::string_view digest) { return std::string(digest.substr(0, 19)); }

}  // namespace

std::vector<Descriptor> manifest_blobs(const std::string& text, const std::string& what) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) throw Error(ErrorKind::invalid_input, what + " is not a JSON object");
  if (const auto mt = j.find("mediaType"); mt != j.end() && *mt != media::manifest) {
    throw Error(ErrorKind::invalid_input, what + " is not an OCI image manifest");
  }
  std::vector<Descriptor> out;
  const auto config = j.find("config");
  if (config == j.end()) throw Error(ErrorKind::invalid_input, what + " has no config");
  out.push_back(parse_descriptor(*config, what + " config"));
  if (const auto layers = j.find("layers"); layers != j.end()) {
    if (!layers->is_array()) throw Error(ErrorKind::invalid_input, what + ": layers is not an array");
    if (layers->size() > k_max_layers) {
      throw Error(ErrorKind::invalid_input, what + " lists " + std::to_string(layers->size()) + " layers, more than the " +
                                                std::to_string(k_max_layers) + " mlops reads");
    }
    for (const auto& l : *layers) out.push_back(parse_descriptor(l, what + " layer"));
  }
  return out;
}

Closure package_closure(const Store& store, const IndexEntry& package) {
  Closure c;
  c.manifests.push_back(package);
  for (auto& r : store.referrers(package.descriptor.digest)) c.manifests.push_back(std::move(r));
  std::set<std::string> listed;
  for (const auto& m : c.manifests) {
    for (auto& d : manifest_blobs(store.read_blob(m.descriptor.digest), "manifest " + short_digest(m.descriptor.digest))) {
      if (listed.insert(d.digest).second) c.blobs.push_back(std::move(d));
    }
  }
  return c;
}

void check_diff_ids(const Store& store, const std::string& manifest_text, const std::string& what,
                    const std::map<std::string, std::string>& known, const std::vector<std::string>& absent) {
  const auto blobs = manifest_blobs(manifest_text, what);
  const auto config_json = nlohmann::json::parse(store.read_blob(blobs[0].digest, k_max_json_blob), nullptr, false);
  std::string why;
  const auto expected = config_diff_ids(blobs[0], config_json, blobs.size() - 1, why);
  if (!expected) return;
  if (!why.empty()) throw Error(ErrorKind::invalid_input, what + ": " + why);
  std::vector<char> buf;
  for (std::size_t i = 1; i < blobs.size(); ++i) {
    const Descriptor& l = blobs[i];
    if (std::find(absent.begin(), absent.end(), l.digest) != absent.end()) continue;
    const auto compression = layer_compression(l.media_type);
    if (!compression) {
      throw Error(ErrorKind::invalid_input, what + ": layer " + std::to_string(i) + " has the media type " + printable(l.media_type) +
                                                ", whose compression mlops cannot read");
    }
    std::string actual = l.digest;
    if (!compression->empty()) {
      if (const auto it = known.find(l.digest); it != known.end()) {
        actual = it->second;
      } else {
        // The store's copy, read through.
        DiffHasher h(*compression, what + ": layer " + std::to_string(i));
        Fd fd(::open(store.blob_path(l.digest).c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw_errno("cannot read blob " + l.digest);
        buf.resize(1u << 20);
        for (;;) {
          check_interrupted();
          const std::size_t n = read_some(fd.get(), buf.data(), buf.size(), "blob " + l.digest);
          if (n == 0) break;
          h.update(buf.data(), n);
        }
        actual = h.finish();
      }
    }
    if (actual != (*expected)[i - 1]) {
      throw Error(ErrorKind::invalid_input, what + ": the config's diff id of layer " + std::to_string(i) + " (" +
                                                short_digest((*expected)[i - 1]) + "…) is not its content's (" + short_digest(actual) +
                                                "…)");
    }
  }
}

IndexEntry index_entry_for(const Descriptor& manifest, const std::string& manifest_text, const std::string& ref, const std::string& what) {
  const auto j = nlohmann::json::parse(manifest_text, nullptr, false);
  IndexEntry e;
  e.descriptor = manifest;
  e.ref = ref;
  if (!ref.empty()) e.descriptor.annotations[annotation::ref_name] = ref;
  if (e.descriptor.artifact_type.empty() && j.is_object()) {
    if (const auto at = j.find("artifactType"); at != j.end() && at->is_string()) e.descriptor.artifact_type = *at;
  }
  // A referrer from another tool says what it signs in the manifest only; the store lists
  // referrers by this annotation.
  if (ref.empty() && !e.descriptor.annotations.contains(annotation::subject) && j.is_object()) {
    if (const auto s = j.find("subject"); s != j.end() && s->is_object()) {
      const Descriptor subject = parse_descriptor(*s, what + " subject");
      e.descriptor.annotations[annotation::subject] = subject.digest;
    }
  }
  return e;
}

void add_to_index(Store& store, const std::vector<IndexEntry>& entries) {
  store.update_index([&](std::vector<IndexEntry>& index_entries) {
    for (const auto& e : entries) {
      const bool same = std::any_of(index_entries.begin(), index_entries.end(), [&](const IndexEntry& x) {
        return x.ref == e.ref && x.descriptor.digest == e.descriptor.digest && x.descriptor.annotations == e.descriptor.annotations;
      });
      if (!same) set_index_entry(index_entries, e);
    }
  });
}

}  // namespace mlops::package
