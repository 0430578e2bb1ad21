// SPDX-License-Identifier: MIT
// Parsing of --template SPEC, exposed for tests and fuzzing.
#pragma once

#include <mlops/scaffold.hpp>

#include <string>
#include <utility>
#include <vector>

namespace mlops::scaffold {

// "URL@REF" -> {URL, REF}: the ref follows the last '@' that comes after the last '/', so
// user@host, git@host:org/repo and scheme://user:pass@host keep their '@'. REF is "" when
// there is none.
std::pair<std::string, std::string> split_ref(const std::string& spec);
// scheme://... or scp-like user@host:path.
bool looks_like_git_url(const std::string& spec);

// ---- versions, for `mlops update` ----

// The version of built-in template `name` this binary carries ("" when there is no such
// built-in), and every version it can render: that one and those kept in templates/.versions.
std::string builtin_version(const std::string& name);
std::vector<std::string> builtin_versions(const std::string& name);
// Built-in `name` as it was at `version`; Error{not_found} naming the known versions.
Template load_builtin_version(const std::string& name, const std::string& version);
// The template in the git repository at `url` (a URL, or a local directory's absolute path)
// at `ref` (tag, branch or commit; HEAD when empty).
Template load_git_at(const std::string& url, const std::string& ref);

}  // namespace mlops::scaffold
