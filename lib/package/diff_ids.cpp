// SPDX-License-Identifier: MIT
#include "package/diff_ids.hpp"

#include "core/sha256.hpp"
#include "package/archive_io.hpp"
#include "package/c_libs.hpp"

#include <mlops/error.hpp>

#include <vector>

namespace mlops::package {

std::optional<std::string> layer_compression(std::string_view media_type) {
  const auto plus = media_type.rfind('+');
  if (plus == std::string_view::npos) return std::string();
  const std::string_view suffix = media_type.substr(plus + 1);
  if (suffix == "gzip" || suffix == "zstd") return std::string(suffix);
  // "+json" and the like name a structured suffix, not a compression.
  if (suffix == "json") return std::string();
  return std::nullopt;
}

struct DiffHasher::Impl {
  std::string compression, what;
  std::vector<char> out = std::vector<char>(1u << 20);
  z_stream z{};
  bool z_open = false;
  bool z_ended = false;  // the last gzip member is complete
  ZSTD_DCtx* zstd = nullptr;
  std::size_t zstd_left = 0;  // != 0: a frame is not complete yet
  bool any = false;
  std::uint64_t in_bytes = 0, out_bytes = 0, max_ratio = 0, slack = 0;

  [[noreturn]] void bad(const std::string& why) const { throw Error(ErrorKind::invalid_input, what + ": " + why); }
  void hash(const char* data, std::size_t n) {
    out_bytes += n;
    if (out_bytes > in_bytes * max_ratio + slack) {
      bad("it expands more than " + std::to_string(max_ratio) + " times: refused as a decompression bomb");
    }
    hash_update(data, n);
  }
  void hash_update(const char* data, std::size_t n) { hashed.update(data, n); }
  Sha256 hashed;
};

DiffHasher::DiffHasher(const std::string& compression, std::string what, std::uint64_t max_ratio, std::uint64_t slack)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->max_ratio = max_ratio;
  m_impl->slack = slack;
  m_impl->compression = compression;
  m_impl->what = std::move(what);
  if (compression == "gzip") {
    if (inflateInit2(&m_impl->z, 15 + 16) != Z_OK) throw Error(ErrorKind::internal, "cannot initialise gzip decompression");
    m_impl->z_open = true;
  } else if (compression == "zstd") {
    m_impl->zstd = ZSTD_createDCtx();  // its default window limit (128 MiB) bounds memory
    if (m_impl->zstd == nullptr) throw Error(ErrorKind::internal, "cannot create a zstd context");
  }
}

DiffHasher::~DiffHasher() {
  if (m_impl->z_open) inflateEnd(&m_impl->z);
  if (m_impl->zstd != nullptr) ZSTD_freeDCtx(m_impl->zstd);
}

void DiffHasher::update(const void* data, std::size_t size) {
  Impl& m = *m_impl;
  if (size == 0) return;
  m.any = true;
  m.in_bytes += size;
  if (m.compression.empty()) {
    m.hash_update(static_cast<const char*>(data), size);
    return;
  }
  if (m.zstd != nullptr) {
    ZSTD_inBuffer in{data, size, 0};
    while (in.pos < in.size) {
      ZSTD_outBuffer out{m.out.data(), m.out.size(), 0};
      const std::size_t rc = ZSTD_decompressStream(m.zstd, &out, &in);
      if (ZSTD_isError(rc)) m.bad(std::string("not a valid zstd stream: ") + ZSTD_getErrorName(rc));
      m.hash(m.out.data(), out.pos);
      m.zstd_left = rc;
    }
    return;
  }
  m.z.next_in = static_cast<Bytef*>(const_cast<void*>(data));
  m.z.avail_in = static_cast<uInt>(size);
  while (m.z.avail_in > 0) {
    if (m.z_ended) {
      // Another gzip member follows (gzip allows several, concatenated).
      if (inflateReset(&m.z) != Z_OK) m.bad("not a valid gzip stream");
      m.z_ended = false;
    }
    m.z.next_out = reinterpret_cast<Bytef*>(m.out.data());
    m.z.avail_out = static_cast<uInt>(m.out.size());
    const int rc = inflate(&m.z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      m.bad(std::string("not a valid gzip stream") + (m.z.msg != nullptr ? std::string(": ") + printable(m.z.msg) : ""));
    }
    m.hash(m.out.data(), m.out.size() - m.z.avail_out);
    if (rc == Z_STREAM_END) m.z_ended = true;
    if (rc == Z_BUF_ERROR && m.z.avail_out != 0) break;  // needs more input
  }
}

std::string DiffHasher::finish() {
  Impl& m = *m_impl;
  if (m.compression == "gzip") {
    // Flush what inflate still holds for the output buffer.
    for (;;) {
      if (m.z_ended || !m.any) break;
      m.z.next_in = nullptr;
      m.z.avail_in = 0;
      m.z.next_out = reinterpret_cast<Bytef*>(m.out.data());
      m.z.avail_out = static_cast<uInt>(m.out.size());
      const int rc = inflate(&m.z, Z_FINISH);
      m.hash(m.out.data(), m.out.size() - m.z.avail_out);
      if (rc == Z_STREAM_END) {
        m.z_ended = true;
        break;
      }
      if (m.z.avail_out != 0) m.bad("the gzip stream ends early");
    }
    if (!m.z_ended) m.bad("the gzip stream ends early");
  } else if (m.compression == "zstd") {
    if (!m.any || m.zstd_left != 0) m.bad("the zstd stream ends early");
  }
  return "sha256:" + m.hashed.hex();
}

std::optional<std::vector<std::string>> config_diff_ids(const Descriptor& config, const nlohmann::json& config_json, std::size_t layers,
                                                        std::string& problem) {
  problem.clear();
  if (config.media_type != media::model_config) return std::nullopt;
  std::vector<std::string> out;
  const auto fs = config_json.is_object() ? config_json.find("modelfs") : config_json.end();
  if (fs == config_json.end() || !fs->is_object()) {
    problem = "the config has no modelfs";
    return out;
  }
  const auto ids = fs->find("diffIds");
  if (ids == fs->end() || !ids->is_array()) {
    problem = "the config has no modelfs.diffIds";
    return out;
  }
  for (const auto& id : *ids) {
    if (!id.is_string() || !is_digest(id.get<std::string>())) {
      problem = "the config's modelfs.diffIds holds something that is not a sha256 digest";
      return out;
    }
    out.push_back(id.get<std::string>());
  }
  if (out.size() != layers) {
    problem = "the config's modelfs.diffIds lists " + std::to_string(out.size()) + " diff ids for " + std::to_string(layers) +
              (layers == 1 ? " layer" : " layers");
  }
  return out;
}

}  // namespace mlops::package
