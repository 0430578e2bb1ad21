// SPDX-License-Identifier: MIT
// The stages of mlops.yaml and mlops.lock arrive with any cloned project. Input: an
// mlops.yaml, or (first line `#lock`) an mlops.lock. Stages: only Error{invalid_input} or
// Error{not_found}; what is accepted has paths inside the project and out of .git, disjoint
// outputs and every stage after its upstream. Lock: only Error{invalid_input}; what is
// accepted writes out and reads back the same.
#include "config/project.hpp"
#include "pipeline/lockfile.hpp"
#include "pipeline/stages.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

using namespace mlops;
using namespace mlops::pipeline;

namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "fuzz_pipeline: invariant violated: %s\n", what);
  std::abort();
}

const fs::TempDir& project() {
  static const fs::TempDir dir("/dev/shm", "mlops-fuzz-pipeline-");
  static const bool made = [] {
    std::filesystem::create_directories(dir.path() / ".git");
    fs::write_file_atomic(dir.path() / "raw.csv", "a\n");
    return true;
  }();
  (void)made;
  return dir;
}

bool safe(const std::string& p) {
  return !p.empty() && p[0] != '/' && p != "." && p != ".." && p.rfind("../", 0) != 0 && p.find("/../") == std::string::npos &&
         p != ".git" && p.rfind(".git/", 0) != 0 && p.find('\0') == std::string::npos;
}

void check(const Pipeline& p) {
  std::set<std::string> outs;
  for (std::size_t i = 0; i < p.stages.size(); ++i) {
    const Stage& s = p.stages[i];
    if (s.cmd.empty()) violated("a stage without a command accepted");
    for (std::size_t u : s.upstream)
      if (u >= i) violated("a stage before its upstream");
    for (const auto& d : s.deps)
      if (!safe(d)) violated("unsafe dep accepted");
    for (const auto& o : s.outs) {
      if (!safe(o.path)) violated("unsafe output accepted");
      if (!outs.insert(o.path).second) violated("an output written by two stages accepted");
    }
  }
  for (const auto& o : outs)
    for (auto pos = o.find('/'); pos != std::string::npos; pos = o.find('/', pos + 1))
      if (outs.count(o.substr(0, pos))) violated("nested outputs accepted");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto& root = project().path();
  if (text.rfind("#lock\n", 0) == 0) {
    try {
      fs::write_file_atomic(root / k_lock_file, text, std::filesystem::perms(0644), false);
      const LockFile lock = read_lock(root);
      std::vector<std::string> order;
      for (const auto& [name, e] : lock.stages) order.push_back(name);
      const std::string out = lock_text(lock, order);
      fs::write_file_atomic(root / k_lock_file, out, std::filesystem::perms(0644), false);
      if (lock_text(read_lock(root), order) != out) violated("a lock file does not read back as written");
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::invalid_input) violated("unexpected error kind (lock)");
    }
    return 0;
  }
  try {
    fs::write_file_atomic(root / "mlops.yaml", text, std::filesystem::perms(0644), false);
    const auto cfg = config::load_file(root / "mlops.yaml");
    if (cfg) check(load_pipeline(*cfg, root));
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input && e.kind() != ErrorKind::not_found) violated("unexpected error kind");
  }
  return 0;
}
