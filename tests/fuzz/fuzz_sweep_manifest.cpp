// SPDX-License-Identifier: MIT
// Sweep manifests (refs/mlops/sweeps/<SWEEP>) come from anyone's repository with a fetch. Only
// Error{invalid_input}; what is accepted keeps the promises sweep_remote.cpp relies on (cwd
// inside the repository, indexes within the points, export names sbatch reads as names, values
// sbatch cannot misread, a git remote without a password) and writes out and reads back the same.
#include "executor/executor.hpp"
#include "exp/sweep_manifest.hpp"

#include <mlops/error.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlops;
using namespace mlops::exp;

namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "fuzz_sweep_manifest: invariant violated: %s\n", what);
  std::abort();
}

const std::string k_sweep = "01J9Z3V5Q8M4T2B7C6D1E0F9GH";

void check(const SweepManifest& m) {
  if (m.id != k_sweep) violated("id");
  if (m.argv.empty()) violated("argv");
  if (!m.cwd.empty() && (m.cwd.front() == '/' || m.cwd == ".." || m.cwd.rfind("../", 0) == 0 || m.cwd.find("/../") != std::string::npos ||
                         (m.cwd.size() >= 3 && m.cwd.compare(m.cwd.size() - 3, 3, "/..") == 0)))
    violated("cwd outside the repository");
  for (const auto& e : m.exports)
    if (!executor::valid_export_name(e)) violated("export name");
  for (const auto& r : m.resources)
    if (!executor::safe_value(r.second)) violated("resource value");
  for (std::size_t i = 0; i < m.points.size(); ++i)
    if (m.points[i].index != i) violated("point index");
  for (const auto& s : m.submissions) {
    if (s.job.empty() && !s.submitting) violated("job id");
    for (const std::size_t i : s.indexes)
      if (i >= m.points.size() || i < s.offset) violated("submission index");
  }
  for (const std::size_t i : m.cancelled)
    if (i >= m.points.size()) violated("cancelled index");
  // The remote reaches git and the tasks' command line: a URL without a password or option.
  if (!m.remote.empty() && (!git_remote_url_problem(m.remote).empty() || m.remote.front() == '-')) violated("remote");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  SweepManifest m;
  try {
    m = parse_sweep_manifest(text, k_sweep);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) violated("an error other than invalid_input");
    return 0;
  }
  check(m);
  const std::string out = sweep_manifest_text(m);
  SweepManifest back;
  try {
    back = parse_sweep_manifest(out, k_sweep);
  } catch (const Error&) {
    violated("an accepted manifest does not read back");
  }
  if (sweep_manifest_text(back) != out) violated("a manifest changed through a write and a read");
  return 0;
}
