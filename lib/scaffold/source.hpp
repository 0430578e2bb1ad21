// SPDX-License-Identifier: MIT
// Parsing of --template SPEC, exposed for tests and fuzzing.
#pragma once

#include <string>
#include <utility>

namespace mlops::scaffold {

// "URL@REF" -> {URL, REF}: the ref follows the last '@' that comes after the last '/', so
// user@host, git@host:org/repo and scheme://user:pass@host keep their '@'. REF is "" when
// there is none.
std::pair<std::string, std::string> split_ref(const std::string& spec);
// scheme://... or scp-like user@host:path.
bool looks_like_git_url(const std::string& spec);

}  // namespace mlops::scaffold
