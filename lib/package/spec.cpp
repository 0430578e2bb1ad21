// SPDX-License-Identifier: MIT
#include "package/spec.hpp"

#include "config/project.hpp"
#include "core/json.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <yaml-cpp/yaml.h>
#include "core/yaml_limits.hpp"

#include <set>

namespace mlops::package {
namespace {

constexpr const char* k_kinds[][2] = {
    {"model", "weight"}, {"weight_configs", "weight.config"}, {"datasets", "dataset"}, {"code", "code"}, {"docs", "doc"}};

nlohmann::json to_json(const YAML::Node& n, int depth = 0) {
  if (depth > 32) throw Error(ErrorKind::invalid_input, "package metadata is nested too deeply");
  if (!n || n.IsNull()) return nullptr;
  if (n.IsScalar()) {
    // Escapes in quoted YAML ("\xff") can make bytes that are not UTF-8; JSON needs UTF-8.
    if (!is_valid_utf8(n.Scalar())) throw YAML::Exception(n.Mark(), "a value is not valid UTF-8");
    // Plain scalars keep YAML's typing; quoted ones stay strings.
    if (n.Tag() == "!") return n.Scalar();
    const std::string& s = n.Scalar();
    if (s == "true" || s == "false") return s == "true";
    try {
      size_t used = 0;
      const long long i = std::stoll(s, &used);
      if (used == s.size()) return i;
      const double d = std::stod(s, &used);
      if (used == s.size() && std::isfinite(d)) return d;
    } catch (const std::exception&) {
    }
    return s;
  }
  if (n.IsSequence()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& item : n) a.push_back(to_json(item, depth + 1));
    return a;
  }
  nlohmann::json o = nlohmann::json::object();
  for (const auto& kv : n) {
    const std::string key = kv.first.as<std::string>();
    if (!is_valid_utf8(key)) throw YAML::Exception(kv.first.Mark(), "a key is not valid UTF-8");
    o[key] = to_json(kv.second, depth + 1);
  }
  return o;
}

}  // namespace

