// SPDX-License-Identifier: MIT
// The plain HTTP / WebDAV backend. Writes are made atomic on the server: every file is PUT to
// a temporary name in its final directory and MOVEd into place (a rename there), blobs and
// oci-layout with `Overwrite: F` (content-addressed: what is there is kept), index.json with
// `Overwrite: T` and last. A server without MOVE (405/501) gets the file PUT under its
// final name. Uploads restart from 0 when cut (no partial PUT in HTTP); downloads resume with
// Range into the store's partial blobs and are verified by the caller before they land.
// Nothing a server sends names a path: every URL is built from the repository and digests.
#include "remote/http_backend.hpp"

#include "core/log.hpp"
#include "core/sha256.hpp"
#include "remote/credentials.hpp"
#include "remote/http_client.hpp"
#include "remote/layout.hpp"

#include <mlops/error.hpp>

#include <mutex>
#include <random>
#include <set>

namespace mlops::remote {
namespace {

namespace stdfs = std::filesystem;
using http::Method;
using http::Request;
using http::Response;
using package::Descriptor;
using package::IndexEntry;

bool ok(long status) { return status >= 200 && status < 300; }

std::string random_hex() {
  std::random_device rd;
  std::string out;
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    const unsigned v = rd();
    for (int b = 0; b < 8; ++b) out += hex[(v >> (b * 4)) & 15];
  }
  return out;
}

class HttpBackend final : public Backend {
 public:
  HttpBackend(const Location& location, const Options& options)
      : m_location(location), m_client(client_options(options)), m_base(location.scheme + "://" + location.host) {}

  std::string_view scheme() const noexcept override { return "http"; }

  std::optional<std::uint64_t> stat_blob(const std::string& repo, const std::string& digest) override {
    return stat(repo, layout::blob_path(digest));
  }

  void put_blob(const std::string& repo, const Descriptor& blob, const stdfs::path& path, const Progress& progress) override {
    const auto size = stat_blob(repo, blob.digest);
    if (size && *size == blob.size) {
      progress.advance(blob.size);
      return;
    }
    Request r;
    r.body_file = path;
    r.body_offset = 0;
    r.body_length = blob.size;
    r.on_sent = [&](std::uint64_t n) { progress.advance(n); };
    // A copy of another size is not this blob: replace it.
    put_atomic(repo, layout::blob_path(blob.digest), r, size.has_value());
  }

  void get_blob(const std::string& repo, const Descriptor& blob, std::uint64_t offset, const BlobSink& sink,
                const Progress& progress) override {
    if (offset >= blob.size && blob.size > 0) return;
    Request r;
    r.method = Method::get;
    r.url = url(repo, layout::blob_path(blob.digest));
    r.sink = [&](const char* d, std::size_t n) { sink(d, n); };
    r.on_received = [&](std::uint64_t n) { progress.advance(n); };
    r.resume = true;
    r.range_from = offset;
    const Response a = send(r);
    if (a.status == 404 || a.status == 410) throw Error(ErrorKind::not_found, "the remote has no blob " + blob.digest + " in " + repo);
    if (!ok(a.status)) http::throw_status("GET blob " + blob.digest, a);
  }

