// SPDX-License-Identifier: MIT
#include "remote/transfer.hpp"

#include "core/worker_pool.hpp"
#include "package/closure.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/remote.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

namespace mlops::remote {

std::string short_digest(std::string_view digest) { return std::string(digest.substr(0, 19)); }

unsigned default_jobs() { return 4; }

unsigned jobs_or_default(unsigned jobs) { return jobs == 0 ? default_jobs() : std::min(jobs, 64u); }

void for_each_parallel(std::size_t n, unsigned jobs, const std::function<void(std::size_t)>& fn) {
  PoolOptions pool;
  pool.threads = jobs_or_default(jobs);
  parallel_for(
      n, [&](std::size_t i, unsigned) { fn(i); }, pool);
}

Options backend_options(const std::filesystem::path& state_dir, const TransferOptions& t) {
  Options o;
  o.state_dir = state_dir;
  o.jobs = jobs_or_default(t.jobs);
  o.ca_file = t.ca_file;
  o.plain_http = t.plain_http;
  o.endpoint = t.endpoint;
  o.region = t.region;
  return o;
}

namespace {

bool safe_layer_path(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.size() > 4096) return false;
  std::size_t start = 0;
  for (;;) {
    const auto slash = p.find('/', start);
    const std::string_view part = p.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return std::none_of(p.begin(), p.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\'; });
}

RemoteManifest checked_manifest(const Manifest& m, const std::string& what) {
  if (m.bytes.size() > k_max_manifest_bytes) {
    throw Error(ErrorKind::invalid_input, what + " is " + std::to_string(m.bytes.size()) + " bytes, over the " +
                                              std::to_string(k_max_manifest_bytes) + " a manifest may have");
  }
  RemoteManifest r;
  r.bytes = m.bytes;
  r.descriptor.digest = m.digest;
  r.descriptor.size = m.bytes.size();
  const auto j = nlohmann::json::parse(m.bytes, nullptr, false);
  if (!j.is_object()) throw Error(ErrorKind::invalid_input, what + " is not a JSON object");
  const auto mt = j.find("mediaType");
  const std::string media_type = mt != j.end() && mt->is_string() ? mt->get<std::string>() : m.media_type;
  if (media_type == package::media::index) {
    throw Error(ErrorKind::invalid_input, what + " is an image index (several images), not a package manifest");
  }
  if (!media_type.empty() && media_type != package::media::manifest) {
    throw Error(ErrorKind::invalid_input, what + " has the media type '" + escape_controls(media_type) + "', not an OCI image manifest");
  }
  r.descriptor.media_type = package::media::manifest;
  if (const auto at = j.find("artifactType"); at != j.end() && at->is_string()) r.descriptor.artifact_type = *at;
  r.blobs = package::manifest_blobs(m.bytes, what);
  for (std::size_t i = 0; i < r.blobs.size(); ++i) {
    const auto& d = r.blobs[i];
    const std::string which = i == 0 ? "the config of " + what : "layer " + std::to_string(i) + " of " + what;
    if (i == 0 && d.size > package::k_max_json_blob) {
      throw Error(ErrorKind::invalid_input, which + " is " + std::to_string(d.size) + " bytes, too large for a config");
    }
    if (d.size > k_max_blob_bytes) {
      throw Error(ErrorKind::invalid_input, which + " claims " + std::to_string(d.size) + " bytes, more than the 1 TiB mlops accepts");
    }
    for (const char* key : {package::annotation::filepath, package::annotation::title}) {
      const auto a = d.annotations.find(key);
      if (a == d.annotations.end()) continue;
      if (!safe_layer_path(a->get_ref<const std::string&>())) {
        throw Error(ErrorKind::invalid_input, which + " has the path '" + escape_controls(a->get<std::string>()) +
                                                  "': not a relative path inside the package (no '..', no leading '/')");
      }
    }
  }
  return r;
}

}  // namespace

std::vector<package::Descriptor> RemotePackage::blobs() const {
  std::vector<package::Descriptor> out;
  std::set<std::string> seen;
  auto add = [&](const RemoteManifest& m) {
    for (const auto& d : m.blobs) {
      if (seen.insert(d.digest).second) out.push_back(d);
    }
  };
  add(manifest);
  for (const auto& s : signatures) add(s);
  return out;
}

RemotePackage read_remote_package(Backend& backend, const Target& target) {
  RemotePackage p;
  const auto m = backend.get_manifest(target.repo, target.reference());
  if (!m) {
    throw Error(ErrorKind::not_found, "the remote has no package " + target.url(), "'mlops push REF " + target.url() + "' puts one there");
  }
  const std::string what = "the manifest of " + target.url();
  if (!target.digest.empty() && m->digest != target.digest) {
    throw Error(ErrorKind::invalid_input, what + " hashes to " + m->digest + ", not to the digest asked for");
  }
  p.manifest = checked_manifest(*m, what);
  const auto refs = backend.referrers(target.repo, p.manifest.descriptor.digest);
  if (refs.size() > k_max_referrers) {
    throw Error(ErrorKind::invalid_input, target.url() + " has more than " + std::to_string(k_max_referrers) + " referrers");
  }
  std::set<std::string> seen;
  std::uint64_t referrer_bytes = 0;
  for (const auto& r : refs) {
    if (!package::is_digest(r.digest) || !seen.insert(r.digest).second) continue;
    const std::string rwhat = "referrer " + short_digest(r.digest) + " of " + target.url();
    if (r.size > k_max_manifest_bytes)
      throw Error(ErrorKind::invalid_input, rwhat + " is over " + std::to_string(k_max_manifest_bytes) + " bytes");
    const auto sm = backend.get_manifest(target.repo, r.digest);
    if (!sm) continue;  // listed but gone: nothing to carry
    if (sm->digest != r.digest) throw Error(ErrorKind::invalid_input, rwhat + " does not hash to its digest");
    RemoteManifest s = checked_manifest(*sm, rwhat);
    const auto j = nlohmann::json::parse(s.bytes, nullptr, false);
    const auto subject = j.find("subject");
    if (subject == j.end() || !subject->is_object() ||
        package::parse_descriptor(*subject, rwhat + " subject").digest != p.manifest.descriptor.digest) {
      throw Error(ErrorKind::invalid_input, rwhat + " does not name the package as its subject");
    }
    // Signatures are small: their blobs together may not make a hostile remote's referrers
    // a way to fill the disk.
    for (const auto& d : s.blobs) {
      referrer_bytes += d.size;
      if (referrer_bytes > k_max_referrer_bytes) {
        throw Error(ErrorKind::invalid_input, "the referrers of " + target.url() + " hold more than " +
                                                  std::to_string(k_max_referrer_bytes >> 20) + " MiB of blobs: not signatures");
      }
    }
    p.signatures.push_back(std::move(s));
  }
  return p;
}

}  // namespace mlops::remote
