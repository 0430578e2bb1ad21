// SPDX-License-Identifier: MIT
#include "remote/credentials.hpp"

#include "core/json.hpp"
#include "core/log.hpp"
#include "core/process.hpp"
#include "package/c_libs.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace mlops::remote {
namespace {

namespace stdfs = std::filesystem;
constexpr std::size_t k_max_config_bytes = 1u << 20;
constexpr std::size_t k_max_helper_output = 64u << 10;
constexpr std::string_view k_docker_hub = "docker.io";
constexpr const char* k_docker_hub_key = "https://index.docker.io/v1/";

stdfs::path home() {
  const char* h = std::getenv("HOME");
  if (h == nullptr || *h == '\0') throw Error(ErrorKind::usage, "HOME is not set: cannot find the credentials file");
  return h;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// normalize_registry_host without the throw: "" when `key` is not a host.
std::string normalized_or_empty(std::string_view key) {
  try {
    return normalize_registry_host(key);
  } catch (const Error&) {
    return {};
  }
}

std::optional<nlohmann::json> read_json(const stdfs::path& path, const std::string& what) {
  std::error_code ec;
  if (!stdfs::is_regular_file(path, ec)) return std::nullopt;
  try {
    auto j = parse_json(fs::read_file(path, k_max_config_bytes), what, 32);
    if (!j.is_object()) {
      log::warn("{}: not a JSON object; ignored", path.string());
      return std::nullopt;
    }
    return j;
  } catch (const Error& e) {
    log::warn("{}; ignored", e.what());  // parse errors never quote the values
    return std::nullopt;
  }
}

std::string base64_decode(const std::string& text) {
  std::string out(text.size(), '\0');
  std::size_t n = 0;
  if (package::sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), "\n\r ", &n, nullptr,
                                 sodium_base64_VARIANT_ORIGINAL) != 0) {
    return {};
  }
  out.resize(n);
  return out;
}

std::string string_field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<Credential> run_helper(const std::string& helper, const std::string& server) {
  // The name comes from a config file: a '/' would run any program.
  if (helper.empty() || helper.size() > 64 || !std::all_of(helper.begin(), helper.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      })) {
    log::warn("docker config: credential helper name '{}' is not valid; ignored", escape_controls(helper.substr(0, 64)));
    return std::nullopt;
  }
  const std::string program = "docker-credential-" + helper;
  ProcessOutput out;
  try {
    out = run_process_io({program, "get"}, server, k_max_helper_output);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    log::warn("{} is configured in Docker's config.json but cannot run: {}", program, e.what());
    return std::nullopt;
  }
  if (!out.result.ok() || out.truncated) {
    // "credentials not found in native keychain": nothing stored for this host. The output is
    // not quoted: a helper may echo what it was given.
    log::debug("{} get: {} (no credentials from it)", program, out.result.describe());
    return std::nullopt;
  }
  nlohmann::json j;
  try {
    j = parse_json(out.out, program + " output", 8);
  } catch (const Error&) {
    log::warn("{} get printed something that is not JSON; ignored", program);
    return std::nullopt;
  }
  if (!j.is_object()) return std::nullopt;
  Credential c;
  c.username = string_field(j, "Username");
  c.secret = string_field(j, "Secret");
  c.source = program;
  if (c.secret.empty()) return std::nullopt;
  if (c.username == "<token>") {
    c.identity_token = true;
    c.username.clear();
  }
  return c;
}

