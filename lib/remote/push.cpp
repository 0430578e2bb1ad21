// SPDX-License-Identifier: MIT
// mlops push: the package's blobs the remote lacks (in parallel), its signatures, then the
// manifest under its tag, last, so the tag never names something incomplete.
#include "core/log.hpp"
#include "package/closure.hpp"
#include "package/store.hpp"
#include "remote/schemes.hpp"
#include "remote/transfer.hpp"

#include <mlops/error.hpp>
#include <mlops/remote.hpp>

#include <atomic>

namespace mlops::remote {

PushResult push(const stdfs::path& store_root, const std::string& ref, const std::string& url, const TransferOptions& options) {
  const Progress progress(options.progress);
  (void)parse_location(url);  // a bad URL is the first thing said, before the store is asked
  const package::Store store(store_root, package::StoreAccess::read);
  // Shared: gc waits until every blob is sent.
  const auto lock = store.gc_lock_for_reading();
  const package::IndexEntry entry = store.resolve(ref);
  if (entry.ref.empty()) {
    throw Error(ErrorKind::usage, "'" + escape_controls(ref) + "' names an untagged package",
                "tag it first: mlops package tag " + ref + " NAME:TAG");
  }
  if (const auto partial = entry.descriptor.annotations.find(package::annotation::partial); partial != entry.descriptor.annotations.end()) {
    throw Error(
        ErrorKind::conflict,
        entry.ref + " is a partial package (pulled with --only " + escape_controls(partial->get<std::string>()) + "): it lacks layers",
        "pull it without --only first, then push it");
  }
  const package::Reference local = package::parse_reference(entry.ref);
  const Target target = push_target(url, local.name, local.tag);
  const package::Closure closure = package::package_closure(store, entry);
  auto backend = open_backend(target.location, backend_options(store_root / "mlops", options));

  PushResult r;
  r.ref = entry.ref;
  r.digest = entry.descriptor.digest;
  r.url = target.url();
  // What the remote has already, by size (its digest is its name; the remote checked it).
  std::vector<char> missing(closure.blobs.size(), 0);
  for_each_parallel(closure.blobs.size(), options.jobs, [&](std::size_t i) {
    const auto& d = closure.blobs[i];
    const auto size = backend->stat_blob(target.repo, d.digest);
    missing[i] = !size || *size != d.size;
  });
  std::uint64_t to_send = 0;
  std::vector<std::size_t> send;
  for (std::size_t i = 0; i < closure.blobs.size(); ++i) {
    if (missing[i] != 0) {
      send.push_back(i);
      to_send += closure.blobs[i].size;
    } else {
      ++r.blobs_skipped;
    }
  }
  progress.phase("pushing to " + target.url(), to_send);
  std::atomic<std::uint64_t> sent{0};
  for_each_parallel(send.size(), options.jobs, [&](std::size_t k) {
    const auto& d = closure.blobs[send[k]];
    progress.item(short_digest(d.digest));
    backend->put_blob(target.repo, d, store.blob_path(d.digest), progress);
    sent += d.size;
    progress.item("");
  });
  r.bytes_sent = sent;
  r.blobs_sent = send.size();
  // Signatures first (a manifest with a subject is accepted before its subject exists), the
  // tag last.
  for (std::size_t i = 1; i < closure.manifests.size(); ++i) {
    const auto& m = closure.manifests[i].descriptor;
    backend->put_manifest(target.repo, Manifest{m.media_type, m.digest, store.read_blob(m.digest)}, "");
    ++r.signatures;
  }
  const auto& d = entry.descriptor;
  backend->put_manifest(target.repo, Manifest{d.media_type, d.digest, store.read_blob(d.digest)}, target.tag);
  log::info("pushed {} to {}: {} blobs sent, {} skipped", entry.ref, r.url, r.blobs_sent, r.blobs_skipped);
  return r;
}

}  // namespace mlops::remote
