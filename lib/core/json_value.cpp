// SPDX-License-Identifier: MIT
#include <mlops/json_value.hpp>

#include <nlohmann/json.hpp>

namespace mlops {

namespace {
const nlohmann::json& empty_object() {
  static const nlohmann::json empty = nlohmann::json::object();
  return empty;
}
}  // namespace

JsonValue::JsonValue() : m_value(std::make_unique<nlohmann::json>(nlohmann::json::object())) {}
JsonValue::JsonValue(const nlohmann::json& value) : m_value(std::make_unique<nlohmann::json>(value)) {}
JsonValue::JsonValue(nlohmann::json&& value) : m_value(std::make_unique<nlohmann::json>(std::move(value))) {}
JsonValue::JsonValue(const JsonValue& other) : m_value(std::make_unique<nlohmann::json>(*other)) {}
JsonValue::JsonValue(JsonValue&& other) noexcept = default;
JsonValue& JsonValue::operator=(const JsonValue& other) {
  if (this != &other) **this = *other;
  return *this;
}
JsonValue& JsonValue::operator=(JsonValue&& other) noexcept = default;
JsonValue::~JsonValue() = default;

nlohmann::json& JsonValue::operator*() {
  if (!m_value) m_value = std::make_unique<nlohmann::json>(nlohmann::json::object());
  return *m_value;
}
const nlohmann::json& JsonValue::operator*() const { return m_value ? *m_value : empty_object(); }

}  // namespace mlops
