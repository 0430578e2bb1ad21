// SPDX-License-Identifier: MIT
// Tags set on a remote without moving a blob: `mlops model promote --remote` points the alias
// (prod) at a package the remote already holds, and `model list --remote` reads them back.
#include "core/log.hpp"
#include "core/url.hpp"
#include "package/closure.hpp"
#include "package/store.hpp"
#include "remote/schemes.hpp"
#include "remote/transfer.hpp"

#include <mlops/error.hpp>
#include <mlops/remote.hpp>

#include <algorithm>

namespace mlops::remote {

namespace {

Target tag_target(const std::string& url, const std::string& name, const std::string& tag) {
  if (!package::valid_tag(tag)) throw Error(ErrorKind::usage, "'" + escape_controls(tag) + "' cannot be a tag on a remote");
  Target t = push_target(url, name, tag);
  // A URL that ends in a tag names the repository; the tag is ours to choose.
  t.tag = tag;
  return t;
}

std::unique_ptr<Backend> open_for(const Target& t, const stdfs::path& store_root, const TransferOptions& o) {
  return open_backend(t.location, backend_options(store_root / "mlops", o));
}

}  // namespace

RemoteTagResult tag_remote(const stdfs::path& store_root, const std::string& ref, const std::string& url, const std::string& tag,
                           const std::vector<std::string>& may_replace, const TransferOptions& options) {
  const package::Store store(store_root, package::StoreAccess::read);
  const auto lock = store.gc_lock_for_reading();
  const package::IndexEntry entry = store.resolve(ref);
  if (entry.ref.empty()) {
    throw Error(ErrorKind::usage, "'" + escape_controls(ref) + "' names an untagged package",
                "tag it first: mlops package tag " + escape_controls(ref) + " NAME:TAG");
  }
  const package::Reference local = package::parse_reference(entry.ref);
  const Target target = tag_target(url, local.name, tag);
  const Target pushed = push_target(url, local.name, local.tag);
  auto backend = open_for(target, store_root, options);
  const std::string digest = entry.descriptor.digest;

  // The remote must hold the whole package, signatures included: a tag on a manifest whose
  // blobs are missing would hand whoever pulls the alias a broken or unsigned package.
  // Pushing it here would make a promotion upload gigabytes unasked; the hint says how.
  const package::Closure closure = package::package_closure(store, entry);
  std::string missing;
  for (const auto& m : closure.manifests) {
    const auto got = backend->get_manifest(target.repo, m.descriptor.digest);
    if (!got || got->digest != m.descriptor.digest) {
      missing = m.ref.empty() ? "its signature " + short_digest(m.descriptor.digest) : "its manifest";
      break;
    }
  }
  if (missing.empty()) {
    std::vector<char> absent(closure.blobs.size(), 0);
    for_each_parallel(closure.blobs.size(), options.jobs, [&](std::size_t i) {
      const auto size = backend->stat_blob(target.repo, closure.blobs[i].digest);
      absent[i] = !size || *size != closure.blobs[i].size;
    });
    if (const auto it = std::find(absent.begin(), absent.end(), 1); it != absent.end())
      missing = "blob " + short_digest(closure.blobs[static_cast<std::size_t>(it - absent.begin())].digest);
  }
  if (!missing.empty()) {
    throw Error(ErrorKind::not_found,
                "the remote " + strip_url_credentials(url) + " does not hold " + entry.ref + " (" + short_digest(digest) + "): " + missing +
                    " is missing there",
                "push it first: mlops push " + entry.ref + " " + strip_url_credentials(url) + " (then promote again)");
  }

  RemoteTagResult r;
  r.url = target.url();
  r.digest = digest;
  r.package_url = pushed.url();
  if (const auto now = backend->get_manifest(target.repo, tag)) {
    r.previous = now->digest;
    if (now->digest != digest && std::find(may_replace.begin(), may_replace.end(), now->digest) == may_replace.end()) {
      throw Error(ErrorKind::conflict,
                  target.url() + " points at " + short_digest(now->digest) +
                      ", which this alias never pointed at here (a version tag of that name, or a promotion made elsewhere)",
                  "fetch the promotions made elsewhere (git fetch origin 'refs/mlops/aliases/*:refs/mlops/aliases/*'), "
                  "or choose an alias name that is not a version tag");
    }
  }
  const auto& d = entry.descriptor;
  backend->put_manifest(target.repo, Manifest{d.media_type, d.digest, store.read_blob(d.digest)}, tag);
  log::info("tagged {} as {}", entry.ref, r.url);
  return r;
}

RemoteTag remote_tag(const stdfs::path& store_root, const std::string& url, const std::string& name, const std::string& tag,
                     const TransferOptions& options) {
  const Target target = tag_target(url, name, tag);
  auto backend = open_for(target, store_root, options);
  RemoteTag r;
  r.url = target.url();
  if (const auto m = backend->get_manifest(target.repo, tag)) r.digest = m->digest;
  return r;
}

}  // namespace mlops::remote
