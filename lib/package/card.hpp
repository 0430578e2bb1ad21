// SPDX-License-Identifier: MIT
// The model card: a README-style Markdown page generated from the package metadata and
// lineage, shipped as a doc layer so registries and `unpack` show it.
#pragma once

#include "package/lineage.hpp"
#include "package/spec.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlops::package {

inline constexpr const char* k_model_card = "MODEL_CARD.md";

struct CardFile {
  std::string path, kind, digest;
  std::uint64_t size = 0;
};

// Deterministic: the same inputs give the same bytes (no build time, no host).
std::string model_card(const Spec& spec, const Lineage& lineage, const std::string& ref, const std::string& created,
                       const std::vector<CardFile>& files);

}  // namespace mlops::package
