// SPDX-License-Identifier: MIT
// The one loader of mlops's configuration files (mlops.yaml and the user's config.yaml): a
// bounded read through core/yaml_limits, and errors that name FILE:LINE. The sections that
// belong to a module (mlops.yaml's `package:`, `params:`...) are read by that module from
// the node loaded here.
#pragma once

#include <mlops/config.hpp>

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>

namespace mlops::config {

inline constexpr const char* k_project_file = "mlops.yaml";

struct ConfigFile {
  stdfs::path file;  // as found
  std::string text;  // the bytes read
  YAML::Node root;   // a mapping, or null for an empty file
  // "FILE:LINE: " for messages about `node`.
  std::string at(const YAML::Node& node) const;
};

// Reads and parses `file`: std::nullopt when there is nothing at that path;
// Error{invalid_input} when it is not a regular file, too big, not YAML or not a mapping.
std::optional<ConfigFile> load_file(const stdfs::path& file);
// The project's mlops.yaml (find_project_root from `start`, then load_file).
std::optional<ConfigFile> load_project(const stdfs::path& start);

// The keys every configuration file may hold (jobs, store, default_remote, remotes),
// checked; unset ones stay unset.
struct Layer {
  std::optional<int> jobs;
  std::optional<stdfs::path> store;  // made absolute against the file's directory
  std::optional<std::string> default_remote;
  std::vector<Remote> remotes;
};
Layer read_layer(const ConfigFile& f);

// Why `ca_file` cannot be a CA file ("" when it is a regular file, through symlinks): curl
// would fail late and obscurely on a directory, and block opening a fifo. Never opens it.
std::string ca_file_problem(const stdfs::path& ca_file);

// Environment > project layer > user config > built-in, for a project already loaded (or
// none): the modules that read mlops.yaml themselves call this instead of load_settings.
Settings resolve(const std::optional<ConfigFile>& project);

}  // namespace mlops::config
