// SPDX-License-Identifier: MIT
// AWS Signature Version 4 for S3, written here rather than through libcurl's CURLOPT_AWS_SIGV4:
// libcurl 7.88 (Debian 12) signs the query string as given instead of canonicalising it (a
// valueless `?uploads` or an unsorted `?partNumber=&uploadId=` gives SignatureDoesNotMatch),
// never adds `x-amz-content-sha256`, and has no way to sign a payload by a hash we already
// know (a blob's sha256 is its name: signing it costs nothing, and the server can check it).
// Pure functions over OpenSSL's SHA-256 and HMAC (core/sha256.hpp), tested against AWS's published
// examples (tests/unit/test_remote_s3.cpp).
#pragma once

#include "core/sha256.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops::remote::s3 {

struct AwsCredentials {
  std::string access_key;
  std::string secret_key;     // never logged, never in a message
  std::string session_token;  // x-amz-security-token, when the credentials are temporary
  std::string source;         // "environment", "profile NAME in FILE": for messages
};

// The SHA-256 of an empty payload (GET, HEAD, DELETE).
inline constexpr std::string_view k_empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// RFC 3986 unreserved characters kept, every other byte %XX (upper-case hex); '/' kept when
// `keep_slash` (an object key in a path).
std::string uri_encode(std::string_view s, bool keep_slash);

// The query string both signed and sent: names and values encoded, sorted by name then value,
// a valueless parameter written `name=`.
std::string canonical_query(std::vector<std::pair<std::string, std::string>> query);

struct SignRequest {
  std::string method;                                        // GET, PUT, ...
  std::string path;                                          // already encoded (uri_encode(key, true)), starting with '/'
  std::vector<std::pair<std::string, std::string>> query;    // not encoded
  std::vector<std::pair<std::string, std::string>> headers;  // all signed; must hold host, x-amz-date, x-amz-content-sha256
  std::string payload_sha256;                                // hex, or UNSIGNED-PAYLOAD
  std::string amz_date;                                      // YYYYMMDD'T'HHMMSS'Z'
  std::string region;
  std::string service = "s3";
};

std::string canonical_request(const SignRequest& r);
std::string string_to_sign(const SignRequest& r);
// "AWS4-HMAC-SHA256 Credential=.../SCOPE, SignedHeaders=..., Signature=..."
std::string authorization(const SignRequest& r, const AwsCredentials& c);
// The signature alone (hex).
std::string signature(const SignRequest& r, const AwsCredentials& c);

using mlops::hmac_sha256;  // core/sha256.hpp: libcrypto's HMAC, raw 32 bytes
std::string to_hex(std::string_view bytes);

// The current time as x-amz-date.
std::string amz_now();

}  // namespace mlops::remote::s3
