// SPDX-License-Identifier: MIT
// The HTTP client every HTTP backend (OCI registries, S3, WebDAV) sends its requests through.
//
// - Every request of every thread goes over one libcurl multi handle (shared connections, a
//   bounded number of transfers in flight); the thread that waits drives it (no thread of
//   our own: nothing to start, nothing that can fail to start).
// - Retries with exponential backoff and jitter on connection errors, timeouts, 408, 429 and
//   5xx, honouring Retry-After (capped). A request body is re-read from its file on every
//   attempt, so every retry rewinds. A GET into a sink continues with a Range request from
//   where the dropped attempt stopped.
// - Redirects are followed here, not by libcurl: a redirect to another origin never carries
//   the request's credentials (Authorization, and any header the caller marked secret), and
//   never downgrades https to http.
// - TLS with the system CAs (or Options::ca_file); plain http only when allowed or for a
//   loopback host.
// - Everything a server sends is bounded: headers (http_parse.hpp), error bodies, bodies read
//   into memory (Request::max_body).
// - `-vv` (log debug) shows each request's method, redacted URL, status, sizes and time,
//   never a header value that could hold a secret.
#pragma once

#include "remote/http_parse.hpp"

#include <mlops/error.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlops::remote::http {

enum class Method { get, head, put, post, patch, del, move, mkcol };
const char* to_string(Method m) noexcept;

// Receives the body of a successful (2xx) response, in order; throws to abort the transfer
// (the exception reaches the caller of send()).
using Sink = std::function<void(const char* data, std::size_t size)>;

struct Request {
  Method method = Method::get;
  std::string url;
  // Headers sent to every host the request reaches (redirects included): no secrets here.
  std::vector<std::pair<std::string, std::string>> headers;
  // Headers sent only to the origin of `url` (Authorization, X-Amz-Security-Token...); a
  // redirect to another origin drops them. Never logged.
  std::vector<std::pair<std::string, std::string>> secret_headers;
  // The body: `body` from memory, or `body_file` bytes [body_offset, body_offset+body_length).
  std::string body;
  std::optional<std::filesystem::path> body_file;
  std::uint64_t body_offset = 0;
  std::uint64_t body_length = 0;
  // Where a 2xx body goes; without a sink it is kept in Response::body up to max_body bytes.
  Sink sink;
  std::uint64_t max_body = 1u << 20;
  // GET with a sink: a dropped attempt continues with `Range: bytes=N-` (the server must
  // answer 206 from N). `range_from` is where the first attempt starts (0: no Range).
  bool resume = false;
  std::uint64_t range_from = 0;
  // Upload progress / download progress: body bytes as they move (a retry moves them again).
  std::function<void(std::uint64_t)> on_sent;
  std::function<void(std::uint64_t)> on_received;
  // Statuses that are an answer, not a failure to retry (e.g. 404 for HEAD). By default
  // every status is returned to the caller after the retries of the retryable ones.
  bool retry = true;
  // A request cut off without an answer (connection reset, timeout) is sent again; false: it
  // is returned with status 0 (the reason in `body`), and the caller asks the server what it
  // got before sending more (an upload chunk). libcurl's own resend is refused too.
  bool resend_after_cut = true;
  unsigned max_attempts = 0;  // at most the client's; 0: the client's
  unsigned max_redirects = 10;
};

struct Response {
  long status = 0;
  Headers headers;
  std::string body;       // without a sink (or a non-2xx body: at most 64 KiB of it)
  std::string final_url;  // after redirects
  std::uint64_t received = 0;
  unsigned attempts = 1;  // this one included (retries of transient failures before it)
};

struct ClientOptions {
  std::optional<std::filesystem::path> ca_file;
  bool plain_http = false;         // http:// to a host that is not loopback
  bool plain_http_secrets = true;  // and credentials over it (false: refused, see send)
  unsigned max_in_flight = 8;
  unsigned max_attempts = 6;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(30)};
  std::chrono::seconds low_speed_time{60};  // below 1 byte/s this long: a timeout
  std::chrono::seconds max_retry_after{60};
  std::chrono::milliseconds backoff_base{250};
};

class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `request`, retrying and following redirects, and returns the final answer (any
  // status: the caller decides what a 404 means). Throws Error{remote, class} when no answer
  // came after the retries, Error{interrupted} on Ctrl-C, and what a sink threw.
  Response send(const Request& request);

  // Body bytes that crossed the wire, all requests (retries included): for benchmarks and
  // --json.
  std::uint64_t bytes_sent() const noexcept { return m_sent.load(); }
  std::uint64_t bytes_received() const noexcept { return m_received.load(); }

  const ClientOptions& options() const noexcept { return m_options; }

  struct Engine;  // the shared multi handle and who drives it (http_client.cpp)

 private:
  ClientOptions m_options;
  std::unique_ptr<Engine> m_engine;
  std::atomic<std::uint64_t> m_sent{0};
  std::atomic<std::uint64_t> m_received{0};
};

// Throws Error{remote, class} describing `response` ("<what>: HTTP 404 Not Found: <the
// registry's error code>"), for a status the caller did not expect.
[[noreturn]] void throw_status(const std::string& what, const Response& response);

}  // namespace mlops::remote::http
