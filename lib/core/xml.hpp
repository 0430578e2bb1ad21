// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

namespace mlops {

// Text for XML/HTML content and attribute values (JUnit reports, HTML pages): & < > " '
// escaped, and the C0 control characters XML 1.0 forbids (all but tab and newline) replaced
// by U+FFFD, so a column or run name cannot make the document invalid.
std::string xml_escape(std::string_view text);

}  // namespace mlops
