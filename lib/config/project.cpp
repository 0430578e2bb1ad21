// SPDX-License-Identifier: MIT
#include "config/project.hpp"

#include "core/xdg.hpp"
#include "core/yaml_limits.hpp"

#include <mlops/did_you_mean.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string_view>

namespace mlops::config {
namespace {

bool present(const stdfs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;  // a dangling symlink is there too (and refused later)
}

int parse_jobs(const std::string& text) {
  int v = 0;
  std::size_t used = 0;
  try {
    v = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || v < 1 || v > 256) throw Error(ErrorKind::usage, "jobs must be a number from 1 to 256");
  return v;
}

std::string scalar(const ConfigFile& f, const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar() || n.Scalar().empty()) throw Error(ErrorKind::invalid_input, f.at(n) + "'" + key + "' must be text");
  return n.Scalar();
}

}  // namespace

std::string ca_file_problem(const stdfs::path& ca_file) {
  struct stat st {};
  if (::stat(ca_file.c_str(), &st) != 0) return "no such file";
  if (S_ISDIR(st.st_mode)) return "a directory, not a file";
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  return "";
}

std::string ConfigFile::at(const YAML::Node& node) const { return file.string() + ":" + std::to_string(node.Mark().line + 1) + ": "; }

std::optional<stdfs::path> find_project_root(const stdfs::path& start) {
  std::error_code ec;
  stdfs::path dir = stdfs::weakly_canonical(stdfs::absolute(start, ec), ec);
  if (ec) dir = stdfs::absolute(start, ec).lexically_normal();
  struct stat here {};
  if (::stat(dir.c_str(), &here) != 0) return std::nullopt;
  for (;;) {
    if (present(dir / k_project_file)) return dir;
    if (present(dir / ".git")) return std::nullopt;  // the top of the working tree
    const stdfs::path parent = dir.parent_path();
    struct stat up {};
    if (parent == dir || ::stat(parent.c_str(), &up) != 0 || up.st_dev != here.st_dev) return std::nullopt;
    dir = parent;
  }
}

stdfs::path user_config_file() {
  const stdfs::path base = xdg::config_home();
  return base.empty() ? stdfs::path() : base / "mlops" / "config.yaml";
}

