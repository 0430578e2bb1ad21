// SPDX-License-Identifier: MIT
// `mlops exp list --filter EXPR`: any text must parse to a filter or to mlops::Error, and a
// parsed filter must evaluate without crashing on any field values. Nesting deeper than the
// limit is an Error (corpus: deep_parens, deep_not), never a stack overflow.
#include "exp/filter.hpp"

#include <mlops/error.hpp>

#include <cstdint>
#include <string>

using namespace mlops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    exp::Filter f = exp::Filter::parse(text);
    // The names a listing checks, and renaming them as it resolves bare ones.
    for (const auto& n : f.names()) (void)n.name.size();
    f.rename([](const std::string& name) { return "metrics." + name; });
    const nlohmann::json values[] = {nlohmann::json(1.5),     nlohmann::json("abc"),         nlohmann::json(true),
                                     nlohmann::json(nullptr), nlohmann::json::array({1, 2}), nlohmann::json(NAN)};
    for (const auto& v : values) {
      (void)f.matches([&](std::string_view) -> std::optional<nlohmann::json> { return v; },
                      [](std::string_view t) { return t.size() % 2 == 0; });
    }
    (void)f.matches([](std::string_view) -> std::optional<nlohmann::json> { return std::nullopt; }, [](std::string_view) { return false; });
  } catch (const Error&) {
  }
  return 0;
}
