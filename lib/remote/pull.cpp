// SPDX-License-Identifier: MIT
// mlops pull: the manifest (bounded, every descriptor checked), the blobs the store lacks
// downloaded in parallel into resumable partial blobs (ingest/partial-<hex>), each verified
// against its digest before it lands, the diff ids checked, and index.json updated last.
#include "core/log.hpp"
#include "package/closure.hpp"
#include "package/layer_filter.hpp"
#include "package/store.hpp"
#include "remote/schemes.hpp"
#include "remote/transfer.hpp"

#include <mlops/error.hpp>
#include <mlops/remote.hpp>

#include <algorithm>
#include <atomic>
#include <set>

namespace mlops::remote {
namespace {

// One blob into the store, continuing a partial download of it when there is one. A resumed
// download that does not hash to its digest is fetched once more from the start (the partial
// bytes, not the remote, may have been wrong).
struct Fetched {
  std::uint64_t received = 0, resumed = 0;
};

Fetched fetch_blob(Backend& backend, const Target& target, package::Store& store, const package::Descriptor& d, const Progress& progress) {
  Fetched f;
  for (int attempt = 0;; ++attempt) {
    package::BlobWriter w(store, d.digest);
    if (store.has_blob(d.digest, d.size)) {  // another pull stored it while we waited for the lock
      w.discard();
      return f;
    }
    if (w.size() > d.size) w.restart();
    const std::uint64_t offset = w.size();
    if (offset > 0) {
      progress.advance(offset);
      f.resumed += offset;
      log::debug("resuming {} at {} of {} bytes", d.digest, offset, d.size);
    }
    if (offset < d.size) {
      backend.get_blob(
          target.repo, d, offset,
          [&](const char* data, std::size_t n) {
            if (w.size() + n > d.size) {
              w.discard();
              throw Error(ErrorKind::invalid_input, "blob " + d.digest + " from " + target.url() + " holds more than the " +
                                                        std::to_string(d.size) + " bytes its descriptor says");
            }
            w.write(data, n);
            f.received += n;
          },
          progress);
    }
    if (w.size() != d.size) {
      throw Error(ErrorKind::remote,
                  "blob " + d.digest + " from " + target.url() + " ended after " + std::to_string(w.size()) + " of " +
                      std::to_string(d.size) + " bytes",
                  "run the same command again: it continues where this one stopped");
    }
    try {
      w.commit(d.digest);
      return f;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::invalid_input) throw;
      if (offset > 0 && attempt == 0) continue;  // the partial blob was bad: once more from 0
      throw Error(ErrorKind::invalid_input, "blob " + d.digest + " from " + target.url() + " does not match its digest",
                  "the remote's copy is corrupt; nothing was stored");
    }
  }
}

}  // namespace

PullResult pull(const stdfs::path& store_root, const std::string& url, const PullOptions& options) {
  const Progress progress(options.progress);
  const Target target = package_target(url);
  std::string local_ref;
  if (!options.tag.empty()) {
    local_ref = package::parse_reference(options.tag).str();
  } else if (!target.tag.empty()) {
    local_ref = package::parse_reference(target.repo + ":" + target.tag).str();
  }
  const package::Selection selection(options.only);
  package::Store store(store_root);
  auto backend = open_backend(target.location, backend_options(store.state_dir(), options));
  const RemotePackage remote = read_remote_package(*backend, target);

  // --only: the layers a filter selects (a tar layer when a glob may match inside it); the
  // config, the manifest and the signatures always.
  std::vector<std::string> absent;
  std::vector<package::Descriptor> wanted;
  {
    const auto& blobs = remote.manifest.blobs;
    std::set<std::string> layer_digests_kept;
    for (std::size_t i = 1; i < blobs.size(); ++i) {
      const auto& l = blobs[i];
      const auto type = package::parse_layer_type(l.media_type);
      std::string path;
      if (const auto a = l.annotations.find(package::annotation::filepath); a != l.annotations.end()) path = *a;
      bool keep = selection.everything();
      if (!keep && type) keep = selection.whole_layer(*type, path) || (type->tar && selection.may_select_inside(path));
      if (keep) layer_digests_kept.insert(l.digest);
    }
    for (std::size_t i = 1; i < blobs.size(); ++i) {
      if (!layer_digests_kept.contains(blobs[i].digest)) absent.push_back(blobs[i].digest);
    }
    if (!options.only.empty() && layer_digests_kept.empty()) {
      std::string list;
      for (const auto& f : options.only) list += (list.empty() ? "" : " ") + f;
      throw Error(ErrorKind::not_found, "no layer of " + target.url() + " matches --only " + escape_controls(list),
                  "filters: model, datasets, code, docs or a glob on package paths ('*' spans directories)");
    }
    for (const auto& d : remote.blobs()) {
      if (std::find(absent.begin(), absent.end(), d.digest) == absent.end()) wanted.push_back(d);
    }
  }

  // Shared from the first blob to the index update: gc would delete blobs not yet listed.
  const package::FileLock lock = store.writer_lock();
  PullResult r;
  r.url = target.url();
  r.digest = remote.manifest.descriptor.digest;
  r.layers_left_out = std::set<std::string>(absent.begin(), absent.end()).size();
  std::vector<package::Descriptor> fetch;
  std::uint64_t total = 0;
  for (const auto& d : wanted) {
    if (store.has_blob(d.digest, d.size)) {
      ++r.blobs_present;
    } else {
      fetch.push_back(d);
      total += d.size;
    }
  }
  progress.phase("pulling " + target.url(), total);
  std::atomic<std::uint64_t> received{0}, resumed{0};
  for_each_parallel(fetch.size(), options.jobs, [&](std::size_t i) {
    progress.item(short_digest(fetch[i].digest));
    const Fetched f = fetch_blob(*backend, target, store, fetch[i], progress);
    received += f.received;
    resumed += f.resumed;
    progress.item("");
  });
  r.blobs_fetched = fetch.size();
  r.bytes_received = received;
  r.bytes_resumed = resumed;

  // The manifests, verified by the backend's digest; then the diff ids; the index last.
  std::vector<package::IndexEntry> entries;
  for (const auto& s : remote.signatures) {
    if (store.put_blob(s.bytes) != s.descriptor.digest) throw Error(ErrorKind::internal, "signature manifest digest changed");
    const std::string what = "signature " + short_digest(s.descriptor.digest) + " of " + r.url;
    entries.push_back(package::index_entry_for(s.descriptor, s.bytes, "", what));
    ++r.signatures;
  }
  const auto& m = remote.manifest;
  if (store.put_blob(m.bytes) != m.descriptor.digest) throw Error(ErrorKind::internal, "manifest digest changed");
  package::check_diff_ids(store, m.bytes, "the manifest of " + r.url, {}, absent);
  package::IndexEntry e = package::index_entry_for(m.descriptor, m.bytes, local_ref, "the manifest of " + r.url);
  if (!absent.empty()) {
    std::string only;
    for (const auto& f : options.only) only += (only.empty() ? "" : ",") + f;
    e.descriptor.annotations[package::annotation::partial] = only;
  }
  entries.insert(entries.begin(), e);
  package::add_to_index(store, entries);
  r.ref = local_ref;
  log::info("pulled {} from {}: {} blobs fetched, {} present", local_ref.empty() ? r.digest : local_ref, r.url, r.blobs_fetched,
            r.blobs_present);
  return r;
}

}  // namespace mlops::remote
