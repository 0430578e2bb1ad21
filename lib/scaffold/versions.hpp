// SPDX-License-Identifier: MIT
// Template versions as tags name them: "1.2.0" or "v1.2.0", compared number by number.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops::scaffold {

// The numbers of "v1.2.3" / "1.2" (at most 8 parts); nullopt for anything else, pre-releases
// ("1.2.0-rc1") included: an update never moves to one unless asked with --to.
std::optional<std::vector<long>> parse_version(const std::string& text);
// <0, 0, >0 like strcmp; missing parts count as 0 (1.2 == 1.2.0). Both must parse.
int compare_versions(const std::vector<long>& a, const std::vector<long>& b);

struct LatestTag {
  std::string tag;  // the short name, "v1.2.0"
  std::string commit;
};
// The highest version among the tags of `refs` (ref name -> commit), nullopt when none is one.
std::optional<LatestTag> latest_version_tag(const std::map<std::string, std::string>& refs);

}  // namespace mlops::scaffold
