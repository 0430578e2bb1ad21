// SPDX-License-Identifier: MIT
// Reading and managing the store: list, inspect, tag, rm, gc, verify.
#include "package/archive_io.hpp"
#include "package/diff_ids.hpp"
#include "package/roots.hpp"
#include "package/signing.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/package.hpp>
#include <mlops/progress.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
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
  const Store store(store_root, StoreAccess::read);
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
  const Store store(store_root, StoreAccess::read);
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
  out["excluded"] = nlohmann::json::array();
  try {
    const auto notes = nlohmann::json::parse(fs::read_file(store.build_notes(e.descriptor.digest)), nullptr, false);
    if (notes.is_object() && notes.contains("excluded") && notes["excluded"].is_array()) out["excluded"] = notes["excluded"];
  } catch (const Error&) {
    // No notes (built elsewhere, imported, or nothing was left out).
  }
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
        return by_tag ? x.ref == e.ref
                      : x.descriptor.digest == e.descriptor.digest && !x.descriptor.annotations.contains(annotation::subject);
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
  // The roots `mlops cache gc` uses too (package/roots.hpp): packages, the pipeline's run
  // cache and the pins of projects' mlops.lock and data pointers.
  const std::set<std::string> keep = live_blobs(store, store_roots(store));
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
  // Notes of builds whose manifest is gone.
  for (stdfs::directory_iterator it(store.state_dir() / "builds", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() != 64 + 5 || name.substr(64) != ".json") continue;
    const std::string digest = "sha256:" + name.substr(0, 64);
    if (is_digest(digest) && !store.has_blob(digest)) ::unlink(it->path().c_str());
  }
  ec.clear();
  // Every writer holds the lock this gc holds exclusively: whatever is in ingest/ was left
  // by one that died (kill -9, power loss), however young it is.
  const IngestCleanup ingest = store.clean_ingest(true);
  r.bytes_freed += ingest.bytes;
  r.partial_blobs_removed = ingest.files;
  // Corrupt copies verify --repair moved aside.
  for (stdfs::directory_iterator it(store.corrupt_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    const auto size = stdfs::file_size(it->path(), size_ec);
    if (::unlink(it->path().c_str()) == 0) {
      ++r.blobs_removed;
      r.bytes_freed += size_ec ? 0 : size;
    }
  }
  return r;
}

