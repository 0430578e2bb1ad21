// SPDX-License-Identifier: MIT
#include "remote/s3_config.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace mlops::remote::s3 {
namespace {

namespace stdfs = std::filesystem;
constexpr std::size_t k_max_config_bytes = 1u << 20;

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

stdfs::path home_file(const char* env_name, const char* rel) {
  if (auto v = env(env_name); !v.empty()) return v;
  const auto home = env("HOME");
  if (home.empty()) return {};
  return stdfs::path(home) / ".aws" / rel;
}

std::optional<std::string> read_config(const stdfs::path& p) {
  std::error_code ec;
  if (p.empty() || !stdfs::exists(p, ec)) return std::nullopt;
  if (!stdfs::is_regular_file(p, ec)) throw Error(ErrorKind::invalid_input, p.string() + " is not a file");
  return fs::read_file(p, k_max_config_bytes);
}

std::string normalise_endpoint(std::string e, const std::string& from) {
  while (!e.empty() && e.back() == '/') e.pop_back();
  const auto sep = e.find("://");
  const std::string scheme = sep == std::string::npos ? "" : e.substr(0, sep);
  if ((scheme != "http" && scheme != "https") || e.size() == sep + 3) {
    throw Error(ErrorKind::usage, "the S3 endpoint from " + from + " is not an http(s) URL", "write http(s)://HOST[:PORT]");
  }
  const std::string rest = e.substr(sep + 3);
  if (rest.find_first_of("@?#/ ") != std::string::npos ||
      std::any_of(rest.begin(), rest.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    throw Error(ErrorKind::usage, "the S3 endpoint from " + from + " must be SCHEME://HOST[:PORT], without a path, user or query");
  }
  return e;
}

}  // namespace

std::optional<std::map<std::string, std::string>> ini_section(std::string_view text, std::string_view section, const std::string& where) {
  std::optional<std::map<std::string, std::string>> out;
  bool in_section = false;
  std::string parent;  // a key with an empty value: indented lines below are its nested keys
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string at = where + ":" + std::to_string(line_no) + ": ";
    if (std::any_of(line.begin(), line.end(), [](char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f; })) {
      throw Error(ErrorKind::invalid_input, at + "control character in the line", "an AWS config file is text of KEY = VALUE lines");
    }
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    const bool indented = line[0] == ' ' || line[0] == '\t';
    if (t[0] == '[') {
      if (t.back() != ']') throw Error(ErrorKind::invalid_input, at + "a section header without its ']'");
      // "[ profile  dev ]" is "profile dev", as the AWS CLI reads it.
      std::string name = trim(std::string_view(t).substr(1, t.size() - 2));
      if (name.rfind("profile", 0) == 0 && name.size() > 7 && (name[7] == ' ' || name[7] == '\t')) name = "profile " + trim(name.substr(8));
      in_section = name == section;
      if (in_section && !out) out.emplace();
      parent.clear();
      continue;
    }
    const auto eq = t.find('=');
    if (eq == std::string::npos) throw Error(ErrorKind::invalid_input, at + "a line that is neither [SECTION] nor KEY = VALUE");
    if (!in_section) continue;
    std::string key = trim(std::string_view(t).substr(0, eq));
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string value = trim(std::string_view(t).substr(eq + 1));
    if (key.empty()) throw Error(ErrorKind::invalid_input, at + "a KEY = VALUE line without a key");
    if (indented && !parent.empty()) {
      (*out)[parent + "." + key] = value;
      continue;
    }
    parent = value.empty() ? key : std::string();
    (*out)[key] = value;
  }
  return out;
}

