// SPDX-License-Identifier: MIT
// What `mlops init --template SPEC` does with SPEC before touching the network: URL@REF
// splitting, credential redaction (logs, errors) and stripping (files, commits), and the
// relative-path check used for manifest paths. Input: the spec. Invariants:
//   - redact/strip leave no userinfo in the authority, and never the password;
//   - url + "@" + ref gives back the spec, and the ref holds no credentials;
//   - is_safe_relative_path agrees with an independent statement of the rule.
#include "core/url.hpp"
#include "scaffold/names.hpp"

#include <mlops/fs.hpp>

// split_ref/looks_like_git_url live in lib/scaffold/source.cpp; they are fuzzed once a
// header exposes them (see tests/fuzz/README.md).
#if __has_include("scaffold/source.hpp")
#include "scaffold/source.hpp"
#define MLOPS_FUZZ_SPLIT_REF 1
#endif

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace mlops;

namespace {

[[noreturn]] void violated(const char* what, std::string_view input, std::string_view output = {}) {
  std::fprintf(stderr, "fuzz_template_spec: invariant violated: %s\n  input:  '%.*s'\n  output: '%.*s'\n", what,
               static_cast<int>(input.size()), input.data(), static_cast<int>(output.size()), output.data());
  std::abort();
}

struct Parts {
  bool has_scheme = false;
  size_t start = 0;  // of the authority
  std::string_view authority;
  size_t userinfo_end = 0;  // start + index after the last '@' of the authority, or start
};

// RFC 3986 split of scheme://authority: the scheme is ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")
// at the very start; the authority ends at the first '/', '?' or '#'.
Parts parts(std::string_view url) {
  Parts p;
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos || scheme == 0) return p;
  const std::string_view name = url.substr(0, scheme);
  const std::string_view alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  if (alpha.find(name[0]) == std::string_view::npos) return p;
  if (name.find_first_not_of(std::string(alpha) + "0123456789+-.") != std::string_view::npos) return p;
  p.has_scheme = true;
  p.start = scheme + 3;
  const size_t end = url.find_first_of("/?#", p.start);
  p.authority = url.substr(p.start, end == std::string_view::npos ? std::string_view::npos : end - p.start);
  const size_t at = p.authority.rfind('@');
  p.userinfo_end = at == std::string_view::npos ? p.start : p.start + at + 1;
  return p;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// The password of scheme://user:password@host, if any.
std::string_view password(std::string_view url) {
  const Parts p = parts(url);
  if (p.userinfo_end == p.start) return {};
  const std::string_view userinfo = url.substr(p.start, p.userinfo_end - 1 - p.start);
  const size_t colon = userinfo.find(':');
  return colon == std::string_view::npos ? std::string_view{} : userinfo.substr(colon + 1);
}

// No credentials may survive: the authority has no '@' (strip) or only the "***@" marker
// (redact), and the password appears only where the rest of the URL already had it.
void check_url(std::string_view url) {
  const std::string redacted = redact_url(url);
  const std::string stripped = strip_url_credentials(url);
  const Parts in = parts(url);
  if (!in.has_scheme) {
    if (redacted != url || stripped != url) violated("a URL without scheme:// was changed", url, redacted + " | " + stripped);
    return;
  }
  const Parts s = parts(stripped);
  if (contains(s.authority, "@")) violated("strip_url_credentials left an '@' in the authority", url, stripped);
  const Parts r = parts(redacted);
  if (r.userinfo_end != r.start && r.authority.substr(0, r.userinfo_end - r.start) != "***@") {
    violated("redact_url left userinfo other than ***@", url, redacted);
  }
  if (contains(r.authority.substr(r.userinfo_end - r.start), "@")) violated("redact_url left an '@'", url, redacted);
  const std::string_view pw = password(url);
  if (!pw.empty()) {
    const std::string rest = std::string(url.substr(0, in.start)) + "***@" + std::string(url.substr(in.userinfo_end));
    if (!contains(rest, pw) && contains(redacted, pw)) violated("redact_url kept the password", url, redacted);
    if (!contains(rest, pw) && contains(stripped, pw)) violated("strip_url_credentials kept the password", url, stripped);
  }
  if (redact_url(redacted) != redacted) violated("redact_url is not idempotent", url, redacted);
  if (strip_url_credentials(stripped) != stripped) violated("strip_url_credentials is not idempotent", url, stripped);
}

// The rule of scaffold::is_safe_relative_path, stated independently.
bool safe_relative_oracle(std::string_view p) {
  if (p.empty() || p.front() == '/' || contains(p, std::string_view("\0", 1)) || contains(p, "\\")) return false;
  if (p.back() == '/') p.remove_suffix(1);  // "files/" is fine
  if (p.empty()) return false;
  for (;;) {
    const size_t slash = p.find('/');
    const std::string_view part = p.substr(0, slash);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    p.remove_prefix(slash + 1);
  }
}

void check_relative_path(std::string_view p) {
  const bool safe = scaffold::is_safe_relative_path(p);
  if (safe != safe_relative_oracle(p)) violated("is_safe_relative_path disagrees with the rule", p, safe ? "safe" : "unsafe");
  if (safe && !fs::is_within("/base", std::filesystem::path("/base") / std::string(p))) {
    violated("a safe relative path leaves its base", p);
  }
}

#ifdef MLOPS_FUZZ_SPLIT_REF
void check_spec(std::string_view spec_view) {
  const std::string spec(spec_view);
  const auto [url, ref] = scaffold::split_ref(spec);
  if (url + (ref.empty() ? "" : "@" + ref) != spec) violated("url@ref does not give back the spec", spec, url + " @ " + ref);
  if (contains(ref, "/") || contains(ref, "@")) violated("a ref with '/' or '@'", spec, ref);
  check_url(url);
  // What load_git logs (redact_url(url), then the ref) and records (strip_url_credentials(url)):
  // the password of the spec must reach neither, unless the rest of the spec has it anyway.
  const Parts in = parts(spec);
  const std::string_view pw = password(spec);
  const std::string rest = spec.substr(0, in.start) + "***@" + spec.substr(in.userinfo_end);
  if (!pw.empty() && !contains(rest, pw)) {
    const std::string logged = redact_url(url);
    const std::string recorded = strip_url_credentials(url);
    if (contains(logged, pw)) violated("the password of URL@REF reaches the log", spec, logged + " at " + ref);
    if (contains(recorded, pw)) violated("the password of URL@REF is recorded", spec, recorded);
  }
  (void)scaffold::looks_like_git_url(spec);
}
#endif

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_url(input);
  check_relative_path(input);
#ifdef MLOPS_FUZZ_SPLIT_REF
  check_spec(input);
#endif
  return 0;
}
