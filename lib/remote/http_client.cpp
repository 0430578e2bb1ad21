// SPDX-License-Identifier: MIT
#include "remote/http_client.hpp"

#include "core/json.hpp"
#include "core/log.hpp"
#include "core/url.hpp"
#include "remote/curl_lib.hpp"

#include <mlops/interrupt.hpp>
#include <mlops/version.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <random>
#include <thread>

namespace mlops::remote::http {

const char* to_string(Method m) noexcept {
  switch (m) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::put: return "PUT";
    case Method::post: return "POST";
    case Method::patch: return "PATCH";
    case Method::del: return "DELETE";
    case Method::move: return "MOVE";
    case Method::mkcol: return "MKCOL";
  }
  return "GET";
}

constexpr std::size_t k_max_error_body = 64u << 10;

// One attempt of one request: what libcurl's callbacks (on the driving thread) fill in.
struct Transfer {
  const Request* request = nullptr;
  Client* client = nullptr;
  std::atomic<std::uint64_t>* sent_total = nullptr;
  std::atomic<std::uint64_t>* received_total = nullptr;
  EasyPtr easy;
  SlistPtr header_list;
  std::string url;
  int body_fd = -1;
  std::uint64_t body_pos = 0;  // within the body
  std::uint64_t body_size = 0;
  std::uint64_t range_from = 0;  // the Range this attempt asked for (0: none)
  std::uint64_t skip = 0;        // bytes of a 200 answer to a Range request to drop
  std::uint64_t sink_bytes = 0;  // bytes given to the sink in this attempt
  bool checked_range = false;
  Headers headers;
  std::string body;
  bool header_overflow = false;
  bool body_overflow = false;
  bool error_body_full = false;
  bool read_failed = false;
  int read_errno = 0;
  std::exception_ptr sink_error;
  char error_text[CURL_ERROR_SIZE] = {};
  bool done = false;
  CURLcode result = CURLE_OK;

  ~Transfer() {
    if (body_fd >= 0) ::close(body_fd);
  }

  long status() const {
    long code = 0;
    getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &code);
    return code;
  }
};

namespace {

extern "C" std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (!t->headers.add_line(std::string_view(data, n))) {
    t->header_overflow = true;
    return 0;
  }
  return n;
}

extern "C" std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  const std::size_t whole = n;
  const long status = t->status();
  const bool ok = status >= 200 && status < 300;
  t->received_total->fetch_add(n, std::memory_order_relaxed);
  if (ok && t->request->sink) {
    if (!t->checked_range) {
      t->checked_range = true;
      if (t->range_from > 0) {
        if (status == 200) {
          t->skip = t->range_from;  // the server ignored Range: drop what the sink already has
        } else {
          // 206 must start where we asked: "bytes START-END/TOTAL".
          const auto range = t->headers.get("content-range").value_or("");
          const std::string expect = "bytes " + std::to_string(t->range_from) + "-";
          if (range.rfind(expect, 0) != 0) {
            t->sink_error = std::make_exception_ptr(
                Error(RemoteFailure::rejected, "the server answered a range request with another range (" + range.substr(0, 80) + ")"));
            return 0;
          }
        }
      }
    }
    if (t->skip > 0) {
      const std::size_t drop = static_cast<std::size_t>(std::min<std::uint64_t>(t->skip, n));
      t->skip -= drop;
      data += drop;
      n -= drop;
      if (n == 0) return whole;
    }
    try {
      t->request->sink(data, n);
      if (t->request->on_received) t->request->on_received(n);
    } catch (...) {
      t->sink_error = std::current_exception();
      return 0;
    }
    t->sink_bytes += n;
    return whole;
  }
  const std::uint64_t limit = ok ? t->request->max_body : k_max_error_body;
  if (t->body.size() + n > limit) {
    if (ok) {
      t->body_overflow = true;
    } else {
      t->error_body_full = true;  // enough of an error page: the status is the answer
    }
    return 0;
  }
  t->body.append(data, n);
  return whole;
}

