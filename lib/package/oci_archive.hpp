// SPDX-License-Identifier: MIT
// OCI archive export and import (oci-layout tarballs); the limits of an import, for tests.
#pragma once

#include <mlops/package.hpp>
#include <mlops/progress.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mlops::package {

struct ImportLimits {
  // Blobs up to this size that arrive before index.json says what they are are kept in
  // memory (they may be manifests or configs), up to `small_budget` in all.
  std::uint64_t small_blob = 4u << 20;
  std::uint64_t small_budget = 64u << 20;
  // A compressed tarball may expand to this many times its size, plus the slack, per pass.
  std::uint64_t expansion_ratio = 1024;
  std::uint64_t expansion_slack = 1ull << 30;
};

std::vector<std::string> import_tar(const std::filesystem::path& store, const std::filesystem::path& file, const Progress& progress,
                                    const ImportLimits& limits);

}  // namespace mlops::package
