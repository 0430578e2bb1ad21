// SPDX-License-Identifier: MIT
// THE scheme table: every remote scheme, what opens it, and the URL and addressing rules
// shared by push, pull and copy. A scheme is added here and nowhere else.
#include "remote/schemes.hpp"

#include "core/url.hpp"
#include "remote/file_backend.hpp"
#include "remote/http_backend.hpp"
#include "remote/oci_backend.hpp"
#include "remote/s3_backend.hpp"

#include <mlops/error.hpp>

#include <algorithm>
#include <array>

namespace mlops::remote {
namespace {

struct Scheme {
  std::string_view name;
  OpenBackend open;          // nullptr: known, not built yet
  std::string_view not_yet;  // what to say then
};

// One scheme per line.
// clang-format off
constexpr std::array k_schemes = {
    Scheme{"oci", open_oci, {}},
    Scheme{"s3", open_s3, {}},
    Scheme{"http", open_http, {}},
    Scheme{"https", open_http, {}},
    Scheme{"file", open_file, {}},
};
// clang-format on

const Scheme* find_scheme(std::string_view name) {
  for (const auto& s : k_schemes) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string known_list() {
  std::string s;
  for (const auto& k : k_schemes) s += (s.empty() ? "" : ", ") + std::string(k.name) + "://";
  return s;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A '.' or '..' segment: a base path with one would name another directory, prefix or
// collection than it seems to (file:///srv/models/../../etc), so it is refused, not resolved.
bool has_dot_segment(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const std::string_view seg = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg == "." || seg == "..") return true;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return false;
}

bool valid_bucket(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  auto edge = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!edge(b.front()) || !edge(b.back())) return false;
  return std::all_of(b.begin(), b.end(), [&](char c) { return edge(c) || c == '.' || c == '-'; }) && b.find("..") == std::string_view::npos;
}

// REPO[:TAG][@DIGEST] at the end of a path: splits off the tag and digest (the tag only
// when its ':' comes after the last '/').
struct Tail {
  std::string path, tag, digest;
};
Tail split_tail(std::string_view path, std::string_view url) {
  Tail t;
  std::string_view rest = path;
  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    t.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!package::is_digest(t.digest)) {
      throw Error(ErrorKind::usage, "invalid digest '" + escape_controls(t.digest) + "' in " + escape_controls(strip_url_credentials(url)),
                  "a digest is sha256: and 64 lower-case hex digits");
    }
  }
  const auto slash = rest.rfind('/');
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    t.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!package::valid_tag(t.tag)) {
      throw Error(ErrorKind::usage, "invalid tag '" + escape_controls(t.tag) + "' in " + escape_controls(strip_url_credentials(url)),
                  "a tag is up to 128 of A-Z a-z 0-9 _ . - and does not start with . or -");
    }
  }
  t.path = std::string(rest);
  return t;
}

void check_repo(const std::string& repo, std::string_view url) {
  try {
    (void)package::parse_reference(repo);
  } catch (const Error& e) {
    throw Error(ErrorKind::usage, "invalid repository '" + escape_controls(repo) + "' in " + escape_controls(strip_url_credentials(url)),
                e.hint());
  }
  if (repo.find(':') != std::string::npos) throw Error(ErrorKind::usage, "invalid repository '" + escape_controls(repo) + "'");
}

}  // namespace

std::vector<std::string> known_schemes() {
  std::vector<std::string> out;
  out.reserve(k_schemes.size());
  for (const auto& s : k_schemes) out.emplace_back(s.name);
  return out;
}

Location parse_location(std::string_view url) {
  const std::string shown = escape_controls(strip_url_credentials(url));
  const auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) {
    throw Error(ErrorKind::usage, "'" + shown + "' is not a remote URL",
                "give SCHEME://..., one of " + known_list() + " (a directory: file:///ABSOLUTE/PATH)");
  }
  std::string scheme(url.substr(0, sep));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
  if (find_scheme(scheme) == nullptr) {
    throw Error(ErrorKind::usage, "unknown remote scheme '" + escape_controls(scheme) + "' in '" + shown + "'",
                "known schemes: " + known_list());
  }
  const std::string_view rest = url.substr(sep + 3);
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    // Never echo what came before the '@': it may be a password.
    throw Error(ErrorKind::usage, "a remote URL may not hold a user name or password: '" + shown + "'",
                "remove them from the URL and run 'mlops login HOST' once; credentials are looked up by host");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    throw Error(ErrorKind::usage, "a remote URL has no query or fragment: '" + shown + "'");
  }
  if (has_control(rest) || rest.find(' ') != std::string_view::npos) {
    throw Error(ErrorKind::usage, "a remote URL may not hold spaces or control characters: '" + shown + "'");
  }
  Location loc;
  loc.scheme = scheme;
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (has_dot_segment(path)) {
    throw Error(ErrorKind::usage, "'" + shown + "' has a '.' or '..' path segment", "give the path without them, as it is");
  }
  if (scheme == "file") {
    if (!authority.empty() && authority != "localhost") {
      throw Error(ErrorKind::usage, "'" + shown + "' is not a file URL of an absolute path", "write file:///ABSOLUTE/PATH (three slashes)");
    }
    std::string p(path);
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (p.empty()) throw Error(ErrorKind::usage, "'" + shown + "' names no directory", "write file:///ABSOLUTE/PATH");
    loc.path = p;
    return loc;
  }
  if (scheme == "s3") {
    if (!valid_bucket(authority)) {
      throw Error(ErrorKind::usage, "invalid S3 bucket '" + escape_controls(authority) + "' in '" + shown + "'",
                  "a bucket is 3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit");
    }
  } else if (!package::valid_registry_host(authority)) {
    throw Error(ErrorKind::usage, "invalid host '" + escape_controls(authority) + "' in '" + shown + "'",
                "write " + scheme + "://HOST[:PORT]/PATH");
  }
  loc.host = std::string(authority);
  std::string p(path);
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  while (!p.empty() && p.back() == '/') p.pop_back();
  if (p.find("//") != std::string::npos) throw Error(ErrorKind::usage, "'" + shown + "' has an empty path component");
  loc.path = p;
  return loc;
}