extern "C" std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size * count, t->body_size - t->body_pos));
  if (want == 0) return 0;
  std::size_t got = 0;
  if (t->body_fd >= 0) {
    while (got < want) {
      const ssize_t r = ::pread(t->body_fd, buffer + got, want - got, static_cast<off_t>(t->request->body_offset + t->body_pos + got));
      if (r < 0 && errno == EINTR && !interrupted()) continue;
      if (r <= 0) {
        t->read_failed = true;
        t->read_errno = r < 0 ? errno : 0;
        return CURL_READFUNC_ABORT;
      }
      got += static_cast<std::size_t>(r);
    }
  } else {
    std::memcpy(buffer, t->request->body.data() + t->body_pos, want);
    got = want;
  }
  t->body_pos += got;
  t->sent_total->fetch_add(got, std::memory_order_relaxed);
  if (t->request->on_sent) t->request->on_sent(got);
  return got;
}

// libcurl rewinds a body to send it again on a fresh connection (a reused one turned out dead).
extern "C" int on_seek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::uint64_t>(offset) > t->body_size) return CURL_SEEKFUNC_CANTSEEK;
  // A rewind after bytes went out is libcurl sending the body again on a fresh connection
  // (a reused one died before an answer): not for a request whose caller asks first.
  if (!t->request->resend_after_cut && t->body_pos > 0) return CURL_SEEKFUNC_FAIL;
  t->body_pos = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

extern "C" int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) { return interrupted() ? 1 : 0; }

void check(CURLcode rc) {
  if (rc != CURLE_OK) throw Error(ErrorKind::internal, std::string("libcurl: ") + curl_easy_strerror(rc));
}

RemoteFailure failure_for_curl(CURLcode rc) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: return RemoteFailure::timeout;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_PARTIAL_FILE:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SEND_FAIL_REWIND:
    case CURLE_AGAIN: return RemoteFailure::transient;
    default: return RemoteFailure::rejected;  // certificates, protocol errors: the same next time
  }
}

bool sleep_interruptibly(std::chrono::milliseconds total) {
  const auto until = std::chrono::steady_clock::now() + total;
  while (std::chrono::steady_clock::now() < until) {
    if (interrupted()) return false;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(50), until - std::chrono::steady_clock::now()));
  }
  return !interrupted();
}

double random01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

bool is_redirect(long status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }

}  // namespace

// The one multi handle, driven by whichever waiting thread holds `driving` (leader/followers):
// no thread of our own, and every callback runs on a thread that waits for its transfers.
struct Client::Engine {
  MultiPtr multi;
  std::mutex mutex;
  std::condition_variable cv;
  bool driving = false;
  std::deque<Transfer*> pending;
  unsigned in_flight = 0;
  unsigned max_in_flight = 8;

  void finish(Transfer* t, CURLcode result) {
    t->done = true;
    t->result = result;
  }

  void run(Transfer& t) {
    std::unique_lock lock(mutex);
    pending.push_back(&t);
    if (driving) curl_multi_wakeup(multi.get());
    while (!t.done) {
      if (driving) {
        cv.wait(lock);
        continue;
      }
      driving = true;
      while (!t.done) {
        while (!pending.empty() && in_flight < max_in_flight) {
          Transfer* next = pending.front();
          pending.pop_front();
          if (curl_multi_add_handle(multi.get(), next->easy.get()) != CURLM_OK) {
            finish(next, CURLE_FAILED_INIT);
            cv.notify_all();
            continue;
          }
          ++in_flight;
        }
        lock.unlock();
        int running = 0;
        const CURLMcode rc = curl_multi_perform(multi.get(), &running);
        std::vector<std::pair<Transfer*, CURLcode>> finished;
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi.get(), &left)) {
          if (msg->msg != CURLMSG_DONE) continue;
          char* priv = nullptr;
          getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
          finished.emplace_back(reinterpret_cast<Transfer*>(priv), msg->data.result);
          curl_multi_remove_handle(multi.get(), msg->easy_handle);
        }
        bool mine = false;
        for (const auto& [x, res] : finished) mine = mine || x == &t;
        if (!mine && rc == CURLM_OK) curl_multi_poll(multi.get(), nullptr, 0, 100, nullptr);
        lock.lock();
        for (const auto& [x, res] : finished) {
          finish(x, res);
          --in_flight;
        }
        if (rc != CURLM_OK) {
          // The multi handle itself failed: fail every transfer rather than spin.
          for (Transfer* p : pending) finish(p, CURLE_FAILED_INIT);
          pending.clear();
          if (!t.done) finish(&t, CURLE_FAILED_INIT);
        }
        if (!finished.empty() || rc != CURLM_OK) cv.notify_all();
      }
      driving = false;
      cv.notify_all();  // another waiter takes over the driving
    }
  }
};