namespace {

struct BlobCheck {
  bool readable = false, hash_ok = false, intact = false;
  std::uint64_t size = 0;
  std::string content;  // kept for small JSON blobs (the config)
  std::string diff_id;  // of a layer whose content is intact
  std::string diff_problem;
};

// Re-hashes one blob (and, for a compressed layer, its uncompressed content), reporting
// progress as it reads.
BlobCheck check_blob(const Store& store, const Descriptor& d, const std::optional<std::string>& compression, bool keep,
                     std::vector<char>& buf, const Progress& progress) {
  BlobCheck c;
  const int fd = ::open(store.blob_path(d.digest).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return c;
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  Sha256 h;
  std::optional<DiffHasher> diff;
  if (compression && !compression->empty()) diff.emplace(*compression, "its content");
  bool read_error = false;
  try {
    for (;;) {
      check_interrupted();
      const ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        read_error = true;
        break;
      }
      if (n == 0) break;
      h.update(buf.data(), static_cast<std::size_t>(n));
      c.size += static_cast<std::uint64_t>(n);
      progress.advance(static_cast<std::uint64_t>(n));
      if (keep && c.content.size() < (16u << 20)) c.content.append(buf.data(), static_cast<std::size_t>(n));
      if (diff && c.diff_problem.empty()) {
        try {
          diff->update(buf.data(), static_cast<std::size_t>(n));
        } catch (const Error& e) {
          if (e.kind() != ErrorKind::invalid_input) throw;
          c.diff_problem = e.what();
        }
      }
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  c.readable = !read_error;
  c.hash_ok = c.readable && "sha256:" + h.hex() == d.digest;
  c.intact = c.hash_ok && c.size == d.size;
  if (c.intact && compression) {
    if (!diff) {
      c.diff_id = d.digest;
    } else if (c.diff_problem.empty()) {
      try {
        c.diff_id = diff->finish();
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::invalid_input) throw;
        c.diff_problem = e.what();
      }
    }
  }
  return c;
}

std::string short_hex(std::string_view digest) { return std::string(digest.substr(0, 19)) + "…"; }

}  // namespace

VerifyResult verify(const stdfs::path& store_root, const std::string& ref, const std::optional<stdfs::path>& public_key) {
  VerifyOptions o;
  o.public_key = public_key;
  return verify(store_root, ref, o);
}

VerifyResult verify(const stdfs::path& store_root, const std::string& ref, const VerifyOptions& options) {
  const Store store(store_root, options.repair ? StoreAccess::write : StoreAccess::read);
  // Repairing moves blobs: no build or import may be between reusing one and its index update.
  std::optional<FileLock> exclusive;
  if (options.repair) exclusive.emplace(store.gc_lock(true));
  const Progress progress(options.progress);
  const IndexEntry e = store.resolve(ref);
  VerifyResult r;
  std::set<std::string> corrupt;  // digests whose store copy does not hold what it should
  auto problem = [&](const std::string& line) {
    r.ok = false;
    r.problems.push_back(line);
  };
  auto finish = [&] {
    r.corrupt.assign(corrupt.begin(), corrupt.end());
    if (options.repair) {
      for (const auto& d : corrupt) {
        if (store.move_aside(d)) r.moved_aside.push_back(d);
      }
    }
    return r;
  };
  std::vector<char> buf(1u << 20);

  // The manifest first: without it there is nothing else to check.
  const BlobCheck mc = check_blob(store, e.descriptor, std::nullopt, true, buf, progress);
  ++r.blobs_checked;
  r.bytes_checked += mc.size;
  if (!mc.intact) {
    problem("manifest " + e.descriptor.digest + ": " +
            (!mc.readable  ? std::string(store.has_blob(e.descriptor.digest) ? "cannot be read" : "missing from the store")
             : !mc.hash_ok ? "content does not match its digest"
                           : std::to_string(mc.size) + " bytes, index.json says " + std::to_string(e.descriptor.size)));
    if (store.has_blob(e.descriptor.digest) && !mc.hash_ok) corrupt.insert(e.descriptor.digest);
    return finish();
  }
  const auto manifest = nlohmann::json::parse(mc.content, nullptr, false);
  if (!manifest.is_object()) {
    problem("manifest " + e.descriptor.digest + ": not a JSON object");
    return finish();
  }
  std::vector<Descriptor> blobs;
  try {
    blobs = blobs_of(manifest, e.descriptor.digest);
  } catch (const Error& err) {
    problem(err.what());
    return finish();
  }
  std::uint64_t total = 0;
  for (const auto& d : blobs) total += d.size;
  progress.phase("verifying", total);

  std::set<std::string> rehashed;  // right as the manifest says: the signature check need not read them again
  std::optional<Descriptor> config;
  nlohmann::json config_json;
  std::vector<std::string> diff_ids;  // one per layer; "" when it could not be computed
  std::vector<std::string> names;
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    const Descriptor& d = blobs[i];
    const bool is_config = manifest.contains("config") && i == 0;
    const std::string name = is_config ? std::string("config") : layer_name(d);
    progress.item(name);
    const auto compression = is_config ? std::nullopt : layer_compression(d.media_type);
    const BlobCheck c =
        check_blob(store, d, is_config ? std::nullopt : std::optional<std::string>(compression.value_or("")), is_config, buf, progress);
    ++r.blobs_checked;
    r.bytes_checked += c.size;
    const std::string label = "blob " + d.digest + " (" + name + "): ";
    if (!c.readable) {
      const bool there = store.has_blob(d.digest);
      // A package pulled with --only lacks the layers it left out: said as such.
      const auto partial = e.descriptor.annotations.find(annotation::partial);
      const std::string missing = partial != e.descriptor.annotations.end()
                                      ? "not pulled (a partial package: pulled with --only " + printable(partial->get<std::string>()) + ")"
                                      : "missing from the store";
      problem(label + (there ? "cannot be read" : missing));
      if (there) corrupt.insert(d.digest);
    } else if (!c.hash_ok) {
      problem(label + "content does not match its digest");
      corrupt.insert(d.digest);
    } else if (!c.intact) {
      // The blob is what its digest says: the manifest is what is wrong.
      problem(label + std::to_string(c.size) + " bytes, the manifest says " + std::to_string(d.size));
    } else {
      rehashed.insert(d.digest);
    }
    if (is_config) {
      config = d;
      if (c.intact) config_json = nlohmann::json::parse(c.content, nullptr, false);
      continue;
    }
    names.push_back(name);
    if (c.intact && !compression) {
      problem(label + "media type " + printable(d.media_type) + " has a compression mlops cannot read, so its diff id is not checked");
    } else if (c.intact && !c.diff_problem.empty()) {
      problem(label + c.diff_problem);
    }
    diff_ids.push_back(c.intact ? c.diff_id : std::string());
  }

  // The config's diff ids against the layers' uncompressed content.
  if (config && rehashed.count(config->digest) != 0) {
    std::string why;
    const auto expected = config_diff_ids(*config, config_json, diff_ids.size(), why);
    if (expected && !why.empty()) {
      problem("config " + config->digest + ": " + why);
    } else if (expected) {
      for (std::size_t i = 0; i < diff_ids.size(); ++i) {
        if (diff_ids[i].empty() || diff_ids[i] == (*expected)[i]) continue;
        problem("blob " + blobs[i + 1].digest + " (" + names[i] + "): the config's diff id " + short_hex((*expected)[i]) +
                " is not its content's (" + short_hex(diff_ids[i]) + ")");
      }
    }
  }
  if (options.public_key) verify_signature(store, e, *options.public_key, r, rehashed, progress);
  return finish();
}

}  // namespace mlops::package
