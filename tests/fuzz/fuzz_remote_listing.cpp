// SPDX-License-Identifier: MIT
// What a remote sends when it lists: S3 ListObjects and ListParts answers (XML read by hand), a
// registry's tag list page and its Link header, a layout's index.json (file://, s3://,
// http(s)://). The first byte chooses (mod 4): 0 ListObjects, 1 ListParts, 2 a tag list page
// (its first line is the page's Link header), 3 index.json; the rest is the answer.
// Checked: only the documented errors; the XML reader equals a plain statement of its rule and
// reads back what xml_escape writes; a page keeps only what its caller may use (digests under
// the prefix, parts 1..10,000 with printable ETags, at most `room` tags); an accepted index.json
// writes out and reads back the same, and its tags and referrers are what it says.
#include "package/oci.hpp"
#include "package/store.hpp"
#include "remote/backend.hpp"
#include "remote/http_parse.hpp"
#include "remote/layout.hpp"
#include "remote/listing.hpp"

#include <mlops/error.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace mlops;
using namespace mlops::remote;

namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "fuzz_remote_listing: invariant violated: %s\n", what);
  std::abort();
}

// The reader's rule as plainly as it can be written (quadratic: each '&' looks for the next
// ';' anywhere; fine on fuzz-sized inputs): the five entities and &#34; &#39; decoded, any other
// '&' kept.
std::vector<std::string> reference_xml_values(std::string_view xml, std::string_view tag) {
  std::vector<std::string> out;
  const std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  for (std::size_t pos = 0;;) {
    const auto b = xml.find(open, pos);
    if (b == std::string_view::npos) break;
    const auto e = xml.find(close, b + open.size());
    if (e == std::string_view::npos) break;
    const std::string_view raw = xml.substr(b + open.size(), e - b - open.size());
    std::string v;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        v += raw[i];
        continue;
      }
      const auto semi = raw.find(';', i);
      const std::string_view ent = semi == std::string_view::npos ? std::string_view() : raw.substr(i + 1, semi - i - 1);
      char c = 0;
      if (ent == "amp") c = '&';
      else if (ent == "lt") c = '<';
      else if (ent == "gt") c = '>';
      else if (ent == "quot" || ent == "#34") c = '"';
      else if (ent == "apos" || ent == "#39") c = '\'';
      if (c == 0) {
        v += '&';
        continue;
      }
      v += c;
      i = semi;
    }
    out.push_back(std::move(v));
    pos = e + close.size();
  }
  return out;
}

void check_xml(std::string_view xml, std::string_view tag) {
  const auto values = http::xml_values(xml, tag);
  if (values != reference_xml_values(xml, tag)) violated("xml_values differs from its rule");
  for (const auto& v : values) {
    if (http::xml_value("<V>" + http::xml_escape(v) + "</V>", "V") != v) violated("xml_escape does not read back");
  }
}

void list_objects(std::string_view xml) {
  static const std::string prefix = "team/mlops-cache/blobs/sha256/";
  for (const char* tag : {"Contents", "Key", "IsTruncated"}) check_xml(xml, tag);
  const listing::ObjectsPage page = listing::s3_objects_page(xml, prefix);
  if (page.digests.size() > http::xml_values(xml, "Contents").size()) violated("more digests than keys");
  for (const auto& d : page.digests)
    if (!package::is_digest(d)) violated("a digest that is not one");
  if (page.truncated != (http::xml_value(xml, "IsTruncated") == "true")) violated("IsTruncated misread");
}

void list_parts(std::string_view xml) {
  for (const char* tag : {"Part", "PartNumber", "Size", "ETag", "NextPartNumberMarker"}) check_xml(xml, tag);
  try {
    const listing::PartsPage page = listing::s3_parts_page(xml, "bucket");
    for (const auto& [n, part] : page.parts) {
      if (n == 0 || n > listing::k_max_s3_parts) violated("a part number outside 1..10000");
      if (!listing::printable(part.first, 256)) violated("an ETag with a control character or over 256 bytes");
    }
    if (!page.next_marker.empty() && (!page.truncated || !listing::printable(page.next_marker, 16))) violated("an unusable marker");
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::remote || e.remote_failure() != RemoteFailure::rejected) violated("ListParts error is not remote/rejected");
  }
}

void tag_page(std::string_view text, std::uint8_t selector) {
  const auto nl = text.find('\n');
  const std::string_view link = text.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  if (const auto next = http::link_next(link); next && next->size() >= link.size()) violated("a Link target longer than its header");
  const std::size_t room = (selector / 4) % 2 == 0 ? k_max_tags : 3;
  try {
    const auto tags = listing::tag_page(body, "the tag list", room);
    if (tags.size() > room) violated("more tags than room");
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) violated("tag page error is not invalid_input");
  }
}

bool same(const std::vector<package::IndexEntry>& a, const std::vector<package::IndexEntry>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto &x = a[i].descriptor, &y = b[i].descriptor;
    if (a[i].ref != b[i].ref || x.media_type != y.media_type || x.digest != y.digest || x.size != y.size ||
        x.artifact_type != y.artifact_type || x.annotations != y.annotations)
      return false;
  }
  return true;
}

void index_json(std::string_view text) {
  std::vector<package::IndexEntry> entries;
  try {
    entries = layout::parse_index(text, "index.json");
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) violated("index.json error is not invalid_input");
    return;
  }
  if (entries.size() > k_max_layout_entries) violated("more entries than the limit");
  for (const auto& e : entries)
    if (!package::is_digest(e.descriptor.digest)) violated("an entry without a valid digest");
  const std::string written = package::index_json_text(entries);
  try {
    if (!same(layout::parse_index(written, "written"), entries)) violated("index.json does not read back the same");
  } catch (const Error&) {
    violated("the index.json written does not read back");
  }
  try {
    const auto tags = layout::tags(entries, "index.json");
    if (!std::is_sorted(tags.begin(), tags.end()) || std::adjacent_find(tags.begin(), tags.end()) != tags.end())
      violated("tags not sorted and unique");
    for (const auto& t : tags) {
      const auto* e = layout::find_tag(entries, t);
      if (e == nullptr || e->ref != t) violated("a listed tag is not found");
    }
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) violated("tags error is not invalid_input");
  }
  for (const auto& e : entries) {
    const auto s = e.descriptor.annotations.find(package::annotation::subject);
    if (s == e.descriptor.annotations.end()) continue;
    const std::string subject = *s;
    try {
      for (const auto& r : layout::referrers(entries, subject, "index.json")) {
        const auto rs = r.annotations.find(package::annotation::subject);
        if (rs == r.annotations.end() || *rs != subject) violated("a referrer of another subject");
      }
    } catch (const Error& x) {
      if (x.kind() != ErrorKind::invalid_input) violated("referrers error is not invalid_input");
    }
    break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: list_objects(text); break;
    case 1: list_parts(text); break;
    case 2: tag_page(text, data[0]); break;
    default: index_json(text); break;
  }
  return 0;
}
