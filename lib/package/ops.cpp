// SPDX-License-Identifier: MIT
// Reading and managing the store: list, inspect, tag, rm, gc, verify.
#include "package/signing.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/package.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <set>
#include <vector>

namespace mlops::package {
namespace {

nlohmann::json read_json_blob(const Store& store, const std::string& digest) {
  const std::string text = store.read_blob(digest);
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw Error(ErrorKind::invalid_input, "blob " + digest + " is not a JSON object");
  return j;
}

// The blobs a manifest needs: config and layers (and itself).
std::vector<Descriptor> blobs_of(const nlohmann::json& manifest, const std::string& what) {
  std::vector<Descriptor> out;
  if (const auto c = manifest.find("config"); c != manifest.end()) out.push_back(parse_descriptor(*c, what + " config"));
  if (const auto l = manifest.find("layers"); l != manifest.end() && l->is_array()) {
    for (const auto& layer : *l) out.push_back(parse_descriptor(layer, what + " layer"));
  }
  return out;
}

std::string layer_name(const Descriptor& d) {
  for (const char* key : {annotation::filepath, annotation::title}) {
    if (const auto it = d.annotations.find(key); it != d.annotations.end() && it->is_string()) return *it;
  }
  return d.media_type;
}

}  // namespace

std::vector<PackageInfo> list(const stdfs::path& store_root) {
  const Store store(store_root);
  std::vector<PackageInfo> out;
  const auto entries = store.index();
  std::set<std::string> signed_digests;
  for (const auto& e : entries) {
    if (const auto s = e.descriptor.annotations.find(annotation::subject); s != e.descriptor.annotations.end()) signed_digests.insert(*s);
  }
  for (const auto& e : entries) {
    if (e.descriptor.annotations.contains(annotation::subject)) continue;
    PackageInfo p;
    p.ref = e.ref;
    p.digest = e.descriptor.digest;
    p.signed_ = signed_digests.count(p.digest) > 0;
    try {
      const auto m = read_json_blob(store, p.digest);
      p.size = e.descriptor.size;
      for (const auto& b : blobs_of(m, p.digest)) p.size += b.size;
      if (const auto a = m.find("annotations"); a != m.end() && a->is_object()) {
        p.created = a->value(annotation::created, "");
        p.title = a->value("org.opencontainers.image.title", "");
      }
    } catch (const Error&) {
      p.title = "(unreadable manifest)";
    }
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(), [](const PackageInfo& a, const PackageInfo& b) { return a.ref < b.ref; });
  return out;
}

nlohmann::json inspect(const stdfs::path& store_root, const std::string& ref) {
  const Store store(store_root);
  const IndexEntry e = store.resolve(ref);
  const auto manifest = read_json_blob(store, e.descriptor.digest);
  nlohmann::json out{{"ref", e.ref}, {"digest", e.descriptor.digest}, {"manifest", manifest}};
  nlohmann::json tags = nlohmann::json::array();
  for (const auto& other : store.index()) {
    if (other.descriptor.digest == e.descriptor.digest && !other.ref.empty()) tags.push_back(other.ref);
  }
  out["tags"] = tags;
  if (const auto c = manifest.find("config"); c != manifest.end()) {
    const Descriptor d = parse_descriptor(*c, "config");
    try {
      out["config"] = read_json_blob(store, d.digest);
    } catch (const Error& err) {
      out["config"] = nullptr;
      out["config_error"] = err.what();
    }
  }
  nlohmann::json referrers = nlohmann::json::array();
  for (const auto& r : store.referrers(e.descriptor.digest)) {
    nlohmann::json j{{"digest", r.descriptor.digest}, {"artifactType", r.descriptor.artifact_type}};
    if (const auto k = r.descriptor.annotations.find(annotation::key_id); k != r.descriptor.annotations.end()) j["key_id"] = *k;
    referrers.push_back(j);
  }
  out["referrers"] = referrers;
  return out;
}

void tag(const stdfs::path& store_root, const std::string& source, const std::string& target) {
  Store store(store_root);
  const IndexEntry e = store.resolve(source);
  const Reference r = parse_reference(target);
  IndexEntry copy = e;
  copy.ref = r.str();
  copy.descriptor.annotations.erase(annotation::ref_name);
  store.update_index([&](std::vector<IndexEntry>& entries) { set_index_entry(entries, copy); });
}

std::vector<std::string> remove(const stdfs::path& store_root, const std::vector<std::string>& refs) {
  Store store(store_root);
  std::vector<std::string> removed;
  store.update_index([&](std::vector<IndexEntry>& entries) {
    for (const auto& ref : refs) {
      const IndexEntry e = store.resolve(ref);  // reads the index as it is on disk
      const bool by_tag = !e.ref.empty() && (ref == e.ref || ref + ":latest" == e.ref);
      std::erase_if(entries, [&](const IndexEntry& x) {
        return by_tag ? x.ref == e.ref : x.descriptor.digest == e.descriptor.digest && !x.descriptor.annotations.contains(annotation::subject);
      });
      removed.push_back(by_tag ? e.ref : e.descriptor.digest);
    }
    // Signatures of manifests nothing refers to any more go with them.
    std::set<std::string> live;
    for (const auto& x : entries) {
      if (!x.descriptor.annotations.contains(annotation::subject)) live.insert(x.descriptor.digest);
    }
    std::erase_if(entries, [&](const IndexEntry& x) {
      const auto s = x.descriptor.annotations.find(annotation::subject);
      return s != x.descriptor.annotations.end() && !live.count(s->get<std::string>());
    });
  });
  return removed;
}

GcResult gc(const stdfs::path& store_root) {
  Store store(store_root);
  const FileLock guard = store.gc_lock(true);  // no build or import is between blobs and index
  std::set<std::string> keep;
  std::vector<std::string> todo;
  for (const auto& e : store.index()) todo.push_back(e.descriptor.digest);
  while (!todo.empty()) {
    const std::string d = todo.back();
    todo.pop_back();
    if (!keep.insert(d).second) continue;
    if (!store.has_blob(d)) continue;
    // Manifests and indexes are small JSON; anything else is a leaf.
    std::error_code ec;
    if (stdfs::file_size(store.blob_path(d), ec) > (4u << 20)) continue;
    try {
      const auto j = nlohmann::json::parse(store.read_blob(d), nullptr, false);
      if (!j.is_object()) continue;
      const std::string mt = j.value("mediaType", "");
      if (mt == media::manifest) {
        for (const auto& b : blobs_of(j, d)) todo.push_back(b.digest);
      } else if (mt == media::index) {
        for (const auto& m : j.value("manifests", nlohmann::json::array())) todo.push_back(parse_descriptor(m, d).digest);
      }
    } catch (const Error&) {
      // A corrupt small blob keeps what it might reference; verify reports it.
    }
  }
  GcResult r;
  std::error_code ec;
  for (stdfs::directory_iterator it(store.root() / "blobs" / "sha256", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string digest = "sha256:" + it->path().filename().string();
    if (keep.count(digest)) continue;
    std::error_code size_ec;
    const auto size = stdfs::file_size(it->path(), size_ec);
    if (::unlink(it->path().c_str()) == 0) {
      ++r.blobs_removed;
      r.bytes_freed += size_ec ? 0 : size;
    }
  }
  // Temp files of builds that died; live ones are younger (and their builds hold the lock).
  const auto cutoff = stdfs::file_time_type::clock::now() - std::chrono::hours(1);
  for (stdfs::directory_iterator it(store.ingest_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code t_ec;
    if (stdfs::last_write_time(it->path(), t_ec) < cutoff && !t_ec) stdfs::remove(it->path(), t_ec);
  }
  return r;
}

VerifyResult verify(const stdfs::path& store_root, const std::string& ref, const std::optional<stdfs::path>& public_key) {
  const Store store(store_root);
  const IndexEntry e = store.resolve(ref);
  VerifyResult r;
  auto problem = [&](const std::string& line) {
    r.ok = false;
    r.problems.push_back(line);
  };
  nlohmann::json manifest;
  try {
    manifest = read_json_blob(store, e.descriptor.digest);
    ++r.blobs_checked;
  } catch (const Error& err) {
    problem(std::string("manifest ") + e.descriptor.digest + ": " + err.what());
    return r;
  }
  std::vector<char> buf(1u << 20);
  std::set<std::string> rehashed;  // right as the manifest says: the signature check need not read them again
  for (const auto& d : blobs_of(manifest, e.descriptor.digest)) {
    check_interrupted();
    const stdfs::path p = store.blob_path(d.digest);
    const std::string name = layer_name(d);
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      problem("blob " + d.digest + " (" + name + "): missing from the store");
      continue;
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    Sha256 h;
    std::uint64_t size = 0;
    bool read_error = false;
    for (;;) {
      const ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        read_error = true;
        break;
      }
      if (n == 0) break;
      h.update(buf.data(), static_cast<std::size_t>(n));
      size += static_cast<std::uint64_t>(n);
    }
    ::close(fd);
    ++r.blobs_checked;
    r.bytes_checked += size;
    if (read_error) {
      problem("blob " + d.digest + " (" + name + "): cannot be read");
    } else if ("sha256:" + h.hex() != d.digest) {
      problem("blob " + d.digest + " (" + name + "): content does not match its digest");
    } else if (size != d.size) {
      problem("blob " + d.digest + " (" + name + "): " + std::to_string(size) + " bytes, the manifest says " + std::to_string(d.size));
    } else {
      rehashed.insert(d.digest);
    }
  }
  if (public_key) verify_signature(store, e, *public_key, r, rehashed);
  return r;
}

}  // namespace mlops::package
