// SPDX-License-Identifier: MIT
// The S3 backend. What a server sends is hostile: answers are bounded by the client, XML is
// read only for a few flat elements, no key is built from server data, and a manifest's digest
// is computed here. Object keys: [PREFIX/]REPO/{oci-layout,index.json,blobs/sha256/<hex>}.
#include "remote/s3_backend.hpp"

#include "core/fd.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "remote/file_backend.hpp"
#include "remote/http_client.hpp"
#include "remote/layout.hpp"
#include "remote/listing.hpp"
#include "remote/s3_config.hpp"
#include "remote/s3_sign.hpp"
#include "remote/transfer.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <vector>

namespace mlops::remote {
namespace {

namespace stdfs = std::filesystem;
using http::Method;
using http::Request;
using http::Response;
using package::Descriptor;
using package::IndexEntry;
using Query = std::vector<std::pair<std::string, std::string>>;

constexpr std::uint64_t k_default_multipart_threshold = 64u << 20;  // one PUT up to this size
constexpr std::uint64_t k_default_part_size = 16u << 20;            // S3's minimum is 5 MiB
constexpr std::uint64_t k_max_parts = listing::k_max_s3_parts;      // S3's limit
constexpr std::uint64_t k_max_single_put = 5ull << 30;              // S3's limit for one PUT
constexpr std::uint64_t k_max_xml_answer = 4u << 20;
constexpr int k_index_write_rounds = 8;  // conditional index.json writes lost to another writer

std::uint64_t s3_knob(const char* name, std::uint64_t fallback) {
  // Tuning knobs (and what the tests use to make a few-MiB blob take the multipart path).
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  return end != nullptr && *end == '\0' && n > 0 ? n : fallback;
}

using http::xml_escape;
using http::xml_value;
using listing::printable;

std::string range_sha256(const stdfs::path& path, std::uint64_t offset, std::uint64_t length) {
  Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) throw_errno("cannot read " + path.string());
  Sha256 h;
  std::vector<char> buf(1u << 20);
  while (length > 0) {
    const ssize_t n = ::pread(in.get(), buf.data(), std::min<std::uint64_t>(buf.size(), length), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read " + path.string());
    }
    if (n == 0) throw Error(ErrorKind::invalid_input, path.string() + " is shorter than its descriptor says");
    h.update(buf.data(), static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
    length -= static_cast<std::uint64_t>(n);
  }
  return h.hex();
}

struct Part {
  unsigned number = 0;
  std::uint64_t offset = 0, size = 0;
  std::string etag;
};

// Where requests go and how they are signed: one region's.
struct Where {
  std::string region;
  std::string base;         // scheme://authority
  std::string host;         // authority, as signed (curl sends the same Host)
  std::string path_prefix;  // "/BUCKET" for path-style, "" for virtual-hosted
};

// A region from a server (x-amz-bucket-region, <Region>): a region name or nothing (it is put
// into a host name and a signature).
bool valid_region(std::string_view r) {
  return !r.empty() && r.size() <= 64 &&
         std::all_of(r.begin(), r.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

class S3Backend final : public Backend {
 public:
  S3Backend(Location location, const Options& options, s3::S3Settings settings)
      : m_location(std::move(location)), m_options(options), m_settings(std::move(settings)), m_client(client_options(options)) {
    m_where = where_for(m_settings.region);
    // The journal's name stays what it was when the push started, whatever region it ends in.
    m_journal_base = m_where.base + m_where.path_prefix;
  }

  std::string_view scheme() const noexcept override { return "s3"; }

  std::optional<std::uint64_t> stat_blob(const std::string& repo, const std::string& digest) override {
    return head(key(repo, layout::blob_path(digest)), "blob " + short_digest(digest));
  }

  void put_blob(const std::string& repo, const Descriptor& blob, const stdfs::path& path, const Progress& progress) override {
    const std::string k = key(repo, layout::blob_path(blob.digest));
    const std::uint64_t threshold = s3_knob("MLOPS_S3_MULTIPART_THRESHOLD", k_default_multipart_threshold);
    if (blob.size <= threshold) {
      put_whole(k, blob, path, progress);
      return;
    }
    multipart(k, blob, path, progress);
  }

  void put_whole(const std::string& k, const Descriptor& blob, const stdfs::path& path, const Progress& progress) {
    Request r;
    r.method = Method::put;
    r.body_file = path;
    r.body_length = blob.size;
    r.on_sent = [&](std::uint64_t n) { progress.advance(n); };
    // The payload hash is the blob's digest: signed without reading the file twice.
    const Response a = send(r, k, {}, blob.digest.substr(7));
    if (a.status != 200) fail("upload of blob " + short_digest(blob.digest), a);
  }

  void get_blob(const std::string& repo, const Descriptor& blob, std::uint64_t offset, const BlobSink& sink,
                const Progress& progress) override {
    Request r;
    r.method = Method::get;
    r.sink = [&](const char* d, std::size_t n) { sink(d, n); };
    r.resume = true;
    r.range_from = offset;
    r.on_received = [&](std::uint64_t n) { progress.advance(n); };
    const Response a = send(r, key(repo, layout::blob_path(blob.digest)), {}, std::string(s3::k_empty_sha256));
    if (a.status == 404) throw Error(ErrorKind::not_found, "the remote has no blob " + blob.digest + " in " + repo);
    if (a.status != 200 && a.status != 206) fail("download of blob " + short_digest(blob.digest), a);
  }

  std::optional<Manifest> get_manifest(const std::string& repo, const std::string& reference) override {
    std::string digest = reference, media_type;
    if (!package::is_digest(reference)) {
      const auto entries = read_index(repo).first;
      const IndexEntry* e = layout::find_tag(entries, reference);
      if (e == nullptr) return std::nullopt;
      digest = e->descriptor.digest;
      media_type = e->descriptor.media_type;
    }
    auto body = get_small(key(repo, layout::blob_path(digest)), k_max_manifest_bytes, "manifest " + short_digest(digest));
    if (!body) return std::nullopt;
    Manifest m;
    m.bytes = std::move(body->first);
    m.digest = "sha256:" + sha256_hex(m.bytes);
    // The key names the digest: other bytes under it (a swapped or corrupt object) are not it.
    if (m.digest != digest) {
      throw Error(ErrorKind::invalid_input, "the remote sent a manifest whose digest is " + m.digest + ", not " + digest);
    }
    m.media_type = media_type.empty() ? layout::media_type_of(m.bytes) : media_type;
    return m;
  }

  void put_manifest(const std::string& repo, const Manifest& manifest, const std::string& tag) override {
    if (manifest.digest != "sha256:" + sha256_hex(manifest.bytes)) {
      throw Error(ErrorKind::internal, "manifest digest " + manifest.digest + " is not its content's");
    }
    const std::string blob_key = key(repo, layout::blob_path(manifest.digest));
    if (!head(blob_key, "manifest")) put_small(blob_key, manifest.bytes, "manifest " + short_digest(manifest.digest), {});
    ensure_layout(repo);
    // index.json last, and conditionally: a concurrent writer's tag is not lost where the
    // server honours If-Match / If-None-Match (AWS since 2024, MinIO); elsewhere the last
    // writer wins, as with two `aws s3 cp` of one file.
    const IndexEntry e = layout::entry_for(manifest, tag);
    for (int round = 0;; ++round) {
      auto [entries, etag] = read_index(repo);
      if (!layout::add_entry(entries, e)) return;
      std::vector<std::pair<std::string, std::string>> condition;
      if (etag.empty()) condition.emplace_back("If-None-Match", "*");
      else condition.emplace_back("If-Match", etag);
      const long status = put_small(key(repo, "index.json"), package::index_json_text(entries), "index.json of " + repo, condition, true);
      if (status == 501) {  // a server without conditional writes (older Ceph): the last writer wins
        put_small(key(repo, "index.json"), package::index_json_text(entries), "index.json of " + repo, {});
        return;
      }
      if (status != 412 && status != 409) return;
      if (round + 1 >= k_index_write_rounds) {
        throw Error(RemoteFailure::transient, "index.json of " + repo + " kept changing under this push", "try again");
      }
      log::debug("s3: index.json of {} changed meanwhile (HTTP {}): read again", repo, status);
    }
  }

  std::vector<std::string> list_tags(const std::string& repo) override { return layout::tags(read_index(repo).first, url_of(repo)); }

  std::vector<Descriptor> referrers(const std::string& repo, const std::string& digest) override {
    return layout::referrers(read_index(repo).first, digest, url_of(repo));
  }

  // ListObjects (version 1: s3rver fails to make V2's continuation tokens) under the
  // repository's blobs/sha256/, 1,000 keys a page, each page from the last key of the one before.
  std::optional<std::vector<std::string>> list_blobs(const std::string& repo, std::size_t max_entries) override {
    const std::string prefix = key(repo, "blobs/sha256/");
    std::vector<std::string> out;
    std::string after;
    for (;;) {
      check_interrupted();
      Query q{{"prefix", prefix}};
      if (!after.empty()) q.emplace_back("marker", after);
      Request r;
      r.method = Method::get;
      r.max_body = k_max_xml_answer;
      const Response a = send(r, "", q, std::string(s3::k_empty_sha256));
      if (a.status == 405 || a.status == 501) return std::nullopt;
      if (a.status != 200) fail("ListObjects", a);
      listing::ObjectsPage page = listing::s3_objects_page(a.body, prefix);
      out.insert(out.end(), std::make_move_iterator(page.digests.begin()), std::make_move_iterator(page.digests.end()));
      if (out.size() > max_entries) throw too_many_blobs(repo, max_entries);
      if (!page.truncated) return out;
      if (page.last_key.empty() || page.last_key <= after) return std::nullopt;  // a server that would loop
      after = std::move(page.last_key);
    }
  }

  std::optional<std::string> get_file(const std::string& repo, const std::string& rel, std::uint64_t max) override {
    auto got = get_small(key(repo, rel), max, rel);
    if (!got) return std::nullopt;
    return std::move(got->first);
  }

  void put_file(const std::string& repo, const std::string& rel, const std::string& bytes) override {
    put_small(key(repo, rel), bytes, rel, {});
  }

  void delete_blob(const std::string& repo, const std::string& digest) override {
    Request r;
    r.method = Method::del;
    const Response a = send(r, key(repo, layout::blob_path(digest)), {}, std::string(s3::k_empty_sha256));
    if (a.status != 204 && a.status != 200 && a.status != 404) fail("DELETE blob " + short_digest(digest), a);
  }

 private:
  static http::ClientOptions client_options(const Options& o) {
    http::ClientOptions c;
    c.ca_file = o.ca_file;
    c.plain_http = o.plain_http;
    c.plain_http_secrets = !o.plain_http_from_project;
    if (o.jobs > 0) c.max_in_flight = o.jobs;
    if (std::getenv("MLOPS_HTTP_BACKOFF_MS") != nullptr) {
      c.backoff_base = std::chrono::milliseconds(s3_knob("MLOPS_HTTP_BACKOFF_MS", 250));
    }
    return c;
  }

  Where where_for(const std::string& region) const {
    Where w;
    w.region = region;
    std::string endpoint = m_settings.endpoint;
    const bool aws = endpoint.empty();
    if (aws) endpoint = "https://s3." + region + ".amazonaws.com";
    const auto sep = endpoint.find("://");
    const std::string scheme = endpoint.substr(0, sep);
    std::string authority = endpoint.substr(sep + 3);
    (void)http::parse_url(scheme + "://" + authority + "/");  // Error{usage} unless a valid http(s) URL
    const bool virtual_hosted =
        m_settings.addressing == "virtual" || (m_settings.addressing.empty() && aws && m_location.host.find('.') == std::string::npos);
    if (virtual_hosted) {
      authority = m_location.host + "." + authority;
    } else {
      w.path_prefix = "/" + m_location.host;
    }
    w.base = scheme + "://" + authority;
    w.host = authority;
    return w;
  }

  Where where() {
    const std::lock_guard guard(m_where_mutex);
    return m_where;
  }

  // The region a "wrong region" answer names: 301 PermanentRedirect (or 307/400) with
  // x-amz-bucket-region, or 400 AuthorizationHeaderMalformed with <Region> in the body.
  static std::optional<std::string> region_of_redirect(const Response& a) {
    if (a.status != 301 && a.status != 307 && a.status != 400) return std::nullopt;
    std::string region = a.headers.get("x-amz-bucket-region").value_or("");
    if (region.empty()) {
      const std::string body = a.body.substr(0, 64u << 10);
      const std::string code = xml_value(body, "Code");
      if (code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" || code == "IllegalLocationConstraintException") {
        region = xml_value(body, "Region");
      }
    }
    if (!valid_region(region)) {
      if (!region.empty()) log::debug("s3: the server named an invalid region: not followed");
      return std::nullopt;
    }
    return region;
  }

  std::string key(const std::string& repo, const std::string& rel) const {
    return (m_location.path.empty() ? "" : m_location.path + "/") + repo + "/" + rel;
  }
  std::string url_of(const std::string& repo) const {
    return "s3://" + m_location.host + "/" + (m_location.path.empty() ? "" : m_location.path + "/") + repo;
  }

  // Signs and sends one request for object `k` (empty: the bucket). A bucket in another region
  // (a redirect naming it) gets the request signed for that region once more, and every later
  // one signed for it too; a second redirect is the answer (never followed round and round).
  Response send(const Request& request, const std::string& k, const Query& query, const std::string& payload_sha256) {
    const Where w = where();
    Response a = send_once(request, k, query, payload_sha256, w);
    const auto region = region_of_redirect(a);
    if (!region || *region == w.region) return a;
    log::debug("s3: the bucket {} is in {}, not {}: signing for it", m_location.host, *region, w.region);
    Where moved = where_for(*region);
    {
      const std::lock_guard guard(m_where_mutex);
      m_where = moved;
    }
    return send_once(request, k, query, payload_sha256, moved);
  }

  Response send_once(Request r, const std::string& k, const Query& query, const std::string& payload_sha256, const Where& w) {
    s3::SignRequest sr;
    sr.method = http::to_string(r.method);
    sr.path = w.path_prefix + "/" + s3::uri_encode(k, true);
    sr.query = query;
    sr.payload_sha256 = payload_sha256;
    sr.amz_date = s3::amz_now();
    sr.region = w.region;
    sr.headers = {{"host", w.host}, {"x-amz-date", sr.amz_date}, {"x-amz-content-sha256", payload_sha256}};
    r.url = w.base + sr.path;
    if (!query.empty()) r.url += "?" + s3::canonical_query(query);
    r.headers.emplace_back("x-amz-date", sr.amz_date);
    r.headers.emplace_back("x-amz-content-sha256", payload_sha256);
    r.secret_headers.clear();
    if (m_settings.credentials) {
      const auto& c = *m_settings.credentials;
      if (!c.session_token.empty()) {
        sr.headers.emplace_back("x-amz-security-token", c.session_token);
        r.secret_headers.emplace_back("x-amz-security-token", c.session_token);
      }
      r.secret_headers.emplace_back("Authorization", s3::authorization(sr, c));
    }
    r.max_redirects = 0;  // S3 redirects to another region's host: the signature would not hold there
    return m_client.send(r);
  }

  [[noreturn]] void fail(const std::string& what, const Response& a) const {
    const std::string code = xml_value(a.body.substr(0, 64u << 10), "Code");
    const std::string shown_code = printable(code, 64) ? " (" + escape_controls(code) + ")" : "";
    const std::string where = "s3://" + m_location.host;
    if (a.status == 401 || a.status == 403) {
      const std::string from = m_settings.credentials ? " from " + m_settings.credentials->source : " (no credentials found)";
      throw Error(RemoteFailure::auth,
                  where + " refused the credentials" + from + ": " + what + ": HTTP " + std::to_string(a.status) + shown_code,
                  "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile (AWS_PROFILE); a non-AWS server needs "
                  "--endpoint or AWS_ENDPOINT_URL_S3");
    }
    if (a.status == 404 && code == "NoSuchBucket") {
      throw Error(RemoteFailure::rejected, "the bucket " + m_location.host + " does not exist at " + m_settings.endpoint,
                  "create it first (aws s3 mb s3://" + m_location.host + "), or check --endpoint / AWS_ENDPOINT_URL_S3");
    }
    if (a.status >= 300 && a.status < 400) {
      throw Error(RemoteFailure::rejected, where + ": " + what + ": HTTP " + std::to_string(a.status) + shown_code,
                  "the bucket is in another region: give it with --region (or the remote's region, AWS_REGION)");
    }
    const RemoteFailure cls = a.status >= 500 || a.status == 408 || a.status == 429 ? RemoteFailure::transient : RemoteFailure::rejected;
    throw Error(cls, where + ": " + what + ": HTTP " + std::to_string(a.status) + shown_code);
  }

  std::optional<std::uint64_t> head(const std::string& k, const std::string& what) {
    Request r;
    r.method = Method::head;
    const Response a = send(r, k, {}, std::string(s3::k_empty_sha256));
    if (a.status == 404) return std::nullopt;
    if (a.status != 200) fail("HEAD " + what, a);
    try {
      return http::content_length(a.headers).value_or(0);
    } catch (const Error& e) {
      throw Error(RemoteFailure::rejected, "s3://" + m_location.host + ": " + e.what() + " for " + what);
    }
  }

  // A small object's bytes and ETag; nullopt when absent.
  std::optional<std::pair<std::string, std::string>> get_small(const std::string& k, std::uint64_t max, const std::string& what) {
    Request r;
    r.method = Method::get;
    r.max_body = max;
    const Response a = send(r, k, {}, std::string(s3::k_empty_sha256));
    if (a.status == 404) return std::nullopt;
    if (a.status != 200) fail("GET " + what, a);
    return std::make_pair(a.body, a.headers.get("etag").value_or(""));
  }

  long put_small(const std::string& k, const std::string& bytes, const std::string& what,
                 const std::vector<std::pair<std::string, std::string>>& headers, bool conditional = false) {
    Request r;
    r.method = Method::put;
    r.body = bytes;
    r.headers = headers;
    const Response a = send(r, k, {}, sha256_hex(bytes));
    if (conditional && (a.status == 412 || a.status == 409 || a.status == 501)) return a.status;
    if (a.status != 200) fail("upload of " + what, a);
    return a.status;
  }

  void ensure_layout(const std::string& repo) {
    {
      const std::lock_guard guard(m_mutex);
      if (m_layout_done.count(repo) != 0) return;
    }
    const std::string k = key(repo, "oci-layout");
    if (!head(k, "oci-layout")) put_small(k, std::string(layout::k_oci_layout), "oci-layout of " + repo, {});
    const std::lock_guard guard(m_mutex);
    m_layout_done.insert(repo);
  }

  std::pair<std::vector<IndexEntry>, std::string> read_index(const std::string& repo) {
    auto got = get_small(key(repo, "index.json"), k_max_layout_index_bytes, "index.json of " + repo);
    if (!got) return {};
    return {layout::parse_index(got->first, url_of(repo) + "/index.json"), got->second};
  }

  // ---- multipart upload ----
  stdfs::path journal_path(const std::string& k) const {
    if (m_options.state_dir.empty()) return {};
    return m_options.state_dir / "uploads" / ("s3-" + sha256_hex(m_journal_base + "/" + k) + ".json");
  }

  struct Journal {
    std::string upload_id;
    std::uint64_t part_size = 0, size = 0;
    std::map<unsigned, std::string> etags;
  };

  std::optional<Journal> read_journal(const stdfs::path& p) const {
    std::error_code ec;
    if (p.empty() || !stdfs::is_regular_file(p, ec)) return std::nullopt;
    try {
      const auto j = parse_json(fs::read_file(p, 4u << 20), "upload journal", 4);
      Journal out;
      out.upload_id = j.at("upload_id").get<std::string>();
      out.part_size = j.at("part_size").get<std::uint64_t>();
      out.size = j.at("size").get<std::uint64_t>();
      // A part size that would cut the blob into more parts than S3 allows (part_size 1: millions
      // of one-byte PUTs) or part numbers outside 1..10000 are not a journal we wrote.
      if (out.part_size == 0 || (out.size + out.part_size - 1) / out.part_size > k_max_parts) return std::nullopt;
      for (const auto& [n, etag] : j.at("parts").items()) {
        const std::uint64_t number = http::parse_decimal(n).value_or(0);
        if (number == 0 || number > k_max_parts || !printable(etag.get<std::string>(), 256)) return std::nullopt;
        out.etags[static_cast<unsigned>(number)] = etag.get<std::string>();
      }
      if (!printable(out.upload_id, 1024)) return std::nullopt;
      return out;
    } catch (const std::exception&) {
      return std::nullopt;  // a damaged journal: start a new upload
    }
  }

  void write_journal(const stdfs::path& p, const Journal& j) const {
    if (p.empty()) return;
    nlohmann::json parts = nlohmann::json::object();
    for (const auto& [n, etag] : j.etags) parts[std::to_string(n)] = etag;
    std::error_code ec;
    stdfs::create_directories(p.parent_path(), ec);
    fs::write_file_atomic(p, json_text({{"upload_id", j.upload_id}, {"part_size", j.part_size}, {"size", j.size}, {"parts", parts}}) + "\n",
                          stdfs::perms(0600));
  }

  static void remove_journal(const stdfs::path& p) {
    std::error_code ec;
    if (!p.empty()) stdfs::remove(p, ec);
  }

  // The parts the server holds (ListParts, paged); nullopt when it has no ListParts (s3rver)
  // — the journal's own list is used then; Error when the upload is gone.
  std::optional<std::map<unsigned, std::pair<std::string, std::uint64_t>>> list_parts(const std::string& k, const std::string& upload_id) {
    std::map<unsigned, std::pair<std::string, std::uint64_t>> out;
    std::string marker;
    for (int page = 0; page < 20; ++page) {
      Query q{{"uploadId", upload_id}};
      if (!marker.empty()) q.emplace_back("part-number-marker", marker);
      Request r;
      r.method = Method::get;
      r.max_body = k_max_xml_answer;
      const Response a = send(r, k, q, std::string(s3::k_empty_sha256));
      if (a.status == 405 || a.status == 501) return std::nullopt;
      if (a.status == 404) throw Error(ErrorKind::not_found, "the multipart upload is gone");
      if (a.status != 200) fail("ListParts", a);
      listing::PartsPage got = listing::s3_parts_page(a.body, m_location.host);
      for (auto& [n, part] : got.parts) out[n] = std::move(part);
      if (!got.truncated || got.next_marker.empty()) return out;
      marker = std::move(got.next_marker);
    }
    return out;
  }

  void abort_upload(const std::string& k, const std::string& upload_id) {
    try {
      Request r;
      r.method = Method::del;
      const Response a = send(r, k, {{"uploadId", upload_id}}, std::string(s3::k_empty_sha256));
      log::debug("s3: AbortMultipartUpload: HTTP {}", a.status);
    } catch (const Error& e) {
      log::debug("s3: AbortMultipartUpload failed: {}", e.what());
    }
  }

  void multipart(const std::string& k, const Descriptor& blob, const stdfs::path& path, const Progress& progress) {
    std::uint64_t part_size = s3_knob("MLOPS_S3_PART_SIZE", k_default_part_size);
    part_size = std::max(part_size, (blob.size + k_max_parts - 1) / k_max_parts);
    const stdfs::path jpath = journal_path(k);
    Journal j;
    if (auto saved = read_journal(jpath); saved && saved->size == blob.size && saved->part_size > 0) {
      j = std::move(*saved);
      try {
        if (const auto held = list_parts(k, j.upload_id)) {
          j.etags.clear();  // the server's word over the journal's
          for (const auto& [n, p] : *held) {
            const std::uint64_t expect = std::min(j.part_size, blob.size - std::min(blob.size, (n - 1) * j.part_size));
            if (p.second == expect && !p.first.empty()) j.etags[n] = p.first;
          }
        }
        log::debug("s3: resuming the multipart upload of {} ({} parts held)", short_digest(blob.digest), j.etags.size());
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::not_found) throw;
        j = Journal{};
      }
    }
    if (j.upload_id.empty()) {
      j.part_size = part_size;
      j.size = blob.size;
      Request r;
      r.method = Method::post;
      r.max_body = k_max_xml_answer;
      const Response a = send(r, k, {{"uploads", ""}}, std::string(s3::k_empty_sha256));
      if ((a.status == 501 || a.status == 405) && blob.size <= k_max_single_put) {
        // No multipart upload on this server (501 NotImplemented, or 405): one PUT, as for a
        // small blob; an interrupted one starts again.
        log::debug("s3: {} has no multipart upload (HTTP {}): {} in one PUT", m_location.host, a.status, short_digest(blob.digest));
        remove_journal(jpath);
        put_whole(k, blob, path, progress);
        return;
      }
      if (a.status != 200) fail("start of the multipart upload of " + short_digest(blob.digest), a);
      j.upload_id = xml_value(a.body, "UploadId");
      if (!printable(j.upload_id, 1024)) throw Error(RemoteFailure::rejected, "s3://" + m_location.host + " sent no valid UploadId");
      write_journal(jpath, j);
    }

    std::vector<Part> parts;
    for (std::uint64_t off = 0, n = 1; off < blob.size; off += j.part_size, ++n) {
      parts.push_back(Part{static_cast<unsigned>(n), off, std::min(j.part_size, blob.size - off), {}});
    }
    std::mutex journal_mutex;
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (const auto it = j.etags.find(parts[i].number); it != j.etags.end()) {
        parts[i].etag = it->second;
        progress.advance(parts[i].size);
      } else {
        todo.push_back(i);
      }
    }
    try {
      for_each_parallel(todo.size(), m_options.jobs, [&](std::size_t t) {
        check_interrupted();
        Part& p = parts[todo[t]];
        Request r;
        r.method = Method::put;
        r.body_file = path;
        r.body_offset = p.offset;
        r.body_length = p.size;
        r.on_sent = [&](std::uint64_t n) { progress.advance(n); };
        const Response a =
            send(r, k, {{"partNumber", std::to_string(p.number)}, {"uploadId", j.upload_id}}, range_sha256(path, p.offset, p.size));
        if (a.status != 200) fail("upload of part " + std::to_string(p.number) + " of blob " + short_digest(blob.digest), a);
        const auto etag = a.headers.get("etag");
        if (!etag || !printable(*etag, 256)) throw Error(RemoteFailure::rejected, "s3://" + m_location.host + " sent no ETag for a part");
        const std::lock_guard guard(journal_mutex);
        p.etag = *etag;
        j.etags[p.number] = *etag;
        write_journal(jpath, j);
      });
      std::string body = "<CompleteMultipartUpload>";
      for (const auto& p : parts) {
        body += "<Part><PartNumber>" + std::to_string(p.number) + "</PartNumber><ETag>" + xml_escape(p.etag) + "</ETag></Part>";
      }
      body += "</CompleteMultipartUpload>";
      Request r;
      r.method = Method::post;
      r.body = body;
      r.max_body = k_max_xml_answer;
      r.headers.emplace_back("Content-Type", "application/xml");
      const Response a = send(r, k, {{"uploadId", j.upload_id}}, sha256_hex(body));
      // S3 may answer 200 and put the error in the body.
      if (a.status != 200 || a.body.find("<Error>") != std::string::npos) {
        Response shown = a;
        if (shown.status == 200) shown.status = 400;
        fail("completion of the multipart upload of " + short_digest(blob.digest), shown);
      }
    } catch (const Error& e) {
      // Given up (the server refused what we sent): abort, so no parts stay billed. A
      // transient failure, an auth failure or Ctrl-C keeps the upload and its journal for
      // the next run to resume.
      if (e.kind() == ErrorKind::remote && e.remote_failure() == RemoteFailure::rejected) {
        abort_upload(k, j.upload_id);
        remove_journal(jpath);
      }
      throw;
    }
    remove_journal(jpath);
    if (const auto size = head(k, "blob " + short_digest(blob.digest)); !size || *size != blob.size) {
      throw Error(RemoteFailure::rejected, "s3://" + m_location.host + " holds " + (size ? std::to_string(*size) : "no") +
                                               " bytes for blob " + short_digest(blob.digest) + " after its upload, not " +
                                               std::to_string(blob.size));
    }
  }

  Location m_location;
  Options m_options;
  s3::S3Settings m_settings;
  http::Client m_client;
  std::mutex m_where_mutex;  // a region redirect changes m_where while other threads send
  Where m_where;
  std::string m_journal_base;
  std::mutex m_mutex;
  std::set<std::string> m_layout_done;
};

}  // namespace

std::unique_ptr<Backend> open_s3(const Location& location, const Options& options) {
  s3::S3Settings settings = s3::load_settings(options.endpoint, options.region);
  Options o = options;
  // Plain http only to this machine (the endpoint's host decides: BUCKET.localhost, the
  // virtual-hosted name of a bucket on localhost, is loopback too), unless asked.
  if (settings.endpoint.rfind("http://", 0) == 0) {
    const http::UrlParts parts = http::parse_url(settings.endpoint + "/");
    if (http::is_loopback_host(parts.host)) {
      o.plain_http = true;
    } else if (!options.plain_http) {
      throw Error(ErrorKind::usage, "refusing plain http to the S3 endpoint " + settings.endpoint.substr(7) + ": it is not on this machine",
                  "use https, or pass --plain-http if you really mean it");
    }
  }
  return std::make_unique<S3Backend>(location, o, std::move(settings));
}

}  // namespace mlops::remote