std::optional<Credential> from_docker_config(const std::string& host) {
  stdfs::path dir;
  if (const char* d = std::getenv("DOCKER_CONFIG"); d != nullptr && *d != '\0') {
    dir = d;
  } else {
    dir = home() / ".docker";
  }
  const auto config = read_json(dir / "config.json", "Docker's config.json");
  if (!config) return std::nullopt;
  const std::string server = host == k_docker_hub ? k_docker_hub_key : host;
  if (const auto it = config->find("credHelpers"); it != config->end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      if (value.is_string() && normalized_or_empty(key) == host) return run_helper(value.get<std::string>(), server);
    }
  }
  if (const auto it = config->find("auths"); it != config->end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      if (!value.is_object() || normalized_or_empty(key) != host) continue;
      Credential c;
      c.source = "Docker's config.json";
      if (const std::string token = string_field(value, "identitytoken"); !token.empty()) {
        c.secret = token;
        c.identity_token = true;
        return c;
      }
      if (const std::string auth = string_field(value, "auth"); !auth.empty()) {
        const std::string decoded = base64_decode(auth);
        const auto colon = decoded.find(':');
        if (colon == std::string::npos) {
          log::warn("Docker's config.json: the auth entry for {} is not base64 of user:password; ignored", host);
          return std::nullopt;
        }
        c.username = decoded.substr(0, colon);
        c.secret = decoded.substr(colon + 1);
        return c;
      }
      c.username = string_field(value, "username");
      c.secret = string_field(value, "password");
      if (!c.secret.empty()) return c;
      // An empty entry is what `docker login` leaves beside a credsStore: ask the store.
    }
  }
  if (const auto it = config->find("credsStore"); it != config->end() && it->is_string()) {
    return run_helper(it->get<std::string>(), server);
  }
  return std::nullopt;
}

// Ours must be private, as ssh insists for a private key: a file others can read (or that
// another user owns) is ignored with a warning.
bool private_enough(const stdfs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  if (st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
    log::warn("{} is readable by others or not yours (mode {:o}): ignored; run chmod 600 {}", path.string(), st.st_mode & 0777,
              path.string());
    return false;
  }
  return true;
}

nlohmann::json read_ours() {
  const stdfs::path path = credentials_file();
  std::error_code ec;
  if (!stdfs::exists(path, ec) || !private_enough(path)) return nlohmann::json::object();
  auto j = read_json(path, "the credentials file");
  return j ? *j : nlohmann::json::object();
}

}  // namespace

stdfs::path credentials_file() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x != '\0') return stdfs::path(x) / "mlops" / "credentials.json";
  return home() / ".config" / "mlops" / "credentials.json";
}

std::string normalize_registry_host(std::string_view text) {
  std::string_view h = text;
  if (const auto scheme = h.find("://"); scheme != std::string_view::npos) h = h.substr(scheme + 3);
  if (const auto slash = h.find('/'); slash != std::string_view::npos) h = h.substr(0, slash);
  std::string host = lower(h);
  const bool valid = !host.empty() && host.size() <= 255 && host.front() != '-' && host.front() != '.' &&
                     std::all_of(host.begin(), host.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
                     });
  if (!valid) {
    throw Error(ErrorKind::usage, "not a registry host: '" + escape_controls(std::string(text.substr(0, 200))) + "'",
                "give HOST or HOST:PORT, e.g. ghcr.io or localhost:5000");
  }
  if (host == "index.docker.io" || host == "registry-1.docker.io" || host == "registry.hub.docker.com") host = k_docker_hub;
  return host;
}

std::optional<Credential> find_registry_credential(const std::string& host_text) {
  const std::string host = normalize_registry_host(host_text);
  if (auto c = from_docker_config(host)) return c;
  const auto ours = read_ours();
  if (const auto hosts = ours.find("hosts"); hosts != ours.end() && hosts->is_object()) {
    if (const auto it = hosts->find(host); it != hosts->end() && it->is_object()) {
      Credential c;
      c.username = string_field(*it, "username");
      c.secret = string_field(*it, "secret");
      c.identity_token = it->value("identity_token", false);
      c.source = credentials_file().string();
      if (!c.secret.empty()) return c;
    }
  }
  return std::nullopt;
}