  std::optional<Manifest> get_manifest(const std::string& repo, const std::string& reference) override {
    std::string digest = reference, media_type;
    if (!package::is_digest(reference)) {
      const auto entries = read_index(repo);
      const auto it = std::find_if(entries.begin(), entries.end(), [&](const IndexEntry& e) { return e.ref == reference; });
      if (it == entries.end()) return std::nullopt;
      digest = it->descriptor.digest;
      media_type = it->descriptor.media_type;
    }
    Request r;
    r.method = Method::get;
    r.url = url(repo, layout::blob_path(digest));
    r.max_body = k_max_manifest_bytes;
    Response a;
    try {
      a = send(r);
    } catch (const Error& e) {
      if (std::string(e.what()).find("over the limit") != std::string::npos) {
        throw Error(ErrorKind::invalid_input,
                    "the manifest " + reference + " in " + repo + " is over " + std::to_string(k_max_manifest_bytes) + " bytes: refused");
      }
      throw;
    }
    if (a.status == 404 || a.status == 410) return std::nullopt;
    if (!ok(a.status)) http::throw_status("GET manifest " + reference, a);
    Manifest m;
    m.bytes = std::move(a.body);
    m.digest = "sha256:" + sha256_hex(m.bytes);
    if (m.digest != digest) {
      throw Error(ErrorKind::invalid_input, "the remote sent a manifest whose digest is " + m.digest + ", not " + digest);
    }
    if (media_type.empty()) {
      const auto j = nlohmann::json::parse(m.bytes, nullptr, false);
      if (j.is_object()) {
        if (const auto mt = j.find("mediaType"); mt != j.end() && mt->is_string()) media_type = mt->get<std::string>().substr(0, 255);
      }
    }
    m.media_type = media_type;
    return m;
  }

  void put_manifest(const std::string& repo, const Manifest& manifest, const std::string& tag) override {
    if (!stat(repo, "oci-layout")) {
      Request r;
      r.body = std::string(layout::k_oci_layout);
      put_atomic(repo, "oci-layout", r, false);
    }
    if (const auto size = stat(repo, layout::blob_path(manifest.digest)); !size || *size != manifest.bytes.size()) {
      Request r;
      r.body = manifest.bytes;
      put_atomic(repo, layout::blob_path(manifest.digest), r, size.has_value());
    }
    // index.json last, read-modify-write: one writer at a time in this process; two pushes
    // from two machines to the same repository at the same moment may lose one's tag (WebDAV
    // servers such as nginx offer no conditional MOVE to prevent it).
    const std::lock_guard guard(m_index_mutex);
    auto entries = read_index(repo);
    if (!layout::add_entry(entries, layout::entry_for(manifest, tag))) return;
    Request r;
    r.body = package::index_json_text(entries);
    r.headers = {{"Content-Type", "application/json"}};
    put_atomic(repo, "index.json", r, true);
  }

  // The pipeline's run cache: `runs/<key>.json` beside the layout, as on file:// (PUT to a
  // temporary name, then MOVE over any older copy).
  std::optional<std::string> get_file(const std::string& repo, const std::string& rel, std::uint64_t max) override {
    Request r;
    r.method = Method::get;
    r.url = url(repo, rel);
    r.max_body = max;
    Response a;
    try {
      a = send(r);
    } catch (const Error& e) {
      if (std::string(e.what()).find("over the limit") != std::string::npos)
        throw Error(ErrorKind::invalid_input, shown(repo) + "/" + rel + " is over " + std::to_string(max) + " bytes: refused");
      throw;
    }
    if (a.status == 404 || a.status == 410) return std::nullopt;
    if (!ok(a.status)) http::throw_status("GET " + shown(repo) + "/" + rel, a);
    return std::move(a.body);
  }

  void put_file(const std::string& repo, const std::string& rel, const std::string& bytes) override {
    Request r;
    r.body = bytes;
    put_atomic(repo, rel, r, true);
  }

  std::vector<std::string> list_tags(const std::string& repo) override { return layout::tags(read_index(repo), shown(repo)); }

  std::vector<Descriptor> referrers(const std::string& repo, const std::string& digest) override {
    return layout::referrers(read_index(repo), digest, shown(repo));
  }

 private:
  static http::ClientOptions client_options(const Options& o) {
    http::ClientOptions c;
    c.ca_file = o.ca_file;
    c.plain_http = o.plain_http;
    c.plain_http_secrets = !o.plain_http_from_project;
    if (o.jobs > 0) c.max_in_flight = o.jobs;
    if (const char* b = std::getenv("MLOPS_HTTP_BACKOFF_MS"); b != nullptr && *b != '\0') {
      c.backoff_base = std::chrono::milliseconds(http::parse_decimal(b).value_or(250));
    }
    return c;
  }

