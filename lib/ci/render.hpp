// SPDX-License-Identifier: MIT
// Text helpers shared by the check and report renderers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mlops::ci {

// A number as tables show it: up to 6 significant digits; "-" for none.
std::string number_text(std::optional<double> x);
// "+0.05", "-0.01"; "" when either side is missing.
std::string change_text(std::optional<double> value, std::optional<double> baseline);
// A table cell of GitHub-flavoured Markdown: one line, '|' escaped, control characters shown
// as \xNN, and '<' that could open an HTML tag written as &lt;.
std::string md_cell(std::string_view text);
// Text for XML/HTML content and attributes: & < > " ' escaped, control characters shown as
// \xNN (XML 1.0 cannot hold them at all), invalid UTF-8 likewise.
std::string xml_text(std::string_view text);

}  // namespace mlops::ci
