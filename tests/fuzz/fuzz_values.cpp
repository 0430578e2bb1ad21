// SPDX-License-Identifier: MIT
// Params and metrics files (YAML or JSON, written by users and their training code) and the
// -S overrides applied to them: only mlops::Error may come out, and an override that
// succeeds must read back as the value that was set.
#include "exp/values.hpp"

#include <mlops/error.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlops;
using namespace mlops::exp;

static bool has_nonfinite(const nlohmann::json& j) {
  if (j.is_number_float()) return !std::isfinite(j.get<double>());
  if (j.is_structured()) {
    for (const auto& x : j) {
      if (has_nonfinite(x)) return true;
    }
  }
  return false;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // First line: "KEY=VALUE" override; the rest: the file.
  const size_t nl = input.find('\n');
  const std::string head = nl == std::string::npos ? input : input.substr(0, nl);
  const std::string text = nl == std::string::npos ? "" : input.substr(nl + 1);
  const bool json = !head.empty() && head[0] == '{';
  const std::string path = json ? "params.json" : "params.yaml";
  // Strict JSON has no bare NaN/Infinity tokens: the Python-token pass must leave it alone.
  // (nlohmann's lexer takes a NUL byte for the end of the input: what follows is not JSON.)
  if (text.find('\0') == std::string::npos && nlohmann::json::accept(text) && python_json_tokens(text) != text) {
    std::fprintf(stderr, "fuzz_values: valid JSON changed by python_json_tokens\n");
    std::abort();
  }
  try {
    // What reaches a record holds no number JSON cannot write (NaN would become null).
    for (const auto& [k, v] : read_values(text, path)) {
      if (has_nonfinite(recordable(v))) {
        std::fprintf(stderr, "fuzz_values: %s is not recorded faithfully\n", k.c_str());
        std::abort();
      }
    }
  } catch (const Error&) {
  }
  const size_t eq = head.find('=');
  if (eq == std::string::npos || eq == 0) return 0;
  const std::string key = head.substr(json ? 1 : 0, eq - (json ? 1 : 0));
  if (key.empty()) return 0;
  const nlohmann::json value = parse_scalar(head.substr(eq + 1));
  std::string out;
  try {
    out = apply_overrides(text, path, {{key, value}}, size % 2 == 0);
  } catch (const Error&) {
    return 0;
  }
  FlatValues back;
  try {
    back = read_values(out, path);
  } catch (const Error& e) {
    std::fprintf(stderr, "fuzz_values: the overridden file does not parse: %s\n---\n%s\n---\n", e.what(), out.c_str());
    std::abort();
  }
  auto it = back.find(key);
  const bool nan = value.is_number_float() && value.get<double>() != value.get<double>();
  if (it == back.end() ||
      (!nan && it->second != value && !(it->second.is_number() && value.is_number() && it->second.get<double>() == value.get<double>()))) {
    std::fprintf(stderr, "fuzz_values: %s did not read back as %s\n---\n%s\n---\n", key.c_str(), value.dump().c_str(), out.c_str());
    std::abort();
  }
  return 0;
}