  std::string full_repo(const std::string& repo) const { return m_location.path.empty() ? repo : m_location.path + "/" + repo; }
  std::string url(const std::string& repo, const std::string& rel) const { return m_base + "/" + full_repo(repo) + "/" + rel; }
  std::string shown(const std::string& repo) const { return m_base + "/" + full_repo(repo); }

  std::optional<std::uint64_t> stat(const std::string& repo, const std::string& rel) {
    Request r;
    r.method = Method::head;
    r.url = url(repo, rel);
    const Response a = send(r);
    if (a.status == 404 || a.status == 410) return std::nullopt;
    if (!ok(a.status)) http::throw_status("HEAD " + rel, a);
    try {
      return http::content_length(a.headers).value_or(0);
    } catch (const Error& e) {
      throw Error(RemoteFailure::rejected, std::string(e.what()) + " for " + shown(repo) + "/" + rel);
    }
  }

  std::vector<IndexEntry> read_index(const std::string& repo) {
    Request r;
    r.method = Method::get;
    r.url = url(repo, "index.json");
    r.max_body = k_max_layout_index_bytes;
    Response a;
    try {
      a = send(r);
    } catch (const Error& e) {
      if (std::string(e.what()).find("over the limit") != std::string::npos) {
        throw Error(ErrorKind::invalid_input,
                    shown(repo) + "/index.json is over " + std::to_string(k_max_layout_index_bytes) + " bytes: refused");
      }
      throw;
    }
    if (a.status == 404 || a.status == 410) return {};
    if (!ok(a.status)) http::throw_status("GET index.json of " + repo, a);
    return layout::parse_index(a.body, shown(repo) + "/index.json");
  }

  // `body` (its body fields and on_sent) PUT at URL/REPO/REL atomically: to a temporary name
  // beside it, then MOVE. Without `overwrite`, a file already there is kept (412).
  void put_atomic(const std::string& repo, const std::string& rel, Request body, bool overwrite) {
    const auto slash = rel.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : rel.substr(0, slash + 1);
    const std::string temp = dir + ".upload-" + random_hex();
    body.method = Method::put;
    body.url = url(repo, temp);
    // The collections first, once per directory: nginx without create_full_put_path answers a
    // PUT under a missing one with 500 (retried in vain), Apache with 409.
    make_collections(repo, dir, false);
    Response a = send(body);
    if (a.status == 409 || a.status == 404) {  // a collection above it is still missing: MKCOL, then once more
      make_collections(repo, dir, true);
      a = send(body);
    }
    if (!ok(a.status)) http::throw_status("PUT " + shown(repo) + "/" + rel, a);
    try {
      Request move;
      move.method = Method::move;
      move.url = body.url;
      move.headers = {{"Destination", url(repo, rel)}, {"Overwrite", overwrite ? "T" : "F"}};
      const Response m = send(move);
      if (m.status == 412) {  // there already (another push): content-addressed, kept
        remove_quietly(body.url);
      } else if (m.status == 405 || m.status == 501) {
        // No MOVE (a plain PUT store): the file under its final name, not atomic there.
        log::debug("http: {} has no MOVE (HTTP {}): PUT in place", m_location.host, m.status);
        remove_quietly(body.url);
        body.url = url(repo, rel);
        const Response p = send(body);
        if (!ok(p.status)) http::throw_status("PUT " + shown(repo) + "/" + rel, p);
      } else if (!ok(m.status)) {
        http::throw_status("MOVE into " + shown(repo) + "/" + rel, m);
      }
    } catch (...) {
      remove_quietly(body.url);
      throw;
    }
  }