Client::Client(ClientOptions options) : m_options(std::move(options)), m_engine(std::make_unique<Engine>()) {
  m_engine->max_in_flight = std::max(1u, m_options.max_in_flight);
  m_engine->multi.reset(curl_multi_init());
  if (!m_engine->multi) throw Error(ErrorKind::internal, "cannot create an HTTP client (libcurl)");
  // Connections are reused across requests and threads; per host, no more than we run at once.
  multi_setopt(m_engine->multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(m_engine->max_in_flight));
}

Client::~Client() = default;

namespace {

constexpr long k_stream_buffer = 1L << 20;  // within curl's limits (10 MiB receive, 2 MiB upload)

void configure(Transfer& t, const Request& r, const ClientOptions& o, bool send_secrets, Method method) {
  t.easy.reset(curl_easy_init());
  if (!t.easy) throw Error(ErrorKind::internal, "cannot create an HTTP request (libcurl)");
  CURL* h = t.easy.get();
  check(setopt(h, CURLOPT_URL, t.url.c_str()));
  check(setopt(h, CURLOPT_PROTOCOLS_STR, "http,https"));
  check(setopt(h, CURLOPT_FOLLOWLOCATION, 0L));  // we follow redirects (credentials, downgrades)
  check(setopt(h, CURLOPT_NOSIGNAL, 1L));
  check(setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count())));
  check(setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L));
  check(setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.low_speed_time.count())));
  check(setopt(h, CURLOPT_TCP_KEEPALIVE, 1L));
  check(setopt(h, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_IGNORED)));  // credentials come from us only
  const std::string agent = "mlops/" + std::string(version());
  check(setopt(h, CURLOPT_USERAGENT, agent.c_str()));
  if (o.ca_file) check(setopt(h, CURLOPT_CAINFO, o.ca_file->c_str()));
  check(setopt(h, CURLOPT_ERRORBUFFER, static_cast<void*>(t.error_text)));
  check(setopt(h, CURLOPT_PRIVATE, static_cast<void*>(&t)));
  check(setopt(h, CURLOPT_HEADERFUNCTION, static_cast<curl_write_callback>(on_header)));
  check(setopt(h, CURLOPT_HEADERDATA, static_cast<void*>(&t)));
  check(setopt(h, CURLOPT_WRITEFUNCTION, static_cast<curl_write_callback>(on_write)));
  check(setopt(h, CURLOPT_WRITEDATA, static_cast<void*>(&t)));
  check(setopt(h, CURLOPT_XFERINFOFUNCTION, static_cast<curl_xferinfo_callback>(on_progress)));
  check(setopt(h, CURLOPT_NOPROGRESS, 0L));
  // Blobs stream through 16 KiB (curl's default receive buffer) and 64 KiB (its upload
  // buffer) otherwise: a 1 GiB pull was 66,000 write calls and as many hash updates and
  // polls. Larger buffers only where a body streams; small requests keep the defaults.
  if (r.sink) check(setopt(h, CURLOPT_BUFFERSIZE, k_stream_buffer));
  if (r.body_file) check(setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, k_stream_buffer));

  bool has_content_type = false;
  for (const auto& [name, value] : r.headers) {
    slist_append(t.header_list, name + ": " + value);
    has_content_type = has_content_type || iequals(name, "content-type");
  }
  if (send_secrets) {
    for (const auto& [name, value] : r.secret_headers) slist_append(t.header_list, name + ": " + value);
  }
  if (t.range_from > 0) slist_append(t.header_list, "Range: bytes=" + std::to_string(t.range_from) + "-");
  slist_append(t.header_list, "Expect:");                               // no 100-continue round trip for large bodies
  if (!has_content_type) slist_append(t.header_list, "Content-Type:");  // not curl's form default

  const bool has_body = method == Method::put || method == Method::post || method == Method::patch;
  if (has_body) {
    t.body_size = r.body_file ? r.body_length : r.body.size();
    if (r.body_file) {
      t.body_fd = ::open(r.body_file->c_str(), O_RDONLY | O_CLOEXEC);
      if (t.body_fd < 0) throw_errno("cannot read " + r.body_file->string());
    }
    check(setopt(h, CURLOPT_READFUNCTION, static_cast<curl_write_callback>(on_read)));
    check(setopt(h, CURLOPT_READDATA, static_cast<void*>(&t)));
    check(setopt(h, CURLOPT_SEEKFUNCTION, static_cast<curl_seek_callback>(on_seek)));
    check(setopt(h, CURLOPT_SEEKDATA, static_cast<void*>(&t)));
    if (method == Method::post) {
      check(setopt(h, CURLOPT_POST, 1L));
      check(setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.body_size)));
    } else {
      check(setopt(h, CURLOPT_UPLOAD, 1L));
      check(setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(t.body_size)));
      if (method == Method::patch) check(setopt(h, CURLOPT_CUSTOMREQUEST, "PATCH"));
    }
  } else if (method == Method::head) {
    check(setopt(h, CURLOPT_NOBODY, 1L));
  } else if (method != Method::get) {
    check(setopt(h, CURLOPT_CUSTOMREQUEST, to_string(method)));
  }
  check(setopt(h, CURLOPT_HTTPHEADER, t.header_list.get()));
}

