// SPDX-License-Identifier: MIT
// The package section of mlops.yaml arrives with any cloned project: the parser must reject
// every malformed one with mlops::Error, and what it accepts must be safe to use as paths.
#include "package/spec.hpp"

#include <mlops/error.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

using namespace mlops;
using namespace mlops::package;

namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "fuzz_package_spec: invariant violated: %s\n", what);
  std::abort();
}

void check(const Spec& s) {
  if (s.entries.empty()) violated("a package without files accepted");
  if (s.compression != "none" && s.compression != "gzip" && s.compression != "zstd") violated("unknown compression accepted");
  std::set<std::string> seen;
  for (const auto& e : s.entries) {
    if (e.path.empty() || e.path[0] == '/' || e.path == "." || e.path == ".." || e.path.rfind("../", 0) == 0)
      violated("unsafe path accepted");
    if (e.path.find('\0') != std::string::npos) violated("NUL in a path accepted");
    if (!seen.insert(e.path).second) violated("a path listed twice accepted");
    static const std::set<std::string> kinds = {"weight", "weight.config", "dataset", "code", "doc"};
    if (!kinds.count(e.kind)) violated("unknown layer kind");
  }
  if (!s.metadata.is_object()) violated("metadata is not an object");
  (void)s.source.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    check(parse_spec(text, "fuzz", "/project"));
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input && e.kind() != ErrorKind::not_found) violated("unexpected error kind");
  }
  return 0;
}