std::optional<ConfigFile> load_file(const stdfs::path& file) {
  if (file.empty() || !present(file)) return std::nullopt;
  ConfigFile f;
  f.file = file;
  const yaml::Limits limits;
  f.text = fs::read_regular_file(file, limits.max_bytes);
  try {
    f.root = yaml::load(f.text, file.string(), limits);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, file.string() + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (f.root.IsNull()) return f;
  if (!f.root.IsMap()) throw Error(ErrorKind::invalid_input, f.at(f.root) + "the file must be a mapping of keys to values");
  for (const auto& kv : f.root) {
    // A key that is a list or a mapping would make every reader's lookup throw.
    if (!kv.first.IsScalar()) throw Error(ErrorKind::invalid_input, f.at(kv.first) + "a key must be text");
  }
  return f;
}

std::optional<ConfigFile> load_project(const stdfs::path& start) {
  const auto root = find_project_root(start);
  if (!root) return std::nullopt;
  return load_file(*root / k_project_file);
}

Layer read_layer(const ConfigFile& f) {
  Layer l;
  if (!f.root.IsMap()) return l;
  if (const YAML::Node n = f.root["jobs"]; n && !n.IsNull()) {
    try {
      l.jobs = parse_jobs(n.IsScalar() ? n.Scalar() : std::string());
    } catch (const Error&) {
      throw Error(ErrorKind::invalid_input, f.at(n) + "'jobs' must be a number from 1 to 256");
    }
  }
  if (const YAML::Node n = f.root["store"]; n && !n.IsNull()) {
    stdfs::path p = scalar(f, n, "store");
    if (p.is_relative()) p = f.file.parent_path() / p;
    l.store = p.lexically_normal();
  }
  if (const YAML::Node n = f.root["default_remote"]; n && !n.IsNull()) {
    const std::string name = scalar(f, n, "default_remote");
    try {
      check_remote_name(name);
    } catch (const Error& e) {
      throw Error(ErrorKind::invalid_input, f.at(n) + "'default_remote': " + e.what());
    }
    l.default_remote = name;
  }
  if (const YAML::Node n = f.root["remotes"]; n && !n.IsNull()) {
    if (!n.IsMap()) throw Error(ErrorKind::invalid_input, f.at(n) + "'remotes' must map names to {url: URL}");
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) throw Error(ErrorKind::invalid_input, f.at(kv.first) + "a remote's name must be text");
      Remote r;
      r.name = kv.first.Scalar();
      r.file = f.file.string();
      try {
        check_remote_name(r.name);
      } catch (const Error& e) {
        throw Error(ErrorKind::invalid_input, f.at(kv.first) + e.what());
      }
      if (!kv.second.IsMap()) throw Error(ErrorKind::invalid_input, f.at(kv.second) + "remote '" + r.name + "' must be {url: URL}");
      static const std::set<std::string> keys = {"url", "endpoint", "region", "ca_file", "plain_http"};
      for (const auto& field : kv.second) {
        if (!field.first.IsScalar() || keys.count(field.first.Scalar()) == 0) {
          throw Error(ErrorKind::invalid_input, f.at(field.first) + "unknown key in remote '" + r.name + "'",
                      "a remote has url, and endpoint, region, ca_file, plain_http");
        }
      }
      const YAML::Node url = kv.second["url"];
      if (!url) throw Error(ErrorKind::invalid_input, f.at(kv.second) + "remote '" + r.name + "' has no 'url'");
      r.url = scalar(f, url, "url");
      try {
        check_remote_url(r.url);
      } catch (const Error& e) {
        throw Error(ErrorKind::invalid_input, f.at(url) + "remote '" + r.name + "': " + e.what(), e.hint());
      }
      YAML::Node last = url;
      if (const YAML::Node v = kv.second["endpoint"]; v && !v.IsNull()) r.endpoint = scalar(f, v, "endpoint"), last = v;
      if (const YAML::Node v = kv.second["region"]; v && !v.IsNull()) r.region = scalar(f, v, "region"), last = v;
      if (const YAML::Node v = kv.second["ca_file"]; v && !v.IsNull()) {
        stdfs::path p = scalar(f, v, "ca_file");
        if (p.is_relative()) p = f.file.parent_path() / p;
        r.ca_file = p.lexically_normal().string();
        // A missing file is left to the command that uses the remote (a clone may lack it and
        // never need it); a directory or a fifo here is a mistake in the file.
        if (const std::string why = ca_file_problem(r.ca_file); !why.empty() && why != "no such file")
          throw Error(ErrorKind::invalid_input, f.at(v) + "remote '" + r.name + "': ca_file " + escape_controls(r.ca_file) + ": " + why,
                      "give the PEM file of the CA certificates");
        last = v;
      }
      if (const YAML::Node v = kv.second["plain_http"]; v && !v.IsNull()) {
        const std::string text = v.IsScalar() ? v.Scalar() : std::string();
        if (text != "true" && text != "false") throw Error(ErrorKind::invalid_input, f.at(v) + "'plain_http' must be true or false");
        r.plain_http = text == "true";
        last = v;
      }
      try {
        check_remote_settings(r);
      } catch (const Error& e) {
        throw Error(ErrorKind::invalid_input, f.at(last) + "remote '" + r.name + "': " + e.what(), e.hint());
      }
      l.remotes.push_back(std::move(r));
    }
  }
  return l;
}

