// SPDX-License-Identifier: MIT
#include "remote/s3_sign.hpp"

#include "core/sha256.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace mlops::remote::s3 {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Header values are trimmed and inner runs of spaces folded to one (the spec's "Trimall").
std::string trimall(std::string_view v) {
  std::string out;
  bool space = false;
  for (const char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> sorted_headers(const SignRequest& r) {
  std::vector<std::pair<std::string, std::string>> h;
  h.reserve(r.headers.size());
  for (const auto& [k, v] : r.headers) h.emplace_back(lower(k), trimall(v));
  std::sort(h.begin(), h.end());
  return h;
}

std::string signed_headers(const std::vector<std::pair<std::string, std::string>>& h) {
  std::string s;
  for (const auto& kv : h) s += (s.empty() ? "" : ";") + kv.first;
  return s;
}

std::string scope(const SignRequest& r) { return r.amz_date.substr(0, 8) + "/" + r.region + "/" + r.service + "/aws4_request"; }

}  // namespace

std::string to_hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string canonical_query(std::vector<std::pair<std::string, std::string>> query) {
  for (auto& [k, v] : query) {
    k = uri_encode(k, false);
    v = uri_encode(v, false);
  }
  std::sort(query.begin(), query.end());
  std::string out;
  for (const auto& [k, v] : query) out += (out.empty() ? "" : "&") + k + "=" + v;
  return out;
}

std::string canonical_request(const SignRequest& r) {
  const auto h = sorted_headers(r);
  std::string out = r.method + "\n" + r.path + "\n" + canonical_query(r.query) + "\n";
  for (const auto& [k, v] : h) out += k + ":" + v + "\n";
  out += "\n" + signed_headers(h) + "\n" + r.payload_sha256;
  return out;
}

std::string string_to_sign(const SignRequest& r) {
  return "AWS4-HMAC-SHA256\n" + r.amz_date + "\n" + scope(r) + "\n" + sha256_hex(canonical_request(r));
}

std::string signature(const SignRequest& r, const AwsCredentials& c) {
  std::string key = hmac_sha256("AWS4" + c.secret_key, r.amz_date.substr(0, 8));
  key = hmac_sha256(key, r.region);
  key = hmac_sha256(key, r.service);
  key = hmac_sha256(key, "aws4_request");
  return to_hex(hmac_sha256(key, string_to_sign(r)));
}

std::string authorization(const SignRequest& r, const AwsCredentials& c) {
  return "AWS4-HMAC-SHA256 Credential=" + c.access_key + "/" + scope(r) + ",SignedHeaders=" + signed_headers(sorted_headers(r)) +
         ",Signature=" + signature(r, c);
}

std::string amz_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace mlops::remote::s3
