// SPDX-License-Identifier: MIT
// `mlops data` reads PATH.mlops pointers from any cloned repository and directory manifests
// from any store or cache remote. The first byte chooses: odd, a directory manifest (the rest);
// even, a pointer: the first line is the data's name (the pointer is NAME.mlops in a project),
// the rest its text.
// Pointers: only Error{invalid_input}; an accepted one names its own data, a 64-hex digest and
// sizes within the limits, and what `data add` would write for it reads back the same (for the
// fuzzed name too, whatever the text). Manifests: accepted exactly when a plain statement of the
// rule accepts them (relative names in normal form, none in .git, no control character, at most
// 4096 bytes, each once and none inside another).
#include "pipeline/data.hpp"

#include "core/json.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace mlops;
using namespace mlops::pipeline;

namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "fuzz_pipeline_data: invariant violated: %s\n", what);
  std::abort();
}

const fs::TempDir& project() {
  static const fs::TempDir dir("/dev/shm", "mlops-fuzz-data-");
  return dir;
}

// The rule as plainly as it can be said (std::filesystem's own normal form; every prefix of
// every name looked up: quadratic, fine on fuzz-sized input).
bool reference_safe(const std::string& p) {
  if (p.empty() || p.front() == '/' || p.size() > 4096) return false;
  for (unsigned char c : p)
    if (c < 0x20 || c == 0x7f) return false;
  const std::string s = std::filesystem::path(p).lexically_normal().generic_string();
  return s == p && s != "." && s != ".." && !s.starts_with("../") && s.find("/../") == std::string::npos && s != ".git" &&
         !s.starts_with(".git/");
}

bool reference_manifest_ok(const std::string& text) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object() || !doc.contains("entries") || !doc["entries"].is_array()) return false;
  std::vector<std::string> names;
  for (const auto& e : doc["entries"]) {
    if (!e.is_object() || !e.contains("path") || !e["path"].is_string() || !e.contains("sha256") || !e["sha256"].is_string() ||
        !e.contains("size") || !e["size"].is_number_unsigned())
      return false;
    const std::string hex = e["sha256"].get<std::string>();
    if (!reference_safe(e["path"].get<std::string>()) || hex.size() != 64 ||
        hex.find_first_not_of("0123456789abcdef") != std::string::npos || e["size"].get<std::uint64_t>() > (1ull << 40))
      return false;
    names.push_back(e["path"].get<std::string>());
  }
  std::set<std::string> seen;
  for (const auto& n : names)
    if (!seen.insert(n).second) return false;
  for (const auto& n : names)
    for (std::size_t s = n.find('/'); s != std::string::npos; s = n.find('/', s + 1))
      if (seen.count(n.substr(0, s))) return false;
  return true;
}

void manifest(const std::string& text) {
  std::vector<DirEntry> entries;
  const bool ok = manifest_entries_ok(text, entries);
  // The plain rule is quadratic: only on inputs the size fuzzing makes (seeds may be larger).
  if (text.size() <= (64u << 10) && ok != reference_manifest_ok(text)) violated("manifest check differs from its rule");
  if (!ok) return;
  std::set<std::string> seen;
  for (const DirEntry& e : entries) {
    if (!reference_safe(e.path) || e.sha256.size() != 64 || e.size > (1ull << 40)) violated("a bad entry accepted");
    if (!seen.insert(e.path).second) violated("a name accepted twice");
  }
}

// Writes `text` as NAME.mlops, reads it as a pointer; removes it again.
std::optional<Pointer> read_as_pointer(const std::string& name, const std::string& text) {
  const std::filesystem::path file = project().path() / (name + k_pointer_suffix);
  struct Remove {
    const std::filesystem::path& p;
    ~Remove() {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  } remove{file};
  std::FILE* f = std::fopen(file.c_str(), "wb");
  if (f == nullptr || (!text.empty() && std::fwrite(text.data(), 1, text.size(), f) != text.size()) || std::fclose(f) != 0) {
    std::perror(file.c_str());
    std::abort();
  }
  try {
    return read_pointer(project().path(), file);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) violated("pointer error is not invalid_input");
  }
  return std::nullopt;
}

void pointer(std::string_view input) {
  const auto nl = input.find('\n');
  std::string name(input.substr(0, nl));
  const std::string text(nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1));
  // A name the file system takes, that `data add` would version (one UTF-8 component).
  if (name.empty() || name.size() > 200 || name.find('/') != std::string::npos || name.find('\0') != std::string::npos ||
      !is_valid_utf8(name) || name == "." || name == "..")
    name = "data";
  const bool versionable = reference_safe(name);
  if (const auto p = read_as_pointer(name, text)) {
    if (p->out.path != name) violated("a pointer names other data than its own");
    if (p->out.sha256.size() != 64 || p->out.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
      violated("a pointer without a 64-hex digest accepted");
    if (p->out.size > k_max_data_size || (!p->out.nfiles && p->out.size > (1ull << 40)) ||
        (p->out.nfiles && *p->out.nfiles > k_max_data_files))
      violated("a size beyond the limits accepted");
    const auto again = read_as_pointer(name, pointer_text(p->out));
    if (!again || again->out != p->out) violated("a pointer written for what was read does not read back the same");
  }
  if (!versionable) return;
  LockedPath out;
  out.path = name;
  out.sha256 = std::string(64, 'c');
  out.size = text.size();
  const auto written = read_as_pointer(name, pointer_text(out));
  if (!written || written->out != out) violated("the pointer data add writes for this name does not read back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 1) manifest(std::string(text));
  else pointer(text);
  return 0;
}
