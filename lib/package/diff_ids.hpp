// SPDX-License-Identifier: MIT
// The ModelPack config lists every layer's uncompressed digest (modelfs.diffIds). verify and
// import check them against the layers: a config that disagrees is a corrupt package, even
// when every blob matches its own digest.
#pragma once

#include "package/oci.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::package {

// "" for an uncompressed layer (raw, tar, anything without a +suffix), "gzip" or "zstd";
// nullopt for a compression we cannot read (+lz4, ...).
std::optional<std::string> layer_compression(std::string_view media_type);

// A compressed layer may expand to at most this many times its size, plus the slack: gzip
// cannot go much beyond 1000:1, and a hostile zstd layer could otherwise run for terabytes.
inline constexpr std::uint64_t k_max_expansion_ratio = 1024;
inline constexpr std::uint64_t k_expansion_slack = 1ull << 30;

// The sha256 of a compressed stream's content, fed the compressed bytes as they are read.
// Error{invalid_input} naming `what` when the stream is not valid (or ends early), or
// expands past the limit above.
class DiffHasher {
 public:
  DiffHasher(const std::string& compression, std::string what, std::uint64_t max_ratio = k_max_expansion_ratio,
             std::uint64_t slack = k_expansion_slack);
  ~DiffHasher();
  DiffHasher(const DiffHasher&) = delete;
  DiffHasher& operator=(const DiffHasher&) = delete;
  void update(const void* data, std::size_t size);
  std::string finish();  // "sha256:<hex>"

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The diff ids the config promises, one per layer. nullopt when the config is not a
// ModelPack config (nothing to check); `problem` is set when it is one whose modelfs is
// malformed or lists another number of layers.
std::optional<std::vector<std::string>> config_diff_ids(const Descriptor& config, const nlohmann::json& config_json, std::size_t layers,
                                                        std::string& problem);

}  // namespace mlops::package