Settings resolve(const std::optional<ConfigFile>& project) {
  Settings s;
  Layer p, u;
  if (project) {
    s.project = project->file.parent_path();
    p = read_layer(*project);
  }
  if (const auto user = load_file(user_config_file())) u = read_layer(*user);

  if (const char* env = std::getenv("MLOPS_JOBS"); env != nullptr && *env != '\0') {
    try {
      s.jobs = parse_jobs(env);
    } catch (const Error&) {
      throw Error(ErrorKind::usage, "MLOPS_JOBS must be a number from 1 to 256", "unset it, or set it to the number of jobs");
    }
  } else {
    s.jobs = p.jobs ? p.jobs : u.jobs;
  }

  if (const char* env = std::getenv("MLOPS_REMOTE"); env != nullptr && *env != '\0') {
    try {
      check_remote_name(env);
    } catch (const Error& e) {
      throw Error(ErrorKind::usage, std::string("MLOPS_REMOTE: ") + e.what(), e.hint());
    }
    s.default_remote = env;
  } else if (p.default_remote) {
    s.default_remote = *p.default_remote;
  } else if (u.default_remote) {
    s.default_remote = *u.default_remote;
  }

  if (const char* env = std::getenv("MLOPS_HOME"); env != nullptr && *env != '\0') {
    s.store = env;
  } else if (p.store) {
    s.store = *p.store;
  } else if (u.store) {
    s.store = *u.store;
  } else if (const stdfs::path data = xdg::data_home(); !data.empty()) {
    s.store = data / "mlops" / "store";
  }

  std::set<std::string> named;
  for (auto& r : p.remotes) {
    named.insert(r.name);
    s.remotes.push_back(std::move(r));
  }
  for (auto& r : u.remotes) {
    if (named.insert(r.name).second) s.remotes.push_back(std::move(r));
  }
  return s;
}

Settings load_settings(const stdfs::path& cwd) { return resolve(load_project(cwd)); }

void check_remote_name(const std::string& name) {
  const auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok = !name.empty() && name.size() <= 64 && ok_first(name[0]);
  for (const char c : name) ok = ok && (ok_first(c) || c == '.' || c == '_' || c == '-');
  if (!ok) {
    throw Error(ErrorKind::usage, "invalid remote name '" + escape_controls(name) + "'",
                "a remote name is lower-case letters, digits, '.', '_' and '-', starting with a letter or digit (at most 64)");
  }
}

// The form of a remote URL, one scheme at a time. The remote module's scheme table takes this
// over once it exists; until then this is the one place that knows the schemes.
void check_remote_url(const std::string& url) {
  const std::string hint = "for example oci://registry.example/team, s3://bucket/prefix, https://host/path or file:///srv/models";
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      throw Error(ErrorKind::usage, "a remote URL must not hold spaces or control characters", hint);
    }
  }
  const std::size_t sep = url.find("://");
  const std::string scheme = sep == std::string::npos ? std::string() : url.substr(0, sep);
  static const std::set<std::string> schemes = {"oci", "s3", "http", "https", "file"};
  if (!schemes.count(scheme)) {
    throw Error(ErrorKind::usage, "a remote URL starts with oci://, s3://, http://, https:// or file://", hint);
  }
  const std::string rest = url.substr(sep + 3);
  const std::size_t end = rest.find('/');
  const std::string authority = rest.substr(0, end);
  if (authority.find('@') != std::string::npos) {
    // Never echoed: what stands before '@' may be a password.
    throw Error(ErrorKind::usage, "a remote URL must not hold a user name or password (mlops.yaml is committed with the project)",
                "give the URL without 'user:password@' and store the credentials with 'mlops login HOST'");
  }
  if (url.find_first_of("?#") != std::string::npos) {
    throw Error(ErrorKind::usage, "a remote URL takes no query or fragment ('?', '#'): a token there would be a secret in mlops.yaml",
                "give the URL without them and store the credentials with 'mlops login HOST'");
  }
  const std::string path = end == std::string::npos ? std::string() : rest.substr(end);
  if (path.find("//") != std::string::npos || path.find("/../") != std::string::npos || path.find("/./") != std::string::npos ||
      path.ends_with("/..") || path.ends_with("/.")) {
    throw Error(ErrorKind::usage, "the remote URL's path must not hold empty, '.' or '..' parts", hint);
  }
  if (scheme == "file") {
    if ((!authority.empty() && authority != "localhost") || path.size() < 2) {
      throw Error(ErrorKind::usage, "a file:// remote names an absolute directory: file:///PATH", hint);
    }
    return;
  }
  if (authority.empty() || authority.front() == ':' || authority.back() == ':') {
    throw Error(ErrorKind::usage, "the remote URL has no " + std::string(scheme == "s3" ? "bucket" : "host"), hint);
  }
  if (scheme != "s3") {
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string::npos && authority.back() != ']') {
      const std::string port = authority.substr(colon + 1);
      if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoi(port) == 0 || std::stoi(port) > 65535) {
        throw Error(ErrorKind::usage, "the remote URL's port must be a number from 1 to 65535", hint);
      }
    }
  }
}