  void remove_quietly(const std::string& u) {
    try {
      Request r;
      r.method = Method::del;
      r.url = u;
      r.retry = false;
      (void)send(r);
    } catch (const Error&) {
      // what is left is a temporary name nothing reads
    }
  }

  // MKCOL each collection from the repository's base down to `dir` (a WebDAV server without
  // create_full_put_path needs them); "already there" answers are fine. Not `strict`: any
  // refusal but an auth failure is left for the PUT to answer (a store without MKCOL that
  // makes its directories itself).
  void make_collections(const std::string& repo, const std::string& dir, bool strict) {
    const std::string path = full_repo(repo) + "/" + dir;
    std::string so_far;
    std::size_t start = 0;
    while (start < path.size()) {
      const auto slash = path.find('/', start);
      if (slash == std::string::npos) break;
      so_far += path.substr(start, slash - start) + "/";
      start = slash + 1;
      {
        const std::lock_guard guard(m_collections_mutex);
        if (m_collections.count(so_far) != 0) continue;
      }
      Request r;
      r.method = Method::mkcol;
      r.url = m_base + "/" + so_far;
      r.retry = strict;
      const Response a = send(r);
      if (!ok(a.status) && a.status != 405 && a.status != 301) {
        if (strict) http::throw_status("MKCOL " + m_base + "/" + so_far, a);
        log::debug("http: MKCOL {}/{}: HTTP {}; the PUT will tell", m_base, so_far, a.status);
        return;
      }
      const std::lock_guard guard(m_collections_mutex);
      m_collections.insert(so_far);
    }
  }

  // Credentials (`mlops login`, Docker's config, then ~/.netrc) go with every request once the
  // server asked for them, only to this origin (the client drops them on a redirect to
  // another one).
  Response send(Request r) {
    for (int round = 0;; ++round) {
      r.secret_headers.clear();
      const auto auth = authorization();
      if (auth) r.secret_headers.push_back({"Authorization", *auth});
      Response a = m_client.send(r);
      if (a.status != 401) return a;
      if (auth || round > 0) {
        throw Error(RemoteFailure::auth, m_location.host + " refused the credentials" + credential_source(),
                    "log in with 'mlops login " + m_location.host + "', or fix its entry in ~/.netrc");
      }
      const auto& cred = credential();
      if (!cred || cred->identity_token) {
        throw Error(RemoteFailure::auth, m_location.host + " asks for credentials (none found)",
                    "log in with 'mlops login " + m_location.host + "', or add it to ~/.netrc");
      }
      const std::lock_guard guard(m_auth_mutex);
      m_auth_wanted = true;
    }
  }

  std::optional<std::string> authorization() {
    {
      const std::lock_guard guard(m_auth_mutex);
      if (!m_auth_wanted) return std::nullopt;
    }
    const auto& cred = credential();
    if (!cred) return std::nullopt;
    return basic_authorization(*cred);
  }

  const std::optional<Credential>& credential() {
    std::call_once(m_credential_once, [this] {
      m_credential = find_registry_credential(m_location.host);
      if (!m_credential) m_credential = find_netrc_credential(m_location.host);
      if (m_credential) log::debug("http: credentials for {} from {}", m_location.host, m_credential->source);
    });
    return m_credential;
  }

  std::string credential_source() {
    const auto& c = credential();
    return c ? " from " + c->source : "";
  }

  Location m_location;
  http::Client m_client;
  std::string m_base;
  std::mutex m_index_mutex;
  std::mutex m_collections_mutex;  // not m_index_mutex: put_manifest holds that while it writes
  std::set<std::string> m_collections;
  std::mutex m_auth_mutex;
  bool m_auth_wanted = false;
  std::once_flag m_credential_once;
  std::optional<Credential> m_credential;
};

}  // namespace

std::unique_ptr<Backend> open_http(const Location& location, const Options& options) {
  return std::make_unique<HttpBackend>(location, options);
}

}  // namespace mlops::remote
