// SPDX-License-Identifier: MIT
// Which layers a filter selects: `package unpack --filter` and `pull --only` take the same
// words: model, datasets, code, docs, or a glob on package paths (fnmatch(3) without
// FNM_PATHNAME or FNM_PERIOD: `*` spans '/'; a glob matching a directory selects everything
// below it).
#pragma once

#include <mlops/error.hpp>

#include <fnmatch.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::package {

struct LayerType {
  std::string kind;  // weight, weight.config, dataset, code, doc (others are unpacked too)
  bool tar = false;
  std::string compression;  // "", "gzip" or "zstd"
};

// application/vnd.cncf.model.<kind>.v1.<raw|tar|tar+gzip|tar+zstd>
inline std::optional<LayerType> parse_layer_type(std::string_view mt) {
  constexpr std::string_view prefix = "application/vnd.cncf.model.";
  if (mt.substr(0, prefix.size()) != prefix) return std::nullopt;
  mt.remove_prefix(prefix.size());
  const auto v = mt.rfind(".v1.");
  if (v == std::string_view::npos || v == 0) return std::nullopt;
  LayerType t;
  t.kind = std::string(mt.substr(0, v));
  const std::string_view format = mt.substr(v + 4);
  if (format == "raw") return t;
  t.tar = true;
  if (format == "tar") return t;
  if (format == "tar+gzip") t.compression = "gzip";
  else if (format == "tar+zstd") t.compression = "zstd";
  else return std::nullopt;
  return t;
}

inline bool glob_matches(const std::string& glob, std::string_view path) {
  const std::string p(path);
  if (::fnmatch(glob.c_str(), p.c_str(), 0) == 0) return true;
  for (auto slash = p.rfind('/'); slash != std::string::npos && slash > 0; slash = p.rfind('/', slash - 1)) {
    if (::fnmatch(glob.c_str(), p.substr(0, slash).c_str(), 0) == 0) return true;
  }
  return false;
}

class Selection {
 public:
  explicit Selection(const std::vector<std::string>& filters) {
    for (const auto& f : filters) {
      if (f == "model" || f == "models") {
        m_kinds.insert("weight");
        m_kinds.insert("weight.config");
      } else if (f == "datasets" || f == "dataset") {
        m_kinds.insert("dataset");
      } else if (f == "code") {
        m_kinds.insert("code");
      } else if (f == "docs" || f == "doc") {
        m_kinds.insert("doc");
      } else {
        std::string g = f;
        while (g.size() > 1 && g.back() == '/') g.pop_back();
        while (g.substr(0, 2) == "./" && g.size() > 2) g.erase(0, 2);
        if (g.empty() || g == "/") {
          throw Error(ErrorKind::usage, "empty --filter", "give model, datasets, code, docs or a glob on package paths");
        }
        m_globs.push_back(std::move(g));
      }
    }
    m_everything = filters.empty();
  }

  bool whole_layer(const LayerType& t, const std::string& filepath) const {
    if (m_everything || m_kinds.contains(t.kind)) return true;
    return std::any_of(m_globs.begin(), m_globs.end(), [&](const std::string& g) { return glob_matches(g, filepath); });
  }
  bool entry(std::string_view path) const {
    return std::any_of(m_globs.begin(), m_globs.end(), [&](const std::string& g) { return glob_matches(g, path); });
  }
  bool has_globs() const { return !m_globs.empty(); }
  bool everything() const { return m_everything; }
  // A tar layer (a directory) may hold entries a glob selects: the glob could match a path
  // below `dir` (it starts with the directory's path, or with a wildcard).
  bool may_select_inside(const std::string& dir) const {
    return std::any_of(m_globs.begin(), m_globs.end(), [&](const std::string& g) {
      const auto wild = g.find_first_of("*?[");
      const std::string_view literal = std::string_view(g).substr(0, wild);
      const std::string prefix = dir + "/";
      return literal.size() >= prefix.size() ? literal.substr(0, prefix.size()) == prefix
                                             : prefix.substr(0, literal.size()) == literal && wild != std::string::npos;
    });
  }

 private:
  std::set<std::string> m_kinds;
  std::vector<std::string> m_globs;
  bool m_everything = true;
};

}  // namespace mlops::package
