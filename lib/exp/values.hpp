// SPDX-License-Identifier: MIT
// Params and metrics files as flat, typed key/value maps: {"model.lr": 0.01, "seed": 42}.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace mlops::exp {

// The most mlops reads of a project file it finds on its own (params files, mlops.yaml, metrics).
inline constexpr std::size_t k_max_project_file = std::size_t{64} << 20;

// Ordered flat map: nested keys joined with '.', leaves typed (number, string, bool, null);
// lists stay JSON arrays.
using FlatValues = std::map<std::string, nlohmann::json>;

// Parses YAML (YAML 1.1 scalars, as PyYAML reads them) or JSON, by extension and content.
// Error{invalid_input} "<path>:<line>: <problem>".
FlatValues read_values(const std::string& text, const std::string& path);
FlatValues read_values_file(const std::filesystem::path& path);

// Python's json.dump writes NaN, Infinity and -Infinity, which JSON does not have: outside
// strings, those tokens become the strings "NaN", "Infinity" and "-Infinity" (read_values
// does this for JSON files, so one such value does not lose the rest of the file).
std::string python_json_tokens(const std::string& text);

// Non-finite numbers in records: JSON cannot hold them (nlohmann writes null), so a record
// holds the strings "NaN", "Infinity", "-Infinity" instead (docs/formats.md).
nlohmann::json number_json(double x);
// A number, or one of those strings, as a double; nullopt for anything else.
std::optional<double> number_of(const nlohmann::json& v);
// `v` with every non-finite number replaced by its string (params, whose lists stay arrays).
nlohmann::json recordable(const nlohmann::json& v);

// "0.01" -> 0.01, "true" -> true, "abc" -> "abc": how a -S value or a plain YAML scalar is typed.
nlohmann::json parse_scalar(const std::string& text);

// Rewrites `text` (the params file at `path`) so that every key in `overrides` has the new
// value. Existing scalar values are replaced in place (comments and layout survive); keys
// that do not exist are an Error{usage} unless `allow_new`, and are then added.
std::string apply_overrides(const std::string& text, const std::string& path, const FlatValues& overrides, bool allow_new);

}  // namespace mlops::exp
