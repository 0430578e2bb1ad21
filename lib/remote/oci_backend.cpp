// SPDX-License-Identifier: MIT
// The OCI distribution backend. What a registry sends is hostile: every answer is bounded by
// the client, Location headers are resolved against the request and kept on the registry's
// origin, a manifest's digest is computed here, and no path is ever built from server data
// (the upload journal's file name is a hash of what we asked for).
#include "remote/oci_backend.hpp"

#include "core/json.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "remote/credentials.hpp"
#include "remote/http_client.hpp"
#include "remote/layout.hpp"
#include "remote/listing.hpp"

#include <mlops/credentials.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>

namespace mlops::remote {
namespace {

namespace stdfs = std::filesystem;
using http::Method;
using http::Request;
using http::Response;

constexpr const char* k_manifest_accept =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";
constexpr std::uint64_t k_default_chunk = 16u << 20;           // PATCH size for large blobs
constexpr std::uint64_t k_default_monolithic_max = 64u << 20;  // one PUT up to this size
constexpr std::uint64_t k_max_chunk_min = 512u << 20;          // a registry's OCI-Chunk-Min-Length, capped
constexpr std::size_t k_max_token_answer = 64u << 10;
constexpr unsigned k_max_failures = 6;  // failed attempts of one chunk (the HTTP client's bound)
constexpr std::size_t k_max_tag_pages = 10000;

std::uint64_t env_size(const char* name, std::uint64_t fallback) {
  // Tuning knobs (and what the tests use to make a few-MiB blob take the chunked path).
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  return end != nullptr && *end == '\0' && n > 0 ? n : fallback;
}

std::string url_escape_query(const std::string& s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string with_query(const std::string& url, const std::string& param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

constexpr const char* k_run_entry_type = "application/vnd.mlops.run-cache.v1+json";

// "runs/<64 hex>.json" -> the tag "run-<hex>" (a tag is at most 128 characters of
// [A-Za-z0-9_.-]); a registry holds no other loose file.
std::string run_tag(const std::string& rel) {
  const std::string hex = rel.size() == 5 + 64 + 5 && rel.starts_with("runs/") && rel.ends_with(".json") ? rel.substr(5, 64) : "";
  if (hex.empty() || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw Error(ErrorKind::usage, "an oci:// remote keeps run-cache entries only, not " + rel);
  return "run-" + hex;
}

class OciBackend final : public Backend {
 public:
  OciBackend(const Location& location, const Options& options)
      : m_location(location), m_options(options), m_client(client_options(location, options)) {
    m_base = std::string(use_http(location, options) ? "http" : "https") + "://" + location.host;
    m_origin = http::origin_of(http::parse_url(m_base + "/"));
  }

  std::string_view scheme() const noexcept override { return "oci"; }

  // `mlops login`: GET /v2/ with `credential` (Basic, or a token fetched with it).
  // Error{auth} when the registry or its token service refuses it.
  void check_credential(Credential credential) {
    std::call_once(m_credential_once, [&] { m_credential = std::move(credential); });
    Request r;
    r.method = Method::get;
    r.url = m_base + "/v2/";
    r.max_attempts = 2;  // an unreachable registry is reported, not waited for
    const Response a = send(r, "");
    if (a.status == 403) http::throw_status("GET /v2/ of " + m_location.host, a);
  }

  std::optional<std::uint64_t> stat_blob(const std::string& repo, const std::string& digest) override {
    Request r;
    r.method = Method::head;
    r.url = repo_url(repo) + "/blobs/" + digest;
    const Response a = send(r, pull_scope(repo));
    if (a.status == 404) return std::nullopt;
    if (a.status != 200) http::throw_status("HEAD blob " + digest, a);
    return http::content_length(a.headers).value_or(0);
  }

  void put_blob(const std::string& repo, const package::Descriptor& blob, const stdfs::path& path, const Progress& progress) override {
    if (const auto size = stat_blob(repo, blob.digest); size && *size == blob.size) {
      progress.advance(blob.size);
      return;
    }
    const stdfs::path journal = journal_path(repo, blob.digest);
    // A session the registry no longer accepts (distribution binds its _state token to the
    // offset, so a PATCH cut off mid-way kills the session) is replaced by a new one: a few
    // times, each starting at 0.
    for (int session_round = 0;; ++session_round) {
      try {
        upload(repo, blob, path, progress, journal);
        break;
      } catch (const SessionLost& lost) {
        remove_journal(journal);
        if (session_round >= 3) http::throw_status("upload of " + blob.digest, lost.answer);
        log::debug("oci: the upload session of {} is gone (HTTP {}): a new one from byte 0", blob.digest, lost.answer.status);
      }
    }
    remove_journal(journal);
  }

  // The registry answered that the upload session is unknown or invalid.
  struct SessionLost {
    Response answer;
  };

  void upload(const std::string& repo, const package::Descriptor& blob, const stdfs::path& path, const Progress& progress,
              const stdfs::path& journal) {
    const auto session_lost = [](const Response& a) {
      return a.status == 404 || (a.status == 400 && a.body.find("BLOB_UPLOAD_INVALID") != std::string::npos);
    };
    std::string session;
    std::uint64_t offset = 0;
    if (auto saved = read_journal(journal)) {
      if (auto at = upload_status(*saved, repo, nullptr); at && *at <= blob.size) {
        session = *saved;
        offset = *at;
        log::debug("oci: resuming the upload of {} at byte {}", blob.digest, offset);
      } else {
        remove_journal(journal);
      }
    }
    std::uint64_t chunk_min = 0;
    if (session.empty()) {
      Request r;
      r.method = Method::post;
      r.url = repo_url(repo) + "/blobs/uploads/";
      const Response a = send(r, push_scope(repo));
      if (a.status != 202) http::throw_status("start an upload of " + blob.digest, a);
      session = location_of(a, r.url);
      if (const auto min = a.headers.get("oci-chunk-min-length")) {
        chunk_min = std::min<std::uint64_t>(http::parse_decimal(*min).value_or(0), k_max_chunk_min);
      }
      write_journal(journal, session);
    }
    const std::uint64_t monolithic_max = env_size("MLOPS_OCI_MONOLITHIC_MAX", k_default_monolithic_max);
    const std::uint64_t chunk = std::max(env_size("MLOPS_OCI_CHUNK_SIZE", k_default_chunk), chunk_min);
    progress.advance(offset);
    bool chunked = offset > 0 || blob.size > monolithic_max;
    unsigned failures = 0;
    while (chunked && offset < blob.size) {
      Request r;
      r.method = Method::patch;
      r.url = session;
      r.body_file = path;
      r.body_offset = offset;
      r.body_length = std::min(chunk, blob.size - offset);
      r.headers = {{"Content-Type", "application/octet-stream"},
                   {"Content-Range", std::to_string(offset) + "-" + std::to_string(offset + r.body_length - 1)}};
      r.on_sent = [&](std::uint64_t n) { progress.advance(n); };
      // A PATCH cut off mid-way is not sent again blindly: the registry is asked how much it
      // holds and the upload goes on from there (OCI distribution's upload status). Registries
      // that drop a session whose chunk was cut (distribution 2.8 compares its stored size
      // with the offset signed into _state) say so here, before a chunk is sent in vain.
      // Failed attempts of one chunk, cut or answered, count against one bound.
      r.resend_after_cut = false;
      r.max_attempts = k_max_failures - failures;
      const Response a = send(r, push_scope(repo));
      failures += a.attempts - (a.status == 0 ? 0 : 1);
      if (a.status == 0) {
        if (failures >= k_max_failures) {
          throw Error(RemoteFailure::transient, "PATCH of " + blob.digest + " at byte " + std::to_string(offset) + ": " + a.body,
                      "check that the server is up and reachable; the next push continues this upload");
        }
        log::debug("oci: the PATCH of {} at byte {} was cut off ({}): asking the registry where the upload stands", blob.digest, offset,
                   a.body);
        Response status;
        const auto at = upload_status(session, repo, &status);
        if (!at) throw SessionLost{status};
        offset = checked_offset(*at, blob);
        continue;
      }
      if (a.status == 202) {
        failures = 0;
        session = location_of(a, session);
        write_journal(journal, session);
        const auto end = range_end(a);
        offset = checked_offset(end ? *end + 1 : offset + r.body_length, blob);
        continue;
      }
      if (a.status == 416) {  // out of step (a retried PATCH the registry had partly taken): ask
        const auto at = upload_status(session, repo, nullptr);
        if (!at) throw SessionLost{a};
        offset = checked_offset(*at, blob);
        continue;
      }
      if (session_lost(a)) throw SessionLost{a};
      if (offset == 0 && (a.status == 405 || a.status == 400 || a.status == 501)) {
        log::debug("oci: the registry refuses chunked uploads (HTTP {}): one PUT", a.status);
        chunked = false;
        break;
      }
      http::throw_status("upload of " + blob.digest, a);
    }
    Request r;
    r.method = Method::put;
    r.url = with_query(session, "digest=" + url_escape_query(blob.digest));
    r.headers = {{"Content-Type", "application/octet-stream"}};
    if (!chunked) {
      r.body_file = path;
      r.body_offset = 0;
      r.body_length = blob.size;
      r.on_sent = [&](std::uint64_t n) { progress.advance(n); };
    }
    const Response a = send(r, push_scope(repo));
    if (a.status != 201) {
      if (session_lost(a)) throw SessionLost{a};
      remove_journal(journal);  // refused (a digest that does not match, ...): start over next time
      http::throw_status("finish the upload of " + blob.digest, a);
    }
  }

  void get_blob(const std::string& repo, const package::Descriptor& blob, std::uint64_t offset, const BlobSink& sink,
                const Progress& progress) override {
    if (offset >= blob.size && blob.size > 0) return;
    Request r;
    r.method = Method::get;
    r.url = repo_url(repo) + "/blobs/" + blob.digest;
    r.sink = [&](const char* d, std::size_t n) { sink(d, n); };
    r.on_received = [&](std::uint64_t n) { progress.advance(n); };
    r.resume = true;
    r.range_from = offset;
    const Response a = send(r, pull_scope(repo));
    if (a.status == 404) throw Error(ErrorKind::not_found, "the registry has no blob " + blob.digest + " in " + repo);
    if (a.status != 200 && a.status != 206) http::throw_status("GET blob " + blob.digest, a);
  }

  bool mount_blob(const std::string& repo, const std::string& from_repo, const std::string& digest) override {
    Request r;
    r.method = Method::post;
    r.url = repo_url(repo) + "/blobs/uploads/?mount=" + url_escape_query(digest) + "&from=" + url_escape_query(full_repo(from_repo));
    const Response a = send(r, push_scope(repo) + " " + pull_scope(from_repo));
    if (a.status == 201) return true;
    if (a.status == 202) {
      // The registry opened an upload instead: cancel it (failures ignored, as the spec says).
      try {
        Request cancel;
        cancel.method = Method::del;
        cancel.url = location_of(a, r.url);
        cancel.retry = false;
        (void)send(cancel, push_scope(repo));
      } catch (const Error&) {
      }
    }
    return false;
  }

  std::optional<Manifest> get_manifest(const std::string& repo, const std::string& reference) override {
    Request r;
    r.method = Method::get;
    r.url = repo_url(repo) + "/manifests/" + reference;
    r.headers = {{"Accept", k_manifest_accept}};
    r.max_body = k_max_manifest_bytes;
    Response a;
    try {
      a = send(r, pull_scope(repo));
    } catch (const Error& e) {
      if (std::string(e.what()).find("over the limit") != std::string::npos) {
        throw Error(ErrorKind::invalid_input,
                    "the manifest " + reference + " in " + repo + " is over " + std::to_string(k_max_manifest_bytes) + " bytes: refused");
      }
      throw;
    }
    if (a.status == 404) return std::nullopt;
    if (a.status != 200) http::throw_status("GET manifest " + reference, a);
    Manifest m;
    m.bytes = std::move(a.body);
    m.digest = "sha256:" + sha256_hex(m.bytes);
    m.media_type = a.headers.get("content-type").value_or("").substr(0, 255);
    if (package::is_digest(reference) && reference != m.digest) {
      throw Error(ErrorKind::invalid_input, "the registry sent a manifest whose digest is " + m.digest + ", not " + reference);
    }
    return m;
  }

  void put_manifest(const std::string& repo, const Manifest& manifest, const std::string& tag) override {
    Request r;
    r.method = Method::put;
    r.url = repo_url(repo) + "/manifests/" + (tag.empty() ? manifest.digest : tag);
    r.headers = {{"Content-Type", manifest.media_type}};
    r.body = manifest.bytes;
    const Response a = send(r, push_scope(repo));
    if (a.status != 201 && a.status != 200) http::throw_status("PUT manifest " + (tag.empty() ? manifest.digest : tag), a);
    // A registry with the referrers API says so with OCI-Subject; one without (distribution
    // 2.8) needs the client to keep the referrers tag schema: an index under sha256-<hex of
    // the subject> listing the manifests that refer to it (OCI distribution 1.1).
    if (!a.headers.get("OCI-Subject")) add_to_referrers_tag(repo, manifest);
  }

  // The pipeline's run cache on a registry, which keeps no loose files: `runs/<key>.json` is an
  // artifact manifest tagged `run-<key>` whose one layer is the file's bytes (config: the
  // empty blob). Registries accept it (distribution 2.8 included) and their gc keeps it.
  std::optional<std::string> get_file(const std::string& repo, const std::string& rel, std::uint64_t max) override {
    const auto m = get_manifest(repo, run_tag(rel));
    if (!m) return std::nullopt;
    const auto j = nlohmann::json::parse(m->bytes, nullptr, false);
    if (!j.is_object() || !j.contains("layers") || !j["layers"].is_array() || j["layers"].size() != 1)
      throw Error(ErrorKind::invalid_input, "the manifest tagged " + run_tag(rel) + " in " + repo + " is not a run-cache entry of mlops");
    const package::Descriptor d = package::parse_descriptor(j["layers"][0], "the manifest tagged " + run_tag(rel));
    if (d.size > max)
      throw Error(ErrorKind::invalid_input,
                  rel + " in " + repo + " is " + std::to_string(d.size) + " bytes, over the " + std::to_string(max) + " mlops reads");
    std::string out;
    get_blob(repo, d, 0,
             [&](const char* data, std::size_t n) {
               if (out.size() + n > d.size) throw Error(ErrorKind::invalid_input, rel + " from the registry is bigger than it said");
               out.append(data, n);
             },
             {});
    if (out.size() != d.size || "sha256:" + sha256_hex(out) != d.digest)
      throw Error(ErrorKind::invalid_input, rel + " from the registry does not match its digest " + d.digest);
    return out;
  }

  void put_file(const std::string& repo, const std::string& rel, const std::string& bytes) override {
    const std::string tag = run_tag(rel);
    const fs::TempDir tmp({}, "mlops-oci-file-");
    const auto blob = [&](const std::string& media_type, const std::string& data, const std::string& name) {
      const stdfs::path f = tmp.path() / name;
      fs::write_file_atomic(f, data, stdfs::perms(0600), false);
      package::Descriptor d{media_type, "sha256:" + sha256_hex(data), data.size(), {}, nlohmann::json::object()};
      put_blob(repo, d, f, {});
      return d;
    };
    const package::Descriptor config = blob(package::media::empty, "{}", "config");
    const package::Descriptor layer = blob(k_run_entry_type, bytes, "layer");
    nlohmann::json doc = {{"schemaVersion", 2},
                          {"mediaType", package::media::manifest},
                          {"artifactType", k_run_entry_type},
                          {"config", package::to_json(config)},
                          {"layers", nlohmann::json::array({package::to_json(layer)})}};
    Manifest m;
    m.media_type = package::media::manifest;
    m.bytes = doc.dump();
    m.digest = "sha256:" + sha256_hex(m.bytes);
    put_manifest(repo, m, tag);
  }

  std::vector<std::string> list_tags(const std::string& repo) override {
    std::vector<std::string> tags;
    std::string url = repo_url(repo) + "/tags/list?n=" + std::to_string(env_size("MLOPS_OCI_TAGS_PAGE", 1000));
    // A tag list that never ends (a Link back to a page already read, or empty pages forever)
    // is refused: pages are bounded as the tags are.
    std::set<std::string> seen;
    for (std::size_t page = 0; !url.empty(); ++page) {
      if (!seen.insert(url).second || page >= k_max_tag_pages) {
        throw Error(ErrorKind::invalid_input, "the tag list of " + repo + " does not end (" +
                                                  std::string(page >= k_max_tag_pages ? "over " + std::to_string(k_max_tag_pages) + " pages"
                                                                                      : "a page links back to an earlier one") +
                                                  "): refused");
      }
      Request r;
      r.method = Method::get;
      r.url = url;
      r.max_body = 8u << 20;
      const Response a = send(r, pull_scope(repo));
      if (a.status == 404) return {};
      if (a.status != 200) http::throw_status("list the tags of " + repo, a);
      for (auto& t : listing::tag_page(a.body, "the tag list of " + repo, k_max_tags - tags.size())) {
        if (tags.size() >= k_max_tags)
          throw Error(ErrorKind::invalid_input, repo + " has over " + std::to_string(k_max_tags) + " tags: refused");
        tags.push_back(std::move(t));
      }
      url.clear();
      if (const auto link = a.headers.get("link")) {
        if (const auto next = http::link_next(*link)) url = same_origin(http::resolve_url(a.final_url, *next));
      }
    }
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
  }

  void add_to_referrers_tag(const std::string& repo, const Manifest& manifest) {
    const auto j = parse_json(manifest.bytes, "manifest " + manifest.digest, 16);
    const auto subject = j.is_object() ? j.find("subject") : j.end();
    if (subject == j.end() || !subject->is_object()) return;
    const package::Descriptor s = package::parse_descriptor(*subject, "the subject of " + manifest.digest);
    package::Descriptor d;
    d.media_type = manifest.media_type;
    d.digest = manifest.digest;
    d.size = manifest.bytes.size();
    if (const auto t = j.find("artifactType"); t != j.end() && t->is_string()) {
      d.artifact_type = t->get<std::string>();
    } else if (const auto c = j.find("config");
               c != j.end() && c->is_object() && c->contains("mediaType") && (*c)["mediaType"].is_string()) {
      d.artifact_type = (*c)["mediaType"].get<std::string>();
    }
    if (const auto an = j.find("annotations"); an != j.end() && an->is_object()) d.annotations = *an;
    const std::string tag = "sha256-" + std::string(package::digest_hex(s.digest));
    nlohmann::json index{{"schemaVersion", 2}, {"mediaType", package::media::index}, {"manifests", nlohmann::json::array()}};
    if (const auto old = get_manifest(repo, tag)) {
      const auto o = parse_json(old->bytes, "the referrers index " + tag, 16);
      if (o.is_object() && o.contains("manifests") && o["manifests"].is_array()) {
        for (const auto& m : o["manifests"]) {
          if (index["manifests"].size() >= k_max_referrers) break;
          if (m.is_object() && m.value("digest", "") != d.digest) index["manifests"].push_back(m);
        }
      }
    }
    index["manifests"].push_back(package::to_json(d));
    std::string bytes = package::canonical(index);
    Request r;
    r.method = Method::put;
    r.url = repo_url(repo) + "/manifests/" + tag;
    r.headers = {{"Content-Type", package::media::index}};
    r.body = std::move(bytes);
    const Response a = send(r, push_scope(repo));
    if (a.status != 201 && a.status != 200) http::throw_status("PUT the referrers index " + tag, a);
  }

  std::vector<package::Descriptor> referrers(const std::string& repo, const std::string& digest) override {
    Request r;
    r.method = Method::get;
    r.url = repo_url(repo) + "/referrers/" + digest;
    r.headers = {{"Accept", "application/vnd.oci.image.index.v1+json"}};
    r.max_body = k_max_manifest_bytes;
    const Response a = send(r, pull_scope(repo));
    std::string index;
    if (a.status == 200) {
      index = a.body;
    } else if (a.status == 404 || a.status == 405 || a.status == 400) {
      // No referrers API (distribution 2.8): the referrers tag schema, sha256-<hex>.
      const auto m = get_manifest(repo, "sha256-" + std::string(package::digest_hex(digest)));
      if (!m) return {};
      index = m->bytes;
    } else {
      http::throw_status("list the referrers of " + digest, a);
    }
    const auto j = parse_json(index, "the referrers of " + digest, 16);
    std::vector<package::Descriptor> out;
    if (!j.is_object() || !j.contains("manifests") || !j["manifests"].is_array()) return out;
    for (const auto& d : j["manifests"]) {
      if (out.size() >= k_max_referrers) {
        throw Error(ErrorKind::invalid_input, "over " + std::to_string(k_max_referrers) + " referrers of " + digest + ": refused");
      }
      out.push_back(package::parse_descriptor(d, "a referrer of " + digest));
    }
    return out;
  }

 private:
  static bool use_http(const Location& l, const Options& o) {
    if (o.plain_http) return true;
    if (o.ca_file) return false;
    std::string host = l.host;
    if (const auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) host.resize(colon);
    return http::is_loopback_host(host);
  }
  static http::ClientOptions client_options(const Location&, const Options& o) {
    http::ClientOptions c;
    c.ca_file = o.ca_file;
    c.plain_http = o.plain_http;
    c.plain_http_secrets = !o.plain_http_from_project;
    if (o.jobs > 0) c.max_in_flight = o.jobs;
    if (const char* b = std::getenv("MLOPS_HTTP_BACKOFF_MS"); b != nullptr && *b != '\0') {
      c.backoff_base = std::chrono::milliseconds(env_size("MLOPS_HTTP_BACKOFF_MS", 250));
    }
    return c;
  }

  std::string full_repo(const std::string& repo) const { return m_location.path.empty() ? repo : m_location.path + "/" + repo; }
  std::string repo_url(const std::string& repo) const { return m_base + "/v2/" + full_repo(repo); }
  std::string pull_scope(const std::string& repo) const { return "repository:" + full_repo(repo) + ":pull"; }
  std::string push_scope(const std::string& repo) const { return "repository:" + full_repo(repo) + ":pull,push"; }

  // A URL the registry gave (Location, Link) must stay on its origin: it is where our
  // credentials go next.
  std::string same_origin(const std::string& url) const {
    if (http::origin_of(http::parse_url(url)) != m_origin) {
      throw Error(RemoteFailure::rejected, "the registry pointed to another host: " + http::origin_of(http::parse_url(url)));
    }
    return url;
  }

  std::string location_of(const Response& a, const std::string& request_url) const {
    const auto loc = a.headers.get("location");
    if (!loc || loc->empty()) throw Error(RemoteFailure::rejected, "the registry sent no upload location");
    return same_origin(http::resolve_url(request_url, *loc));
  }

  // An offset the registry reported: within the blob (a Range past its end, or 2^64-1 that
  // would wrap to 0 once 1 is added, is not an upload of this blob).
  static std::uint64_t checked_offset(std::uint64_t at, const package::Descriptor& blob) {
    if (at > blob.size) {
      throw Error(RemoteFailure::rejected, "the registry says it holds " + std::to_string(at) + " bytes of " + blob.digest +
                                               ", which has " + std::to_string(blob.size));
    }
    return at;
  }

  static std::optional<std::uint64_t> range_end(const Response& a) {
    // "Range: 0-1234" (some registries: "bytes=0-1234"); the last byte the registry holds.
    auto range = a.headers.get("range");
    if (!range) return std::nullopt;
    if (range->rfind("bytes=", 0) == 0) range = range->substr(6);
    const auto dash = range->find('-');
    if (dash == std::string::npos || !http::parse_decimal(range->substr(0, dash))) return std::nullopt;
    return http::parse_decimal(range->substr(dash + 1));
  }

  // How many bytes the session at `url` holds; nullopt when the registry no longer knows it.
  // `answer`: where the registry's answer goes (for the error when the session is gone).
  std::optional<std::uint64_t> upload_status(std::string& url, const std::string& repo, Response* answer) {
    Request r;
    r.method = Method::get;
    r.url = url;
    const Response a = send(r, push_scope(repo));
    if (answer != nullptr) *answer = a;
    if (a.status != 204 && a.status != 202) return std::nullopt;
    // The session's next URL (a registry may sign the offset into it, as distribution does).
    if (const auto loc = a.headers.get("location"); loc && !loc->empty()) url = same_origin(http::resolve_url(url, *loc));
    const auto end = range_end(a);
    if (!end || *end == UINT64_MAX) return 0;
    const auto range = a.headers.get("range").value_or("");
    // "0-0" is what distribution says for an empty session.
    return range == "0-0" || range == "bytes=0-0" ? 0 : *end + 1;
  }

  // ---- the upload journal: upload URLs by (registry, repository, digest), for resuming an
  // upload a killed process started.
  stdfs::path journal_path(const std::string& repo, const std::string& digest) const {
    if (m_options.state_dir.empty()) return {};
    return m_options.state_dir / "uploads" / (sha256_hex(m_location.host + "/" + full_repo(repo) + "@" + digest) + ".json");
  }
  std::optional<std::string> read_journal(const stdfs::path& p) const {
    std::error_code ec;
    if (p.empty() || !stdfs::is_regular_file(p, ec)) return std::nullopt;
    try {
      const auto j = parse_json(fs::read_file(p, 64u << 10), "upload journal", 4);
      if (!j.is_object() || !j.contains("url") || !j["url"].is_string()) return std::nullopt;
      return same_origin(j["url"].get<std::string>());
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  void write_journal(const stdfs::path& p, const std::string& url) const {
    if (p.empty()) return;
    std::error_code ec;
    stdfs::create_directories(p.parent_path(), ec);
    // The URL can hold a session token (_state): private, like the credentials.
    fs::write_file_atomic(p, json_text({{"url", url}}) + "\n", stdfs::perms(0600));
  }
  static void remove_journal(const stdfs::path& p) {
    std::error_code ec;
    if (!p.empty()) stdfs::remove(p, ec);
  }

  // ---- authentication: Basic, or the Bearer token flow, redone on any 401 (a token that
  // expired in the middle of a long upload).
  Response send(Request r, const std::string& scope) {
    for (int round = 0;; ++round) {
      r.secret_headers.clear();
      if (auto auth = authorization(scope)) r.secret_headers.push_back({"Authorization", *auth});
      Response a = m_client.send(r);
      if (a.status != 401 || round >= 2) {
        if (a.status == 401) {
          throw Error(RemoteFailure::auth, "the registry " + m_location.host + " refused the credentials" + credential_source(),
                      "log in with 'mlops login " + m_location.host + "'");
        }
        return a;
      }
      authenticate(a, scope);
    }
  }

  std::optional<std::string> authorization(const std::string& scope) {
    std::lock_guard lock(m_mutex);
    if (const auto it = m_tokens.find(scope); it != m_tokens.end()) return it->second;
    if (m_basic) return *m_basic;
    return std::nullopt;
  }

  const std::optional<Credential>& credential() {
    std::call_once(m_credential_once, [this] {
      m_credential = find_registry_credential(m_location.host);
      if (m_credential) log::debug("oci: credentials for {} from {}", m_location.host, m_credential->source);
    });
    return m_credential;
  }

  std::string credential_source() {
    const auto& c = credential();
    return c ? " from " + c->source : " (none found)";
  }

  void authenticate(const Response& challenge_answer, const std::string& scope) {
    const auto header = challenge_answer.headers.get("www-authenticate").value_or("");
    const auto challenges = http::parse_www_authenticate(header);
    const auto& cred = credential();
    for (const auto& c : challenges) {
      if (c.scheme == "bearer") {
        const std::string token = fetch_token(c, scope, cred);
        std::lock_guard lock(m_mutex);
        m_tokens[scope] = "Bearer " + token;
        return;
      }
    }
    for (const auto& c : challenges) {
      if (c.scheme == "basic") {
        if (!cred || cred->identity_token) break;
        std::lock_guard lock(m_mutex);
        m_basic = basic_authorization(*cred);
        return;
      }
    }
    throw Error(RemoteFailure::auth, "the registry " + m_location.host + " asks for credentials" + credential_source(),
                "log in with 'mlops login " + m_location.host + "' (or docker login)");
  }

  std::string fetch_token(const http::Challenge& c, const std::string& scope, const std::optional<Credential>& cred) {
    const auto realm = c.params.find("realm");
    if (realm == c.params.end() || realm->second.empty())
      throw Error(RemoteFailure::rejected, "the registry sent a token challenge without a realm");
    Request r;
    r.max_body = k_max_token_answer;
    std::string query;
    if (const auto s = c.params.find("service"); s != c.params.end()) query += "service=" + url_escape_query(s->second);
    // Our scopes (a mount asks for two), else the one the registry named.
    std::string scopes = scope;
    if (scopes.empty()) {
      if (const auto s = c.params.find("scope"); s != c.params.end()) scopes = s->second;
    }
    std::size_t start = 0;
    while (start < scopes.size()) {
      const auto space = scopes.find(' ', start);
      const std::string one = scopes.substr(start, space == std::string::npos ? std::string::npos : space - start);
      if (!one.empty()) query += std::string(query.empty() ? "" : "&") + "scope=" + url_escape_query(one);
      if (space == std::string::npos) break;
      start = space + 1;
    }
    if (cred && cred->identity_token) {
      // OAuth2 refresh-token grant (what Docker does with an identity token).
      r.method = Method::post;
      r.url = realm->second;
      r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
      r.body =
          "grant_type=refresh_token&client_id=mlops&refresh_token=" + url_escape_query(cred->secret) + (query.empty() ? "" : "&" + query);
    } else {
      r.method = Method::get;
      r.url = with_query(realm->second, query);
      if (cred) r.secret_headers = {{"Authorization", basic_authorization(*cred)}};
    }
    const Response a = m_client.send(r);
    if (a.status == 401 || a.status == 403) {
      throw Error(RemoteFailure::auth, "the token service of " + m_location.host + " refused the credentials" + credential_source(),
                  "log in with 'mlops login " + m_location.host + "'");
    }
    if (a.status != 200) http::throw_status("get a token for " + m_location.host, a);
    const auto j = parse_json(a.body, "the token answer", 8);
    for (const char* key : {"token", "access_token"}) {
      if (j.is_object() && j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty()) {
        const std::string token = j[key].get<std::string>();
        if (token.size() > 16384 || token.find_first_of("\r\n") != std::string::npos) break;
        return token;
      }
    }
    throw Error(RemoteFailure::rejected, "the token service of " + m_location.host + " sent no token");
  }

  Location m_location;
  Options m_options;
  http::Client m_client;
  std::string m_base, m_origin;
  std::mutex m_mutex;
  std::map<std::string, std::string> m_tokens;  // scope -> "Bearer ..."
  std::optional<std::string> m_basic;
  std::once_flag m_credential_once;
  std::optional<Credential> m_credential;
};

}  // namespace

std::unique_ptr<Backend> open_oci(const Location& location, const Options& options) {
  return std::make_unique<OciBackend>(location, options);
}

std::optional<std::string> check_login(const std::string& host, const std::string& username, const std::string& secret) {
  Location location;
  location.scheme = "oci";
  location.host = host;
  Credential c;
  c.username = username;
  c.secret = secret;
  c.identity_token = username == "<token>";
  c.source = "this login";
  try {
    OciBackend(location, Options{}).check_credential(std::move(c));
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::remote && e.remote_failure() == RemoteFailure::auth) throw;
    if (e.kind() == ErrorKind::interrupted) throw;
    return std::string(e.what());
  }
  return std::nullopt;
}

}  // namespace mlops::remote