void check_remote_settings(const Remote& r) {
  const std::string scheme = r.url.substr(0, r.url.find("://"));
  if ((!r.endpoint.empty() || !r.region.empty()) && scheme != "s3") {
    throw Error(ErrorKind::usage, std::string(r.endpoint.empty() ? "a region" : "an endpoint") + " is for s3:// remotes only",
                "an oci:// or http(s):// remote's URL names its host");
  }
  if ((!r.ca_file.empty() || r.plain_http) && scheme == "file") {
    throw Error(ErrorKind::usage, std::string(r.plain_http ? "plain HTTP" : "a CA file") + " means nothing for a file:// remote");
  }
  if (!r.endpoint.empty()) {
    // Never quoted: it may hold what should not be there (a user, a password, a signature).
    const std::string hint = "write http(s)://HOST[:PORT], e.g. https://minio.example:9000";
    const auto sep = r.endpoint.find("://");
    const std::string s = sep == std::string::npos ? std::string() : r.endpoint.substr(0, sep);
    std::string rest = sep == std::string::npos ? std::string() : r.endpoint.substr(sep + 3);
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    const bool clean = std::all_of(rest.begin(), rest.end(), [](char c) {
      return static_cast<unsigned char>(c) > 0x20 && c != 0x7f && std::string_view("@/?#\\").find(c) == std::string_view::npos;
    });
    if ((s != "http" && s != "https") || rest.empty() || !clean || rest.front() == ':') {
      throw Error(ErrorKind::usage, "the endpoint must be http(s)://HOST[:PORT], without a user, password, path or query", hint);
    }
    if (const auto colon = rest.rfind(':'); colon != std::string::npos && rest.back() != ']') {
      const std::string port = rest.substr(colon + 1);
      if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
          std::stoi(port) > 65535) {
        throw Error(ErrorKind::usage, "the endpoint's port must be a number from 1 to 65535", hint);
      }
    }
  }
  if (!r.region.empty()) {
    const bool ok = r.region.size() <= 64 && std::all_of(r.region.begin(), r.region.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                    });
    if (!ok)
      throw Error(ErrorKind::usage, "invalid region '" + escape_controls(r.region) + "'", "a region is a-z, 0-9 and '-', e.g. eu-west-3");
  }
  if (!r.ca_file.empty() &&
      std::any_of(r.ca_file.begin(), r.ca_file.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    throw Error(ErrorKind::usage, "the CA file's path holds control characters");
  }
}

Remote find_remote(const stdfs::path& cwd, const std::string& name_or_url) {
  if (name_or_url.find("://") != std::string::npos) {
    check_remote_url(name_or_url);
    Remote r;
    r.url = name_or_url;
    return r;
  }
  const Settings s = load_settings(cwd);
  const std::string name = name_or_url.empty() ? s.default_remote : name_or_url;
  if (name.empty()) {
    throw Error(ErrorKind::usage, "no remote given and no default remote",
                "name one, or set one with 'mlops remote add NAME URL --default'");
  }
  std::vector<std::string> names;
  for (const auto& r : s.remotes) {
    if (r.name == name) return r;
    names.push_back(r.name);
  }
  const auto close = closest_names(name, names);
  throw Error(ErrorKind::not_found, "no remote named '" + escape_controls(name) + "'",
              close.empty() ? "add it with 'mlops remote add " + escape_controls(name) + " URL', or give a URL" : did_you_mean(close));
}

std::string resolve_remote(const stdfs::path& cwd, const std::string& name_or_url) { return find_remote(cwd, name_or_url).url; }

}  // namespace mlops::config
