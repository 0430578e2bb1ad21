// SPDX-License-Identifier: MIT
// Naming rules shared by the manifest parser, the answer resolver and the renderer.
#pragma once

#include <mlops/scaffold.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mlops::scaffold {

bool is_identifier(std::string_view s);
bool is_template_name(std::string_view s);
// Built-in variables and lambdas a question may not shadow.
bool is_reserved_name(std::string_view s);
// "3.11" -> "3_11": choice values as they appear in derived names.
std::string name_fragment(std::string_view value);
// framework_is_sklearn, ci_has_github, ...: the names a question adds to the render context.
std::vector<std::string> derived_names(const Question& q);
// Relative, no "..", no empty or "." components, no NUL, no backslash.
bool is_safe_relative_path(std::string_view p);
// True if `s` holds a C0 control character or DEL.
bool has_control_character(std::string_view s);
// printable() is declared in <mlops/scaffold.hpp>.

}  // namespace mlops::scaffold