namespace {

Spec parse_spec_unchecked(const YAML::Node& root, const std::string& file, const stdfs::path& project) {
  auto at = [&](const YAML::Node& n) { return file + ":" + std::to_string(n.Mark().line + 1) + ": "; };
  if (!root.IsMap() || !root["package"]) {
    throw Error(ErrorKind::not_found, file + " has no 'package:' section", "add one: see 'mlops package build --help'");
  }
  const YAML::Node pkg = root["package"];
  if (!pkg.IsMap()) throw Error(ErrorKind::invalid_input, at(pkg) + "'package' must be a mapping");
  Spec s;
  s.project = project;
  s.source = to_json(pkg);
  static const std::set<std::string> known = {
      "name",       "version",        "description",  "license", "authors", "family",     "architecture", "format",
      "param_size", "precision",      "quantization", "vendor",  "doc_url", "source_url", "compression",  "raw_threshold",
      "model",      "weight_configs", "datasets",     "code",    "docs",    "exclude",    "metadata"};
  for (const auto& kv : pkg) {
    const std::string key = kv.first.as<std::string>();
    if (!known.count(key)) {
      throw Error(ErrorKind::invalid_input, at(kv.first) + "unknown key 'package." + key + "'",
                  "known keys: name, version, description, license, authors, model, weight_configs, datasets, code, docs, exclude, "
                  "metadata, compression");
    }
  }
  auto text = [&](const char* key, std::string& out) {
    const YAML::Node n = pkg[key];
    if (!n || n.IsNull()) return;
    if (!n.IsScalar()) throw Error(ErrorKind::invalid_input, at(n) + "'package." + key + "' must be text");
    out = n.Scalar();
  };
  text("name", s.name);
  text("version", s.version);
  text("description", s.description);
  text("license", s.license);
  text("family", s.family);
  text("architecture", s.architecture);
  text("format", s.format);
  text("param_size", s.param_size);
  text("precision", s.precision);
  text("quantization", s.quantization);
  text("vendor", s.vendor);
  text("doc_url", s.doc_url);
  text("source_url", s.source_url);
  text("compression", s.compression);
  if (s.compression != "none" && s.compression != "gzip" && s.compression != "zstd") {
    throw Error(ErrorKind::invalid_input, at(pkg["compression"]) + "'package.compression' must be none, gzip or zstd");
  }
  if (const YAML::Node n = pkg["raw_threshold"]; n) {
    try {
      const long long v = n.as<long long>();
      if (v < 0) throw YAML::Exception(n.Mark(), "negative");
      s.raw_threshold = static_cast<std::uint64_t>(v);
    } catch (const YAML::Exception&) {
      throw Error(ErrorKind::invalid_input, at(n) + "'package.raw_threshold' must be a size in bytes");
    }
  }
  if (const YAML::Node n = pkg["authors"]; n) {
    if (n.IsScalar()) {
      s.authors.push_back(n.Scalar());
    } else if (n.IsSequence()) {
      for (const auto& a : n) {
        if (!a.IsScalar()) throw Error(ErrorKind::invalid_input, at(a) + "'package.authors' must list names");
        s.authors.push_back(a.Scalar());
      }
    } else {
      throw Error(ErrorKind::invalid_input, at(n) + "'package.authors' must list names");
    }
  }
  if (const YAML::Node n = pkg["exclude"]; n) {
    if (!n.IsSequence()) throw Error(ErrorKind::invalid_input, at(n) + "'package.exclude' must list glob patterns");
    for (const auto& g : n) {
      if (!g.IsScalar()) throw Error(ErrorKind::invalid_input, at(g) + "'package.exclude' must list glob patterns");
      s.exclude.push_back(g.Scalar());
    }
  }
  if (const YAML::Node n = pkg["metadata"]; n && !n.IsNull()) {
    if (!n.IsMap()) throw Error(ErrorKind::invalid_input, at(n) + "'package.metadata' must be a mapping");
    s.metadata = to_json(n);
  }
  std::set<std::string> seen;
  for (const auto& [key, kind] : k_kinds) {
    const YAML::Node list = pkg[key];
    if (!list || list.IsNull()) continue;
    std::vector<YAML::Node> items;
    if (list.IsSequence()) {
      for (const auto& item : list) items.push_back(item);
    } else {
      items.push_back(list);  // one entry written without a list
    }
    for (const auto& item : items) {
      SpecEntry e;
      e.kind = kind;
      if (item.IsScalar()) {
        e.path = item.Scalar();
      } else if (item.IsMap()) {
        for (const auto& kv : item) {
          const std::string k = kv.first.as<std::string>();
          if (!kv.second.IsScalar()) throw Error(ErrorKind::invalid_input, at(kv.second) + "'" + k + "' must be text");
          const std::string v = kv.second.Scalar();
          if (k == "path") e.path = v;
          else if (k == "name") e.name = v;
          else if (k == "description") e.description = v;
          else if (k == "license") e.license = v;
          else if (k == "framework") e.framework = v;
          else if (k == "format") e.format = v;
          else
            throw Error(ErrorKind::invalid_input, at(kv.first) + "unknown key '" + k + "' in 'package." + key + "'",
                        "entries have path, name, description, license, framework, format");
        }
      } else {
        throw Error(ErrorKind::invalid_input, at(item) + "'package." + key + "' entries are paths or mappings with a path");
      }
      std::string p = stdfs::path(e.path).lexically_normal().generic_string();
      while (p.size() > 1 && p.back() == '/') p.pop_back();
      if (e.path.empty() || e.path[0] == '/' || p == "." || p == ".." || p.rfind("../", 0) == 0 || e.path.find('\0') != std::string::npos) {
        throw Error(ErrorKind::invalid_input, at(item) + "'" + e.path + "' in 'package." + key + "' must be a path inside the project");
      }
      e.path = p;
      if (!seen.insert(p).second) throw Error(ErrorKind::invalid_input, at(item) + "'" + p + "' is listed twice in 'package'");
      s.entries.push_back(std::move(e));
    }
  }
  if (s.entries.empty()) {
    throw Error(ErrorKind::invalid_input, at(pkg) + "the package lists no files", "add at least 'model:' with the path of the model file");
  }
  return s;
}

}  // namespace

namespace {

Spec spec_from(const std::string& yaml_text, const YAML::Node& root, const std::string& file, const stdfs::path& project) {
  // Everything from the section ends up in JSON (annotations), which must be UTF-8.
  if (!is_valid_utf8(yaml_text)) throw Error(ErrorKind::invalid_input, file + " is not valid UTF-8");
  try {
    return parse_spec_unchecked(root, file, project);
  } catch (const YAML::Exception& e) {  // e.g. a key that is a list: yaml-cpp's conversions throw
    throw Error(ErrorKind::invalid_input, file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace

Spec parse_spec(const std::string& yaml_text, const std::string& file, const stdfs::path& project) {
  if (!is_valid_utf8(yaml_text)) throw Error(ErrorKind::invalid_input, file + " is not valid UTF-8");
  YAML::Node root;
  try {
    root = yaml::load(yaml_text, file);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, file + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  return spec_from(yaml_text, root, file, project);
}

Spec read_spec(const stdfs::path& cwd) {
  // The project root and the file's loading are config's (one rule for every command).
  if (const auto f = config::load_project(cwd)) return spec_from(f->text, f->root, f->file.string(), f->file.parent_path());
  // Run in the wrong place: a usage error, like "not a git repository" (cli/app.cpp).
  throw Error(ErrorKind::usage, "no mlops.yaml in " + cwd.string() + " or above",
              "run in a project made by 'mlops init', or write an mlops.yaml with a 'package:' section");
}

}  // namespace mlops::package
