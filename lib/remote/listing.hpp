// SPDX-License-Identifier: MIT
// One page of a remote's listing, read as a pure function (unit-tested and fuzzed without a
// server: tests/fuzz/fuzz_remote_listing.cpp): S3 ListObjects and ListParts answers, a
// registry's tag list page. The backends loop over pages and keep the totals; a layout's
// index.json is read by layout::parse_index. Every page came from a server and is hostile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops::remote::listing {

// A ListObjects (version 1) page of keys under `prefix`: the digests of the keys that are
// `prefix` + 64 hex digits, the last key of the page (the next page's marker, whatever it is),
// and whether the server says more pages follow.
struct ObjectsPage {
  std::vector<std::string> digests;  // "sha256:<hex>", in the page's order
  std::string last_key;
  bool truncated = false;
};
ObjectsPage s3_objects_page(std::string_view xml, std::string_view prefix);

inline constexpr std::uint64_t k_max_s3_parts = 10000;  // S3's limit on a multipart upload's parts

// A ListParts page: the parts numbered 1..10,000 with a printable ETag of at most 256 bytes
// (others are left out: a lying server's 100,000 parts do not grow the map), whether more pages
// follow and the next page's marker ("" unless it is at most 16 printable bytes).
// Error{remote, rejected} naming `host` for a part without a decimal number and size.
struct PartsPage {
  std::map<unsigned, std::pair<std::string, std::uint64_t>> parts;  // number → ETag, size
  bool truncated = false;
  std::string next_marker;
};
PartsPage s3_parts_page(std::string_view xml, const std::string& host);

// A registry's tag list page (`{"name": ..., "tags": [...]}`): its string tags in order, the
// rest ignored. Counted before it is parsed (8 levels, at most `room` tags, 2 * k_max_tags + 16
// values: Error{invalid_input} naming `what` beyond, or for text that is not JSON).
std::vector<std::string> tag_page(std::string_view body, const std::string& what, std::size_t room);

// Text a server sent that may go into a request or a message: 1..max bytes, no control character.
bool printable(std::string_view s, std::size_t max);

}  // namespace mlops::remote::listing
