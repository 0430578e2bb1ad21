// SPDX-License-Identifier: MIT
// Configuration: the project's mlops.yaml, the user's $XDG_CONFIG_HOME/mlops/config.yaml,
// the environment, and the remotes they name (docs/formats.md, "Configuration").
// Precedence, first wins: command-line flag > environment > mlops.yaml > user config >
// built-in default. The flag is the caller's business; everything else is resolved here.
#pragma once

#include <mlops/api.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlops::config {

namespace stdfs = std::filesystem;

// The project root: the nearest directory at or above `start` holding an mlops.yaml (a
// file, or anything else under that name, which the loader then refuses). The walk never
// leaves the git working tree it starts in (it stops after the directory holding `.git`)
// nor the filesystem it starts on (as git does without GIT_DISCOVERY_ACROSS_FILESYSTEM).
// std::nullopt when there is none.
MLOPS_API std::optional<stdfs::path> find_project_root(const stdfs::path& start);

// $XDG_CONFIG_HOME/mlops/config.yaml (empty when neither XDG_CONFIG_HOME nor HOME is set).
MLOPS_API stdfs::path user_config_file();

struct Remote {
  std::string name;
  std::string url;
  std::string file;  // the configuration file that names it
  // How to reach it (`remote add --endpoint/--region/--ca-file/--plain-http`); never a secret.
  // The command line's flags win over them.
  std::string endpoint;  // s3: http(s)://HOST[:PORT]
  std::string region;    // s3: the bucket's region
  std::string ca_file;   // absolute (a relative one in the file is relative to the file)
  bool plain_http = false;
};

// What the environment, mlops.yaml and the user config say, merged.
struct Settings {
  stdfs::path project;          // the project root, or empty outside a project
  std::optional<int> jobs;      // MLOPS_JOBS > mlops.yaml `jobs` > user `jobs`; unset: the command's own default
  std::string default_remote;   // MLOPS_REMOTE > `default_remote` of mlops.yaml > of the user config; "" if none
  stdfs::path store;            // MLOPS_HOME > `store` > $XDG_DATA_HOME/mlops/store; empty if no HOME
  std::vector<Remote> remotes;  // mlops.yaml's, then the user's that mlops.yaml does not name, by name
};

// Error{invalid_input} ("FILE:LINE: ...") for a broken file, Error{usage} for a bad
// environment value.
MLOPS_API Settings load_settings(const stdfs::path& cwd);

// ---- remotes ----

// Error{usage} unless `name` is [a-z0-9][a-z0-9._-]* (at most 64 characters).
MLOPS_API void check_remote_name(const std::string& name);
// Error{usage} unless `url` is oci://, s3://, http://, https:// or file:// with the parts the
// scheme needs and no user information, password, query or fragment (a remote URL is kept in
// mlops.yaml, which is committed: credentials go through `mlops login`). The message never
// quotes the URL.
MLOPS_API void check_remote_url(const std::string& url);

// Error{usage} unless the settings fit the URL's scheme (endpoint and region for s3:// only,
// no ca_file or plain_http for file://) and are well formed: the endpoint is
// http(s)://HOST[:PORT] without user, path or query (never quoted in the message), the region
// [a-z0-9-] (at most 64).
MLOPS_API void check_remote_settings(const Remote& remote);

// Adds `remote` (name, url and settings; `file` unused) to the project's mlops.yaml (and makes
// it `default_remote` when asked), editing the text in place so comments and layout stay;
// written atomically. A relative ca_file is taken relative to `cwd` and must be a file; it is
// written relative to mlops.yaml when inside the project. Error{conflict} when the project
// already names it, Error{usage} outside a project.
MLOPS_API void add_remote(const stdfs::path& cwd, const Remote& remote, bool make_default);
inline void add_remote(const stdfs::path& cwd, const std::string& name, const std::string& url, bool make_default) {
  Remote r;
  r.name = name;
  r.url = url;
  add_remote(cwd, r, make_default);
}
// Removes NAME from mlops.yaml (and `default_remote` when it named it). Error{not_found}
// when mlops.yaml does not name it. Returns true when `default_remote` was removed too.
MLOPS_API bool remove_remote(const stdfs::path& cwd, const std::string& name);
// A remote's URL: a URL is checked and returned as it is; a name is looked up (mlops.yaml,
// then the user config); "" means the default remote. Error{not_found} with "did you mean".
MLOPS_API std::string resolve_remote(const stdfs::path& cwd, const std::string& name_or_url);
// The same, with the remote's settings: a URL given as it is has none (name empty).
MLOPS_API Remote find_remote(const stdfs::path& cwd, const std::string& name_or_url);

}  // namespace mlops::config
