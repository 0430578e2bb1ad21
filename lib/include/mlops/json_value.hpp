// SPDX-License-Identifier: MIT
// A JSON value held behind a pointer, so that public headers need only the forward
// declarations of <nlohmann/json_fwd.hpp>: the full <nlohmann/json.hpp> is ~25k lines that
// every translation unit including mlops/exp.hpp would otherwise preprocess. Code that reads
// or builds the value includes <nlohmann/json.hpp> itself and uses `*value` / `value->`.
#pragma once

#include <mlops/api.hpp>

#include <nlohmann/json_fwd.hpp>

#include <memory>

namespace mlops {

class MLOPS_API JsonValue {
 public:
  JsonValue();                             // an empty object
  JsonValue(const nlohmann::json& value);  // NOLINT: implicit, as a json member was
  JsonValue(nlohmann::json&& value);       // NOLINT
  JsonValue(const JsonValue& other);
  JsonValue(JsonValue&& other) noexcept;
  JsonValue& operator=(const JsonValue& other);
  JsonValue& operator=(JsonValue&& other) noexcept;
  ~JsonValue();

  nlohmann::json& operator*();
  const nlohmann::json& operator*() const;  // not noexcept: the shared empty object is made on first use
  nlohmann::json* operator->() { return &**this; }
  const nlohmann::json* operator->() const { return &**this; }

 private:
  // Null only after a move (moving stays cheap and noexcept for vectors of runs); reads then
  // see an empty object and a write allocates again.
  std::unique_ptr<nlohmann::json> m_value;
};

}  // namespace mlops
