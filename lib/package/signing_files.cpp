// SPDX-License-Identifier: MIT
#include "package/signing_files.hpp"

#include "core/fd.hpp"
#include "core/sha256.hpp"
#include "core/worker_pool.hpp"
#include "package/archive_io.hpp"
#include "package/c_libs.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <map>
#include <optional>
#include <system_error>

namespace mlops::package {

namespace {

constexpr std::size_t k_buffer = 1 << 20;

// What a layer's media type says about its content.
struct LayerKind {
  bool tar = false;
  std::string compression;  // "", "gzip" or "zstd"
};

std::optional<LayerKind> layer_kind(std::string_view media_type) {
  constexpr std::string_view prefix = "application/vnd.cncf.model.";
  if (media_type.substr(0, prefix.size()) != prefix) return std::nullopt;
  const auto v1 = media_type.find(".v1.", prefix.size());
  if (v1 == std::string_view::npos || v1 == prefix.size()) return std::nullopt;
  const std::string_view format = media_type.substr(v1 + 4);
  if (format == "raw") return LayerKind{false, ""};
  if (format == "tar") return LayerKind{true, ""};
  if (format == "tar+gzip") return LayerKind{true, "gzip"};
  if (format == "tar+zstd") return LayerKind{true, "zstd"};
  return std::nullopt;
}

// A path as the package unpacks it: relative, no empty, "." or ".." component. Tar writers
// spell the same path "./a", "a" or "a/" (directories); those are one name.
std::optional<std::string> file_name(std::string_view raw) {
  while (raw.substr(0, 2) == "./") raw.remove_prefix(2);
  while (!raw.empty() && raw.back() == '/') raw.remove_suffix(1);
  if (raw.empty() || raw.front() == '/') return std::nullopt;
  std::string_view rest = raw;
  while (true) {
    const auto slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (part.empty() || part == "." || part == "..") return std::nullopt;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return std::string(raw);
}

// A layer's problem, in the form every verification message takes.
std::string blob_problem(const Descriptor& layer, const std::string& label, const std::string& what) {
  return "blob " + layer.digest + " (" + printable(label) + "): " + what;
}

struct LayerResult {
  std::vector<PackageFile> files;
  std::vector<std::string> problems;
  std::exception_ptr error;  // an interruption, carried to the calling thread
};

void hash_raw(const Store& store, const Descriptor& layer, const std::set<std::string>& rehashed, const Progress& progress,
              LayerResult& out) {
  const auto name_it = layer.annotations.find(annotation::filepath);
  const std::string label = name_it != layer.annotations.end() ? name_it->get<std::string>() : std::string("raw layer");
  const auto name = name_it != layer.annotations.end() ? file_name(label) : std::nullopt;
  if (!name) {
    out.problems.push_back(blob_problem(layer, label, "raw layer without a valid " + std::string(annotation::filepath) + " annotation"));
    return;
  }
  if (rehashed.count(layer.digest) != 0) {
    out.files.push_back({*name, std::string(digest_hex(layer.digest)), layer.digest});
    return;
  }
  const stdfs::path path = store.blob_path(layer.digest);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    out.problems.push_back(
        blob_problem(layer, label, errno == ENOENT ? "missing from the store" : std::string("cannot read: ") + std::strerror(errno)));
    return;
  }
  Sha256 h;
  std::vector<char> buf(k_buffer);
  for (;;) {
    check_interrupted();
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      out.problems.push_back(blob_problem(layer, label, std::string("cannot read: ") + std::strerror(errno)));
      return;
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
    progress.advance(static_cast<std::uint64_t>(n));
  }
  const std::string hex = h.hex();
  if ("sha256:" + hex != layer.digest) out.problems.push_back(blob_problem(layer, label, "digest mismatch (its content changed)"));
  out.files.push_back({*name, hex, layer.digest});
}

// libarchive pulls the blob through this callback, which hashes every byte on the way, so a
// tar layer is read once for both its digest and its files. C callbacks must not throw:
// failures are recorded here and looked at after libarchive returns.
struct TarSource {
  int fd = -1;
  Sha256 hash;
  std::vector<char> buf = std::vector<char>(k_buffer);
  int read_errno = 0;
  bool interrupted = false;
  Progress progress;
};

la_ssize_t tar_read(struct archive*, void* data, const void** buffer) {
  auto* src = static_cast<TarSource*>(data);
  if (::mlops::interrupted()) {
    src->interrupted = true;
    return -1;
  }
  for (;;) {
    const ssize_t n = ::read(src->fd, src->buf.data(), src->buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      src->read_errno = errno;
      return -1;
    }
    src->hash.update(src->buf.data(), static_cast<std::size_t>(n));
    src->progress.advance(static_cast<std::uint64_t>(n));
    *buffer = src->buf.data();
    return n;
  }
}

void hash_tar(const Store& store, const Descriptor& layer, const LayerKind& kind, const Progress& progress, LayerResult& out) {
  const auto label_it = layer.annotations.find(annotation::filepath);
  const std::string label = label_it != layer.annotations.end() ? label_it->get<std::string>() : layer.media_type;
  const stdfs::path path = store.blob_path(layer.digest);
  TarSource src;
  src.progress = progress;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    out.problems.push_back(
        blob_problem(layer, label, errno == ENOENT ? "missing from the store" : std::string("cannot read: ") + std::strerror(errno)));
    return;
  }
  src.fd = fd.get();
  const Utf8Locale utf8;
  ArchiveReadPtr a(archive_read_new());
  if (!a) throw Error(ErrorKind::internal, "libarchive: out of memory");
  // Only the filter the media type names: a blob compressed otherwise is not that layer.
  int rc = archive_read_support_format_tar(a.get());
  if (rc == ARCHIVE_OK && kind.compression == "gzip") rc = archive_read_support_filter_gzip(a.get());
  if (rc == ARCHIVE_OK && kind.compression == "zstd") rc = archive_read_support_filter_zstd(a.get());
  if (rc != ARCHIVE_OK) throw Error(ErrorKind::internal, "cannot read " + kind.compression + " tar layers: " + archive_message(a.get()));
  auto fail = [&](const std::string& what) {
    if (src.interrupted) check_interrupted();
    std::string why = what;
    if (src.read_errno != 0) {
      why += std::string(": ") + std::strerror(src.read_errno);
    } else {
      why += ": " + archive_message(a.get());
    }
    out.problems.push_back(blob_problem(layer, label, why));
    out.files.clear();
  };
  if (archive_read_open2(a.get(), &src, nullptr, &tar_read, nullptr, nullptr) != ARCHIVE_OK) {
    fail("not a readable " + std::string(kind.compression.empty() ? "tar" : "tar+" + kind.compression));
    return;
  }
  std::map<std::string, std::string> digests;  // of this layer's files, for hard links
  std::vector<char> data(k_buffer);
  for (;;) {
    archive_entry* e = nullptr;
    const int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) {
      fail("cannot read the tar");
      return;
    }
    std::string raw, target;
    try {
      raw = entry_pathname(e, "entry");
      target = entry_hardlink(e, "entry '" + printable(raw) + "'");
    } catch (const Error& err) {
      out.problems.push_back(blob_problem(layer, label, err.what()));
      out.files.clear();
      return;
    }
    const auto name = file_name(raw);
    if (!name) {
      out.problems.push_back(blob_problem(layer, label, "entry '" + printable(raw) + "' has an unsafe path"));
      out.files.clear();
      return;
    }
    const auto type = archive_entry_filetype(e);
    if (!target.empty()) {
      // A hard link carries no data: it is another name for a file earlier in the layer.
      const auto t = file_name(target);
      const auto it = t ? digests.find(*t) : digests.end();
      if (it == digests.end()) {
        out.problems.push_back(
            blob_problem(layer, label, "hard link " + printable(*name) + " to '" + printable(target) + "', which is not an earlier file"));
        out.files.clear();
        return;
      }
      digests[*name] = it->second;
      out.files.push_back({*name, it->second, layer.digest});
      continue;
    }
    if (type == AE_IFDIR || type == AE_IFLNK) continue;
    if (type != AE_IFREG) {
      out.problems.push_back(blob_problem(layer, label, "entry " + printable(*name) + " is neither a file, a directory nor a symlink"));
      out.files.clear();
      return;
    }
    Sha256 h;
    for (;;) {
      const la_ssize_t n = archive_read_data(a.get(), data.data(), data.size());
      if (n == 0) break;
      if (n < 0) {
        fail("cannot read " + *name);
        return;
      }
      h.update(data.data(), static_cast<std::size_t>(n));
    }
    const std::string hex = h.hex();
    digests[*name] = hex;
    out.files.push_back({*name, hex, layer.digest});
  }
  // Whatever libarchive left unread (end-of-archive padding) is part of the blob too.
  const void* ignored = nullptr;
  for (;;) {
    const la_ssize_t n = tar_read(a.get(), &src, &ignored);
    if (n == 0) break;
    if (n < 0) {
      fail("cannot read");
      return;
    }
  }
  if ("sha256:" + src.hash.hex() != layer.digest)
    out.problems.push_back(blob_problem(layer, label, "digest mismatch (its content changed)"));
}

