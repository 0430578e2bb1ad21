// SPDX-License-Identifier: MIT
// Package tags for shell completion: index.json read as is. Store's constructor would create
// a missing store, and inspecting manifests would read blobs; a Tab must do neither.
#include "package/oci.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/package.hpp>

#include <algorithm>
#include <system_error>

namespace mlops::package {

std::vector<std::string> complete_refs(const stdfs::path& store) {
  std::vector<std::string> out;
  std::error_code ec;
  const stdfs::path index = store / "index.json";
  if (!stdfs::is_regular_file(index, ec) || stdfs::file_size(index, ec) > (64u << 20)) return out;
  std::string text;
  try {
    text = fs::read_file(index);
  } catch (const Error&) {
    return out;
  }
  const auto j = nlohmann::json::parse(text, nullptr, false);
  const auto m = j.is_object() ? j.find("manifests") : j.end();
  if (!j.is_object() || m == j.end() || !m->is_array()) return out;
  for (const auto& entry : *m) {
    const auto a = entry.is_object() ? entry.find("annotations") : entry.end();
    if (!entry.is_object() || a == entry.end() || !a->is_object()) continue;
    const auto ref = a->find(annotation::ref_name);
    if (ref != a->end() && ref->is_string() && !a->contains(annotation::subject)) out.push_back(ref->get<std::string>());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace mlops::package
