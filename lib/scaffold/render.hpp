// SPDX-License-Identifier: MIT
// Mustache rendering (kainjow/mustache, a spec-conformant engine) with what scaffolding
// needs on top: per-template delimiters, no HTML escaping, an error for every undefined
// name with its file and line, and the helper lambdas.
#pragma once

#include <mlops/scaffold.hpp>

#include <kainjow/mustache.hpp>

#include <string>
#include <vector>

namespace mlops::scaffold {

class Renderer {
 public:
  Renderer(std::string open, std::string close);

  // Adds `name` (and its derived names, for choice/multichoice questions) to the context.
  void set(const Question& q, const Value& value);
  void set_string(const std::string& name, const std::string& value);
  void add_builtins(const Builtins& b, const Manifest& m);
  // Names that exist but must not be rendered; using one is an error that says so.
  void add_secret(const std::string& name) { m_secrets.push_back(name); }

  // Error{invalid_input} "<origin>:<line>: <problem>" on a syntax error or undefined name.
  std::string render(const std::string& text, const std::string& origin) const;

  // A question's `when`: "true"/"false", a name or "!name" tested for truthiness, or a
  // Mustache string whose rendering is truthy (not "", "false", "0", "no", "off").
  bool truthy(const std::string& when, const std::string& origin) const;

 private:
  std::string m_open, m_close;
  kainjow::mustache::data m_data{kainjow::mustache::data::type::object};
  std::vector<std::string> m_secrets;
};

// Text transformations behind the lambdas, exposed for tests.
std::string to_snake(const std::string& s);
std::string to_kebab(const std::string& s);
std::string to_camel(const std::string& s);

}  // namespace mlops::scaffold
