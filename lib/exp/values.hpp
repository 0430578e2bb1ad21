// SPDX-License-Identifier: MIT
// Params and metrics files as flat, typed key/value maps: {"model.lr": 0.01, "seed": 42}.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

namespace mlops::exp {

// Ordered flat map: nested keys joined with '.', leaves typed (number, string, bool, null);
// lists stay JSON arrays.
using FlatValues = std::map<std::string, nlohmann::json>;

// Parses YAML (YAML 1.1 scalars, as PyYAML reads them) or JSON, by extension and content.
// Error{invalid_input} "<path>:<line>: <problem>".
FlatValues read_values(const std::string& text, const std::string& path);
FlatValues read_values_file(const std::filesystem::path& path);

// "0.01" -> 0.01, "true" -> true, "abc" -> "abc": how a -S value or a plain YAML scalar is typed.
nlohmann::json parse_scalar(const std::string& text);

// Rewrites `text` (the params file at `path`) so that every key in `overrides` has the new
// value. Existing scalar values are replaced in place (comments and layout survive); keys
// that do not exist are an Error{usage} unless `allow_new`, and are then added.
std::string apply_overrides(const std::string& text, const std::string& path, const FlatValues& overrides, bool allow_new);

}  // namespace mlops::exp