std::unique_ptr<Backend> open_backend(const Location& location, const Options& options) {
  const Scheme* s = find_scheme(location.scheme);
  if (s == nullptr)
    throw Error(ErrorKind::usage, "unknown remote scheme '" + escape_controls(location.scheme) + "'", "known schemes: " + known_list());
  if (s->open == nullptr)
    throw Error(
        ErrorKind::usage, std::string(s->not_yet),
        "oci:// (registries), s3:// (buckets), http(s):// (WebDAV stores) and file:// (an OCI image layout directory) remotes work today");
  return s->open(location, options);
}

std::string Target::url() const {
  std::string u = location.scheme + "://";
  if (location.scheme == "file") {
    u += location.path;
    if (u.back() != '/') u += '/';
  } else {
    u += location.host + "/";
    if (!location.path.empty()) u += location.path + "/";
  }
  u += repo;
  if (!tag.empty()) u += ":" + tag;
  if (!digest.empty()) u += "@" + digest;
  return u;
}

Target push_target(std::string_view url, std::string_view local_name, std::string_view local_tag) {
  Target t;
  t.location = parse_location(url);
  const std::string shown = escape_controls(strip_url_credentials(url));
  const std::string path = t.location.path;
  // Only the path's last component may carry a tag; a port's ':' is in the host.
  const Tail tail = split_tail(path, url);
  if (!tail.digest.empty()) {
    throw Error(ErrorKind::usage, "a push destination names a tag, not a digest: '" + shown + "'",
                "push to URL/NAME:TAG; the digest is what the remote computes");
  }
  const auto split_last = [&](const std::string& p) {
    // file: the last component is the repository (its layout directory), the rest the base;
    // other schemes: the whole path is the repository's name.
    if (t.location.scheme == "file") {
      const auto s = p.rfind('/');
      t.location.path = s == 0 ? "/" : p.substr(0, s);
      t.repo = p.substr(s + 1);
    } else {
      t.location.path.clear();
      t.repo = p;
    }
  };
  if (!tail.tag.empty()) {
    split_last(tail.path);
    t.tag = tail.tag;
  } else {
    const std::string name(local_name);
    const bool ends_in_name =
        path == name || (path.size() > name.size() && path.compare(path.size() - name.size(), name.size(), name) == 0 &&
                         path[path.size() - name.size() - 1] == '/');
    if (ends_in_name) {
      if (t.location.scheme == "file") {
        t.location.path = path.substr(0, path.size() - name.size());
        while (t.location.path.size() > 1 && t.location.path.back() == '/') t.location.path.pop_back();
        t.repo = name;
      } else {
        split_last(path);
      }
    } else if (t.location.scheme == "file" || path.empty()) {
      t.repo = name;
    } else {
      split_last(path + "/" + name);
    }
    t.tag = std::string(local_tag);
  }
  check_repo(t.repo, url);
  return t;
}

Target package_target(std::string_view url) {
  Target t;
  t.location = parse_location(url);
  const Tail tail = split_tail(t.location.path, url);
  if (t.location.scheme == "file") {
    const auto s = tail.path.rfind('/');
    if (s == std::string::npos || s + 1 == tail.path.size()) {
      throw Error(ErrorKind::usage, "'" + escape_controls(strip_url_credentials(url)) + "' names no package", "write file:///DIR/NAME:TAG");
    }
    t.location.path = s == 0 ? "/" : tail.path.substr(0, s);
    t.repo = tail.path.substr(s + 1);
  } else {
    if (tail.path.empty()) {
      throw Error(ErrorKind::usage, "'" + escape_controls(strip_url_credentials(url)) + "' names no package",
                  "write " + t.location.scheme + "://HOST/NAME:TAG");
    }
    t.location.path.clear();
    t.repo = tail.path;
  }
  t.tag = tail.tag;
  t.digest = tail.digest;
  if (t.tag.empty() && t.digest.empty()) t.tag = "latest";
  check_repo(t.repo, url);
  return t;
}

}  // namespace mlops::remote