void hash_layer(const Store& store, const nlohmann::json& j, std::size_t index, const std::set<std::string>& rehashed,
                const Progress& progress, LayerResult& out) {
  try {
    const Descriptor layer = parse_descriptor(j, "layer " + std::to_string(index + 1) + " of the package manifest");
    const auto kind = layer_kind(layer.media_type);
    if (!kind) {
      out.problems.push_back("blob " + layer.digest + ": media type " + layer.media_type + " is not a model layer");
      return;
    }
    if (kind->tar) {
      hash_tar(store, layer, *kind, progress, out);
    } else {
      hash_raw(store, layer, rehashed, progress, out);
    }
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) {
      out.error = std::current_exception();
    } else {
      out.problems.push_back(e.what());
    }
  } catch (...) {
    out.error = std::current_exception();
  }
}

}  // namespace

PackageContent package_files(const Store& store, const nlohmann::json& manifest, const std::set<std::string>& rehashed,
                             const Progress& progress) {
  PackageContent content;
  const auto layers = manifest.is_object() ? manifest.find("layers") : manifest.end();
  if (!manifest.is_object() || layers == manifest.end() || !layers->is_array()) {
    content.problems.push_back("the package manifest has no layers");
    return content;
  }
  std::uint64_t total = 0;
  for (const auto& l : *layers) {
    const auto d = l.find("digest");
    const auto size = l.find("size");
    if (d != l.end() && d->is_string() && rehashed.count(d->get<std::string>()) != 0) {
      const auto mt = l.find("mediaType");
      if (mt == l.end() || !mt->is_string() || mt->get<std::string>().find(".tar") == std::string::npos) continue;  // raw: not read again
    }
    if (size != l.end() && size->is_number_unsigned()) total += size->get<std::uint64_t>();
  }
  progress.phase("hashing files", total);
  std::vector<LayerResult> results(layers->size());
  parallel_for(results.size(), [&](std::size_t i, unsigned) {
    hash_layer(store, (*layers)[i], i, rehashed, progress, results[i]);
    if (results[i].error) std::rethrow_exception(results[i].error);  // an interruption: stop the others
  });
  std::map<std::string, std::string> seen;  // name → blob, to catch a file given twice
  for (auto& r : results) {
    if (r.error) std::rethrow_exception(r.error);
    content.problems.insert(content.problems.end(), r.problems.begin(), r.problems.end());
    for (auto& f : r.files) {
      if (const auto [it, fresh] = seen.emplace(f.name, f.blob); !fresh) {
        content.problems.push_back("blob " + f.blob + " (" + f.name + "): the file is also in blob " + it->second);
        continue;
      }
      content.files.push_back(std::move(f));
    }
  }
  std::sort(content.files.begin(), content.files.end(), [](const PackageFile& a, const PackageFile& b) { return a.name < b.name; });
  return content;
}

std::string files_digest(const std::vector<PackageFile>& files) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  Sha256 h;
  for (const auto& f : files) {
    if (f.sha256.size() != 64) throw Error(ErrorKind::invalid_input, "file " + f.name + ": '" + f.sha256 + "' is not a sha256 digest");
    unsigned char raw[32];
    for (std::size_t i = 0; i < 32; ++i) {
      const int hi = nibble(f.sha256[2 * i]), lo = nibble(f.sha256[2 * i + 1]);
      if (hi < 0 || lo < 0) throw Error(ErrorKind::invalid_input, "file " + f.name + ": '" + f.sha256 + "' is not a sha256 digest");
      raw[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    h.update(raw, sizeof raw);
  }
  return h.hex();
}

}  // namespace mlops::package
