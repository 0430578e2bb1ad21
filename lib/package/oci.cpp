// SPDX-License-Identifier: MIT
#include "package/oci.hpp"

#include <mlops/error.hpp>

#include <algorithm>

namespace mlops::package {

std::string media::model_layer(std::string_view kind, bool tar, std::string_view compression) {
  std::string t = "application/vnd.cncf.model.";
  t += kind;
  t += tar ? ".v1.tar" : ".v1.raw";
  if (tar && !compression.empty() && compression != "none") {
    t += "+";
    t += compression;
  }
  return t;
}

nlohmann::json to_json(const Descriptor& d) {
  nlohmann::json j{{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.artifact_type.empty()) j["artifactType"] = d.artifact_type;
  if (d.annotations.is_object() && !d.annotations.empty()) j["annotations"] = d.annotations;
  return j;
}

Descriptor parse_descriptor(const nlohmann::json& j, const std::string& what) {
  auto bad = [&](const std::string& why) { return Error(ErrorKind::invalid_input, what + ": " + why); };
  if (!j.is_object()) throw bad("descriptor is not an object");
  Descriptor d;
  const auto mt = j.find("mediaType");
  const auto dg = j.find("digest");
  const auto sz = j.find("size");
  if (mt == j.end() || !mt->is_string()) throw bad("descriptor has no mediaType");
  if (dg == j.end() || !dg->is_string() || !is_digest(dg->get_ref<const std::string&>()))
    throw bad("descriptor has no valid sha256 digest");
  if (sz == j.end() || !(sz->is_number_unsigned() || (sz->is_number_integer() && sz->get<std::int64_t>() >= 0))) {
    throw bad("descriptor has no valid size");
  }
  d.media_type = *mt;
  d.digest = *dg;
  d.size = sz->get<std::uint64_t>();
  if (const auto at = j.find("artifactType"); at != j.end() && at->is_string()) d.artifact_type = *at;
  if (const auto an = j.find("annotations"); an != j.end()) {
    if (!an->is_object()) throw bad("annotations must be an object");
    for (const auto& [k, v] : an->items()) {
      if (!v.is_string()) throw bad("annotation '" + k + "' must be a string");
    }
    d.annotations = *an;
  }
  return d;
}

bool is_digest(std::string_view s) {
  if (s.size() != 71 || s.substr(0, 7) != "sha256:") return false;
  for (const char c : s.substr(7)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string_view digest_hex(std::string_view digest) {
  const auto colon = digest.find(':');
  return colon == std::string_view::npos ? digest : digest.substr(colon + 1);
}

namespace {

bool alnum_lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  size_t i = 0;
  while (i < name.size()) {  // one component: [a-z0-9]+([._-][a-z0-9]+)*
    if (!alnum_lower(name[i])) return false;
    while (i < name.size() && name[i] != '/') {
      if (alnum_lower(name[i])) {
        ++i;
        continue;
      }
      if (name[i] != '.' && name[i] != '_' && name[i] != '-') return false;
      if (i + 1 >= name.size() || !alnum_lower(name[i + 1])) return false;
      ++i;
    }
    if (i < name.size()) {  // a '/'
      ++i;
      if (i == name.size()) return false;
    }
  }
  return true;
}

}  // namespace

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; };
  if (!word(tag[0])) return false;
  for (const char c : tag) {
    if (!word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

Reference parse_reference(std::string_view s) {
  Reference r;
  const auto colon = s.rfind(':');
  const auto slash = s.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    r.name = std::string(s.substr(0, colon));
    r.tag = std::string(s.substr(colon + 1));
  } else {
    r.name = std::string(s);
    r.tag = "latest";
  }
  if (!valid_name(r.name)) {
    throw Error(ErrorKind::usage, "invalid package name '" + r.name + "'",
                "use lower-case letters, digits and . _ - between them, components joined by '/'");
  }
  if (!valid_tag(r.tag)) {
    throw Error(ErrorKind::usage, "invalid tag '" + r.tag + "'", "a tag is up to 128 of A-Z a-z 0-9 _ . - and does not start with . or -");
  }
  return r;
}

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_port(std::string_view p) {
  if (!all_digits(p) || p.size() > 5) return false;
  const int n = std::stoi(std::string(p));
  return n >= 1 && n <= 65535;
}

bool valid_dns_name(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  std::size_t start = 0;
  for (;;) {
    const auto dot = h.find('.', start);
    const std::string_view label = h.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (const char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

bool valid_registry_host(std::string_view host) {
  if (host.empty() || host.size() > 261) return false;
  std::string_view name = host, port;
  if (host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos || close < 3) return false;
    for (const char c : host.substr(1, close - 1)) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.')) return false;
    }
    const auto rest = host.substr(close + 1);
    if (rest.empty()) return true;
    return rest.front() == ':' && valid_port(rest.substr(1));
  }
  if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    name = host.substr(0, colon);
    port = host.substr(colon + 1);
    if (!valid_port(port)) return false;
  }
  return valid_dns_name(name);
}

std::string RemoteReference::reference() const {
  if (!digest.empty()) return digest;
  return tag.empty() ? "latest" : tag;
}

std::string RemoteReference::str() const {
  std::string s = host.empty() ? repository : host + "/" + repository;
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

RemoteReference parse_remote_reference(std::string_view s) {
  const std::string rule = "a remote package is [HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST]";
  RemoteReference r;
  std::string_view rest = s;
  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    r.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!is_digest(r.digest)) {
      throw Error(ErrorKind::usage, "invalid digest '" + escape_controls(r.digest) + "' in '" + escape_controls(s) + "'",
                  "a digest is sha256: and 64 lower-case hex digits; " + rule);
    }
  }
  // docker's rule: the first component is a host when it has '.' or ':' or is localhost.
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view first = rest.substr(0, slash);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost" || (!first.empty() && first.front() == '[')) {
      if (!valid_registry_host(first)) {
        throw Error(ErrorKind::usage, "invalid registry host '" + escape_controls(first) + "' in '" + escape_controls(s) + "'",
                    "a host is DNS labels or [IPv6], optionally :PORT; " + rule);
      }
      r.host = std::string(first);
      rest = rest.substr(slash + 1);
    }
  }
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find('/', colon) == std::string_view::npos) {
    r.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!valid_tag(r.tag)) {
      throw Error(ErrorKind::usage, "invalid tag '" + escape_controls(r.tag) + "' in '" + escape_controls(s) + "'",
                  "a tag is up to 128 of A-Z a-z 0-9 _ . - and does not start with . or -");
    }
  }
  r.repository = std::string(rest);
  if (!valid_name(r.repository)) {
    throw Error(ErrorKind::usage, "invalid repository name '" + escape_controls(r.repository) + "' in '" + escape_controls(s) + "'",
                "use lower-case letters, digits and . _ - between them, components joined by '/'; " + rule);
  }
  return r;
}

std::string canonical(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict); }

}  // namespace mlops::package
