// SPDX-License-Identifier: MIT
// The `package:` section of mlops.yaml: what goes into a package (docs/formats.md).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace mlops::package {

namespace stdfs = std::filesystem;

// One listed path: a file becomes one raw layer; a directory becomes one raw layer per
// large file and a tar of the rest.
struct SpecEntry {
  std::string kind;  // weight, weight.config, dataset, code, doc
  std::string path;  // relative to the project, normalised, no trailing '/'
  std::string name, description, license, framework, format;
};

struct Spec {
  stdfs::path project;  // directory holding mlops.yaml
  std::string name, version, description, license, family, architecture, format, param_size, precision, quantization, vendor, doc_url,
      source_url;
  std::vector<std::string> authors;
  std::string compression = "none";
  std::uint64_t raw_threshold = 1u << 20;  // files at least this big get their own layer
  std::vector<SpecEntry> entries;
  std::vector<std::string> exclude;
  nlohmann::json metadata = nlohmann::json::object();
  nlohmann::json source = nlohmann::json::object();  // the section as JSON, for the annotation
};

// Finds mlops.yaml in `cwd` or above and reads its package section. Error{not_found}
// without mlops.yaml, Error{invalid_input} (file:line) when the section is malformed.
Spec read_spec(const stdfs::path& cwd);
// The same from YAML text (for tests and fuzzing); `file` names it in messages.
Spec parse_spec(const std::string& yaml_text, const std::string& file, const stdfs::path& project);

}  // namespace mlops::package