void store_login(const std::string& host_text, const std::string& username, const std::string& secret) {
  const std::string host = normalize_registry_host(host_text);
  if (secret.empty()) throw Error(ErrorKind::usage, "empty password or token", "give it on stdin with --password-stdin");
  if (username.find(':') != std::string::npos) throw Error(ErrorKind::usage, "a user name cannot contain ':'");
  const stdfs::path path = credentials_file();
  nlohmann::json all = nlohmann::json::object();
  std::error_code ec;
  if (stdfs::exists(path, ec)) {
    // Rewritten private whatever its mode was: what it held stays, in a 0600 file.
    if (auto j = read_json(path, "the credentials file")) all = std::move(*j);
  }
  if (!all.contains("hosts") || !all["hosts"].is_object()) all["hosts"] = nlohmann::json::object();
  all["version"] = 1;
  all["hosts"][host] = {{"username", username}, {"secret", secret}};
  stdfs::create_directories(path.parent_path(), ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + path.parent_path().string() + ": " + ec.message());
  fs::write_file_atomic(path, json_text(all, 2) + "\n", stdfs::perms(0600));
}

bool remove_login(const std::string& host_text) {
  const std::string host = normalize_registry_host(host_text);
  const stdfs::path path = credentials_file();
  std::error_code ec;
  if (!stdfs::exists(path, ec)) return false;
  auto j = read_json(path, "the credentials file");
  if (!j || !j->contains("hosts") || !(*j)["hosts"].is_object() || !(*j)["hosts"].contains(host)) return false;
  (*j)["hosts"].erase(host);
  fs::write_file_atomic(path, json_text(*j, 2) + "\n", stdfs::perms(0600));
  return true;
}

std::optional<Credential> find_netrc_credential(const std::string& host_text) {
  std::string host = lower(host_text);
  if (const auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) host.resize(colon);
  stdfs::path path;
  if (const char* n = std::getenv("NETRC"); n != nullptr && *n != '\0') {
    path = n;
  } else {
    path = home() / ".netrc";
  }
  std::error_code ec;
  if (!stdfs::is_regular_file(path, ec)) return std::nullopt;
  std::string text;
  try {
    text = fs::read_file(path, k_max_config_bytes);
  } catch (const Error& e) {
    log::warn("{}; .netrc ignored", e.what());
    return std::nullopt;
  }
  // Tokens separated by white space: machine NAME | default, then login/password pairs;
  // macdef NAME ... skips to the next blank line.
  std::istringstream lines(text);
  std::vector<std::string> tokens;
  std::string line;
  bool in_macro = false;
  while (std::getline(lines, line)) {
    if (in_macro) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) in_macro = false;
      continue;
    }
    std::istringstream words(line);
    std::string w;
    while (words >> w) {
      if (w == "macdef") {
        in_macro = true;
        break;
      }
      tokens.push_back(w);
    }
  }
  std::optional<Credential> found, fallback;
  std::optional<Credential>* current = nullptr;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (t == "machine" && i + 1 < tokens.size()) {
      current = lower(tokens[++i]) == host && !found ? &found : nullptr;
      if (current != nullptr) *current = Credential{};
    } else if (t == "default") {
      current = !fallback ? &fallback : nullptr;
      if (current != nullptr) *current = Credential{};
    } else if ((t == "login" || t == "password" || t == "account") && i + 1 < tokens.size()) {
      const std::string& v = tokens[++i];
      if (current == nullptr) continue;
      if (t == "login") (*current)->username = v;
      if (t == "password") (*current)->secret = v;
    }
  }
  std::optional<Credential> c = found ? found : fallback;
  if (!c || c->secret.empty()) return std::nullopt;
  c->source = path.string();
  return c;
}

std::string basic_authorization(const Credential& credential) {
  const std::string text = credential.username + ":" + credential.secret;
  std::string out(package::sodium_base64_encoded_len(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  package::sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                             sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return "Basic " + out;
}

}  // namespace mlops::remote