S3Settings load_settings(const std::string& endpoint_option, const std::string& region_option) {
  S3Settings s;
  const std::string profile_env = env("AWS_PROFILE");
  const std::string profile = profile_env.empty() ? "default" : profile_env;
  const stdfs::path cred_file = home_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  const stdfs::path config_file = home_file("AWS_CONFIG_FILE", "config");
  std::optional<std::map<std::string, std::string>> from_credentials, from_config;
  if (const auto text = read_config(cred_file)) from_credentials = ini_section(*text, profile, cred_file.string());
  if (const auto text = read_config(config_file)) {
    from_config = ini_section(*text, profile == "default" ? "default" : "profile " + profile, config_file.string());
  }
  auto get = [](const std::optional<std::map<std::string, std::string>>& m, const std::string& key) {
    if (!m) return std::string();
    const auto it = m->find(key);
    return it == m->end() ? std::string() : it->second;
  };

  const std::string env_key = env("AWS_ACCESS_KEY_ID"), env_secret = env("AWS_SECRET_ACCESS_KEY");
  if (!env_key.empty() || !env_secret.empty()) {
    if (env_key.empty() || env_secret.empty()) {
      throw Error(ErrorKind::usage,
                  std::string(env_key.empty() ? "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID"
                                              : "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY"),
                  "set both, or neither to use a profile of ~/.aws/credentials");
    }
    const std::string env_token = env("AWS_SESSION_TOKEN");
    // They go into request headers, where a line break would inject headers; the files' lines
    // are checked by ini_section. The value is never echoed.
    for (const auto& [name, value] :
         {std::pair{"AWS_ACCESS_KEY_ID", &env_key}, {"AWS_SECRET_ACCESS_KEY", &env_secret}, {"AWS_SESSION_TOKEN", &env_token}}) {
      if (std::any_of(value->begin(), value->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
        throw Error(ErrorKind::usage, std::string(name) + " holds a control character or line break", "set it to the key itself");
      }
    }
    s.credentials = AwsCredentials{env_key, env_secret, env_token, "the environment (AWS_ACCESS_KEY_ID)"};
  } else {
    for (const auto* m : {&from_credentials, &from_config}) {
      const std::string key = get(*m, "aws_access_key_id"), secret = get(*m, "aws_secret_access_key");
      if (key.empty() && secret.empty()) continue;
      const std::string file = (m == &from_credentials ? cred_file : config_file).string();
      if (key.empty() || secret.empty()) {
        throw Error(ErrorKind::invalid_input, "profile '" + escape_controls(profile) + "' in " + file +
                                                  " has only one of aws_access_key_id and aws_secret_access_key");
      }
      s.credentials = AwsCredentials{key, secret, get(*m, "aws_session_token"), "profile '" + escape_controls(profile) + "' of " + file};
      break;
    }
    if (!s.credentials && !profile_env.empty() && !from_credentials && !from_config) {
      throw Error(ErrorKind::not_found,
                  "the AWS profile '" + escape_controls(profile) + "' (AWS_PROFILE) is in neither " + cred_file.string() + " nor " +
                      config_file.string(),
                  "add it with 'aws configure --profile " + escape_controls(profile) + "', or unset AWS_PROFILE");
    }
  }

  s.region = region_option;
  if (s.region.empty()) s.region = env("AWS_REGION");
  if (s.region.empty()) s.region = env("AWS_DEFAULT_REGION");
  if (s.region.empty()) s.region = get(from_config, "region");
  if (s.region.empty()) s.region = "us-east-1";
  if (s.region.size() > 64 ||
      std::any_of(s.region.begin(), s.region.end(), [](char c) { return !(std::isalnum(static_cast<unsigned char>(c)) || c == '-'); })) {
    throw Error(ErrorKind::usage, "the AWS region is not a region name (a-z, 0-9, -)");
  }

  std::string from;
  if (!endpoint_option.empty()) {
    s.endpoint = endpoint_option, from = "--endpoint";
  } else if (auto e = env("AWS_ENDPOINT_URL_S3"); !e.empty()) {
    s.endpoint = e, from = "AWS_ENDPOINT_URL_S3";
  } else if (auto e2 = env("AWS_ENDPOINT_URL"); !e2.empty()) {
    s.endpoint = e2, from = "AWS_ENDPOINT_URL";
  } else if (auto e3 = get(from_config, "s3.endpoint_url"); !e3.empty()) {
    s.endpoint = e3, from = "profile '" + escape_controls(profile) + "' (s3.endpoint_url)";
  } else if (auto e4 = get(from_config, "endpoint_url"); !e4.empty()) {
    s.endpoint = e4, from = "profile '" + escape_controls(profile) + "' (endpoint_url)";
  }
  if (!s.endpoint.empty()) s.endpoint = normalise_endpoint(s.endpoint, from);

  s.addressing = env("MLOPS_S3_ADDRESSING");
  if (s.addressing.empty()) s.addressing = get(from_config, "s3.addressing_style");
  if (s.addressing == "auto") s.addressing.clear();
  if (!s.addressing.empty() && s.addressing != "path" && s.addressing != "virtual") {
    throw Error(ErrorKind::usage, "unknown S3 addressing style '" + escape_controls(s.addressing) + "'", "path, virtual or auto");
  }
  return s;
}

}  // namespace mlops::remote::s3
