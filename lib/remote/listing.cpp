// SPDX-License-Identifier: MIT
#include "remote/listing.hpp"

#include "core/json.hpp"
#include "package/oci.hpp"
#include "remote/backend.hpp"
#include "remote/http_parse.hpp"
#include "remote/layout.hpp"

#include <mlops/error.hpp>

#include <algorithm>

namespace mlops::remote::listing {

bool printable(std::string_view s, std::size_t max) {
  return !s.empty() && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

ObjectsPage s3_objects_page(std::string_view xml, std::string_view prefix) {
  ObjectsPage page;
  for (const auto& c : http::xml_values(xml, "Contents")) {
    page.last_key = http::xml_value(c, "Key");
    if (!page.last_key.starts_with(prefix)) continue;
    std::string d = "sha256:" + page.last_key.substr(prefix.size());
    if (package::is_digest(d)) page.digests.push_back(std::move(d));
  }
  page.truncated = http::xml_value(xml, "IsTruncated") == "true";
  return page;
}

PartsPage s3_parts_page(std::string_view xml, const std::string& host) {
  PartsPage page;
  for (const auto& part : http::xml_values(xml, "Part")) {
    const auto n = http::parse_decimal(http::xml_value(part, "PartNumber"));
    const auto size = http::parse_decimal(http::xml_value(part, "Size"));
    if (!n || !size) throw Error(RemoteFailure::rejected, "s3://" + host + " sent an invalid ListParts answer");
    std::string etag = http::xml_value(part, "ETag");
    if (*n == 0 || *n > k_max_s3_parts || !printable(etag, 256)) continue;
    page.parts[static_cast<unsigned>(*n)] = {std::move(etag), *size};
  }
  page.truncated = http::xml_value(xml, "IsTruncated") == "true";
  if (page.truncated) {
    page.next_marker = http::xml_value(xml, "NextPartNumberMarker");
    if (!printable(page.next_marker, 16)) page.next_marker.clear();
  }
  return page;
}

std::vector<std::string> tag_page(std::string_view body, const std::string& what, std::size_t room) {
  layout::check_json_counts(body, what, 8, room, 2 * k_max_tags + 16);
  const auto j = parse_json(body, what, 8);
  std::vector<std::string> tags;
  if (j.is_object() && j.contains("tags") && j["tags"].is_array()) {
    for (const auto& t : j["tags"])
      if (t.is_string()) tags.push_back(t.get<std::string>());
  }
  return tags;
}

}  // namespace mlops::remote::listing
