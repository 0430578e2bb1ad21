// SPDX-License-Identifier: MIT
// mlops copy SRC DST: a package from one remote to another. Each blob the destination lacks
// goes through a temporary file (put_blob re-reads a file on every retry), verified against
// its digest before it is sent; signatures, then the manifest under its tag, last.
#include "core/fd.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "remote/schemes.hpp"
#include "remote/transfer.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/remote.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>

namespace mlops::remote {

CopyResult copy(const std::string& source_url, const std::string& destination_url, const TransferOptions& options) {
  return copy(source_url, destination_url, options, options);
}

CopyResult copy(const std::string& source_url, const std::string& destination_url, const TransferOptions& options,
                const TransferOptions& destination_options) {
  const Progress progress(options.progress);
  const Target source = package_target(source_url);
  const Target destination = push_target(destination_url, source.repo, source.tag.empty() ? "latest" : source.tag);
  const fs::TempDir temp({}, "mlops-copy-");
  auto from = open_backend(source.location, backend_options(temp.path(), options));
  TransferOptions to_options = destination_options;
  to_options.jobs = options.jobs;
  auto to = open_backend(destination.location, backend_options(temp.path(), to_options));
  const RemotePackage package = read_remote_package(*from, source);
  const auto blobs = package.blobs();

  CopyResult r;
  r.source = source.url();
  r.destination = destination.url();
  r.digest = package.manifest.descriptor.digest;
  std::vector<char> missing(blobs.size(), 0);
  // Within one remote, a blob another repository holds is mounted (OCI cross-repository
  // mount, a server-side copy) rather than sent through here.
  const bool same_remote = source.location.scheme == destination.location.scheme && source.location.host == destination.location.host &&
                           source.location.path == destination.location.path && source.location.scheme != "file";
  for_each_parallel(blobs.size(), options.jobs, [&](std::size_t i) {
    const auto size = to->stat_blob(destination.repo, blobs[i].digest);
    missing[i] = !size || *size != blobs[i].size;
    if (missing[i] != 0 && same_remote && source.repo != destination.repo &&
        to->mount_blob(destination.repo, source.repo, blobs[i].digest)) {
      missing[i] = 0;
    }
  });
  std::vector<std::size_t> send;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    if (missing[i] != 0) {
      send.push_back(i);
      total += blobs[i].size;
    } else {
      ++r.blobs_skipped;
    }
  }
  progress.phase("copying to " + destination.url(), total * 2);
  std::atomic<std::uint64_t> copied{0};
  for_each_parallel(send.size(), options.jobs, [&](std::size_t k) {
    const auto& d = blobs[send[k]];
    progress.item(short_digest(d.digest));
    const stdfs::path file = temp.path() / std::string(package::digest_hex(d.digest));
    {
      Fd out(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
      if (!out) throw_errno("cannot create " + file.string());
      Sha256 hash;
      std::uint64_t got = 0;
      from->get_blob(
          source.repo, d, 0,
          [&](const char* data, std::size_t n) {
            got += n;
            if (got > d.size)
              throw Error(ErrorKind::invalid_input, "blob " + d.digest + " from " + source.url() + " is bigger than its descriptor says");
            hash.update(data, n);
            write_all(out.get(), data, n, file.string());
          },
          progress);
      if (got != d.size || "sha256:" + hash.hex() != d.digest) {
        throw Error(ErrorKind::invalid_input, "blob " + d.digest + " from " + source.url() + " does not match its digest",
                    "the source's copy is corrupt; nothing was sent");
      }
      out.close(file.string());
    }
    to->put_blob(destination.repo, d, file, progress);
    ::unlink(file.c_str());
    copied += d.size;
    progress.item("");
  });
  r.bytes_copied = copied;
  r.blobs_copied = send.size();
  for (const auto& s : package.signatures) {
    to->put_manifest(destination.repo, Manifest{s.descriptor.media_type, s.descriptor.digest, s.bytes}, "");
    ++r.signatures;
  }
  const auto& m = package.manifest;
  to->put_manifest(destination.repo, Manifest{m.descriptor.media_type, m.descriptor.digest, m.bytes}, destination.tag);
  log::info("copied {} to {}", r.source, r.destination);
  return r;
}

}  // namespace mlops::remote
