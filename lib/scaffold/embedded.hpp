// SPDX-License-Identifier: MIT
// The built-in templates, compiled into libmlops by tools/embed_templates.cpp.
#pragma once

#include <cstddef>
#include <string_view>

namespace mlops::scaffold::embedded {

struct Entry {
  std::string_view path;  // "<template>/<path inside it>"
  std::string_view data;  // bytes, or the link target
  bool executable;
  bool symlink;
};

extern const Entry k_entries[];
extern const std::size_t k_count;

// name, version and summary of each built-in, read from its manifest at build time.
struct Summary {
  std::string_view name;
  std::string_view version;
  std::string_view summary;
};
extern const Summary k_catalog[];
extern const std::size_t k_catalog_count;

}  // namespace mlops::scaffold::embedded