std::string describe(const Request& r, const std::string& url) { return std::string(to_string(r.method)) + " " + redact_url(url); }

}  // namespace

Response Client::send(const Request& request) {
  Method method = request.method;
  std::string url = request.url;
  UrlParts first = parse_url(url);
  if (first.has_user) throw Error(ErrorKind::usage, "a URL with user information is not sent: " + redact_url(url), "use mlops login");
  const std::string origin = origin_of(first);
  const auto allowed = [&](const UrlParts& p) {
    if (p.scheme == "http" && !m_options.plain_http && !is_loopback_host(p.host)) {
      throw Error(ErrorKind::usage, "refusing plain HTTP to " + p.host + ": " + redact_url(url),
                  "use https, or --plain-http if the server has no TLS");
    }
  };
  allowed(first);
  // A password or token in clear over a network: only when the user asked on the command line.
  if (!request.secret_headers.empty() && !m_options.plain_http_secrets && first.scheme == "http" && !is_loopback_host(first.host)) {
    throw Error(ErrorKind::usage, "credentials for " + first.host + " are not sent over plain HTTP on the word of mlops.yaml",
                "pass --plain-http on the command line to send them anyway, or use https");
  }
  bool send_secrets = true;
  bool https_seen = first.scheme == "https";
  unsigned redirects = 0;
  std::uint64_t range_from = request.range_from;
  const bool resumable = request.resume && request.sink && method == Method::get;
  const unsigned max_attempts = request.max_attempts > 0 ? std::min(request.max_attempts, m_options.max_attempts) : m_options.max_attempts;

  for (unsigned attempt = 1;; ++attempt) {
    check_interrupted();
    Transfer t;
    t.request = &request;
    t.client = this;
    t.sent_total = &m_sent;
    t.received_total = &m_received;
    t.url = url;
    t.range_from = resumable || request.range_from > 0 ? range_from : 0;
    configure(t, request, m_options, send_secrets, method);
    const auto started = std::chrono::steady_clock::now();
    m_engine->run(t);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    range_from += t.sink_bytes;
    if (t.sink_error) std::rethrow_exception(t.sink_error);
    if (interrupted()) check_interrupted();
    const long status = t.status();
    log::debug("http: {} -> {} ({} B sent, {} B received, {} ms)", describe(request, url), status, t.body_pos, t.sink_bytes + t.body.size(),
               ms);
    if (t.read_failed) {
      throw Error(ErrorKind::io, "cannot read " + request.body_file->string() + ": " +
                                     (t.read_errno != 0 ? std::strerror(t.read_errno) : "the file is shorter than expected"));
    }
    if (t.header_overflow) throw Error(RemoteFailure::rejected, describe(request, url) + ": the server sent too many or too long headers");
    if (t.body_overflow) {
      throw Error(RemoteFailure::rejected,
                  describe(request, url) + ": the answer is over the limit of " + std::to_string(request.max_body) + " bytes");
    }
    const bool answered = t.result == CURLE_OK || (t.error_body_full && status > 0);
    RemoteFailure failure = RemoteFailure::unspecified;
    std::string why;
    std::optional<std::chrono::milliseconds> wait;
    if (!answered) {
      failure = failure_for_curl(t.result);
      why = redact_urls_in(t.error_text[0] != '\0' ? t.error_text : curl_easy_strerror(t.result));
    } else if (is_redirect(status)) {
      char* next_raw = nullptr;
      getinfo(t.easy.get(), CURLINFO_REDIRECT_URL, &next_raw);
      if (next_raw == nullptr) return Response{status, std::move(t.headers), std::move(t.body), url, t.sink_bytes, attempt};
      if (++redirects > request.max_redirects) throw Error(RemoteFailure::rejected, describe(request, url) + ": too many redirects");
      const std::string next = next_raw;
      const UrlParts parts = parse_url(next);
      if (https_seen && parts.scheme != "https") {
        throw Error(RemoteFailure::rejected, describe(request, url) + ": refusing a redirect from https to " + redact_url(next));
      }
      allowed(parts);
      if (parts.has_user) throw Error(RemoteFailure::rejected, describe(request, url) + ": refusing a redirect with user information");
      if (origin_of(parts) != origin) send_secrets = false;  // and never again in this chain
      log::debug("http: redirect to {}{}", redact_url(next), send_secrets ? "" : " (without credentials)");
      if (status == 303 && method != Method::head) method = Method::get;
      url = next;
      --attempt;  // a redirect is not a failed attempt
      continue;
    } else if (request.retry && failure_for_status(status) == RemoteFailure::transient) {
      failure = RemoteFailure::transient;
      why = "HTTP " + std::to_string(status);
      if (const auto ra = t.headers.get("retry-after")) {
        if (const auto secs = parse_retry_after(*ra, std::time(nullptr))) {
          wait = std::chrono::duration_cast<std::chrono::milliseconds>(std::min<std::chrono::seconds>(*secs, m_options.max_retry_after));
        }
      }
    } else {
      return Response{status, std::move(t.headers), std::move(t.body), url, t.sink_bytes, attempt};
    }
    const bool cut = failure == RemoteFailure::transient || failure == RemoteFailure::timeout;
    if (!answered && cut && !request.resend_after_cut) return Response{0, {}, why, url, t.sink_bytes, attempt};
    const bool retry = request.retry && attempt < max_attempts && cut;
    if (!retry) {
      if (answered) {
        Response last{status, std::move(t.headers), std::move(t.body), url, t.sink_bytes};
        throw_status(describe(request, url), last);
      }
      throw Error(failure, describe(request, url) + ": " + why,
                  failure == RemoteFailure::rejected ? "check the URL, and --ca-file for a private certificate authority"
                                                     : "check that the server is up and reachable");
    }
    const auto pause = wait.value_or(backoff(attempt, random01(), m_options.backoff_base));
    log::debug("http: {}: {}; attempt {} of {} in {} ms", describe(request, url), why, attempt + 1, max_attempts, pause.count());
    if (!sleep_interruptibly(pause)) check_interrupted();
  }
}

void throw_status(const std::string& what, const Response& response) {
  std::string message = what + ": HTTP " + std::to_string(response.status);
  // Registries (and S3, in XML) say why in the body; take the first error code, bounded.
  try {
    if (!response.body.empty() && response.body.size() <= k_max_error_body && response.body.front() == '{') {
      const auto j = parse_json(response.body, "error body", 16);
      if (j.contains("errors") && j["errors"].is_array() && !j["errors"].empty() && j["errors"][0].is_object()) {
        const auto& e = j["errors"][0];
        if (e.contains("code") && e["code"].is_string()) message += " " + e["code"].get<std::string>().substr(0, 64);
        if (e.contains("message") && e["message"].is_string()) message += ": " + e["message"].get<std::string>().substr(0, 200);
      }
    }
  } catch (const std::exception&) {
    // not the JSON we hoped for: the status says enough
  }
  const RemoteFailure failure = failure_for_status(response.status);
  throw Error(failure == RemoteFailure::unspecified ? RemoteFailure::rejected : failure, escape_controls(message),
              failure == RemoteFailure::auth ? "log in with 'mlops login HOST', or check your access to this repository" : "");
}

}  // namespace mlops::remote::http
