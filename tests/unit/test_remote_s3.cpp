// SPDX-License-Identifier: MIT
// The S3 backend's pure pieces: the SigV4 signer against AWS's published examples, query
// canonicalisation, and the AWS config/credentials chain over hostile files.
#include "remote/s3_config.hpp"
#include "remote/s3_sign.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace {

namespace s3 = mlops::remote::s3;

// The example credentials of the AWS S3 API Reference, "Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk (AWS Signature Version 4)",
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
const s3::AwsCredentials k_example{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", "test"};

s3::SignRequest example(std::string method, std::string path, std::vector<std::pair<std::string, std::string>> query,
                        std::vector<std::pair<std::string, std::string>> extra, std::string payload) {
  s3::SignRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.amz_date = "20130524T000000Z";
  r.region = "us-east-1";
  r.payload_sha256 = std::move(payload);
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-date", r.amz_date}, {"x-amz-content-sha256", r.payload_sha256}};
  for (auto& h : extra) r.headers.push_back(std::move(h));
  return r;
}

// Sets (or unsets, for nullopt) environment variables for one test, restoring them after.
class Env {
 public:
  void set(const char* name, std::optional<std::string> value) {
    if (m_saved.count(name) == 0) {
      const char* old = std::getenv(name);
      m_saved[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~Env() {
    for (const auto& [k, v] : m_saved) {
      if (v) ::setenv(k.c_str(), v->c_str(), 1);
      else ::unsetenv(k.c_str());
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> m_saved;
};

struct AwsHome {
  AwsHome() {
    dir = std::filesystem::temp_directory_path() / ("mlops-s3-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / ".aws");
    for (const char* v :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
          "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "MLOPS_S3_ADDRESSING"}) {
      env.set(v, std::nullopt);
    }
    env.set("HOME", dir.string());
  }
  ~AwsHome() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void credentials(const std::string& text) const { mlops::fs::write_file_atomic(dir / ".aws" / "credentials", text); }
  void config(const std::string& text) const { mlops::fs::write_file_atomic(dir / ".aws" / "config", text); }
  std::filesystem::path dir;
  Env env;
};

}  // namespace

TEST_CASE("sigv4: AWS's GET object example (Range header, empty payload)", "[remote][s3]") {
  const auto r = example("GET", "/test.txt", {}, {{"Range", "bytes=0-9"}}, std::string(s3::k_empty_sha256));
  CHECK(s3::canonical_request(r) ==
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\n"
        "host;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(s3::string_to_sign(r) ==
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  CHECK(s3::authorization(r, k_example) ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("sigv4: AWS's PUT object example (signed payload, encoded key, extra headers)", "[remote][s3]") {
  // "Welcome to Amazon S3." and its sha256; the key test$file.text is encoded to test%24file.text.
  CHECK(mlops::remote::s3::to_hex(s3::hmac_sha256("", "")) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  const auto r = example("PUT", "/" + s3::uri_encode("test$file.text", true), {},
                         {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                         "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  CHECK(r.path == "/test%24file.text");
  CHECK(s3::signature(r, k_example) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("sigv4: AWS's GET bucket lifecycle and list objects examples (query strings)", "[remote][s3]") {
  // A valueless parameter is signed as "lifecycle=".
  const auto lifecycle = example("GET", "/", {{"lifecycle", ""}}, {}, std::string(s3::k_empty_sha256));
  CHECK(s3::canonical_request(lifecycle).rfind("GET\n/\nlifecycle=\n", 0) == 0);
  CHECK(s3::signature(lifecycle, k_example) == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  // Parameters given out of order are sorted.
  const auto list = example("GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, {}, std::string(s3::k_empty_sha256));
  CHECK(s3::canonical_request(list).rfind("GET\n/\nmax-keys=2&prefix=J\n", 0) == 0);
  CHECK(s3::signature(list, k_example) == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("sigv4: multipart and continuation query strings are canonical", "[remote][s3]") {
  CHECK(s3::canonical_query({{"uploads", ""}}) == "uploads=");
  CHECK(s3::canonical_query({{"uploadId", "a/b+c=="}, {"partNumber", "7"}}) == "partNumber=7&uploadId=a%2Fb%2Bc%3D%3D");
  CHECK(s3::canonical_query(
            {{"list-type", "2"}, {"continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="}, {"prefix", "team/demo"}}) ==
        "continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D&list-type=2&prefix=team%2Fdemo");
  CHECK(s3::uri_encode("a b/~c*", true) == "a%20b/~c%2A");
  CHECK(s3::uri_encode("é", false) == "%C3%A9");
  // A session token is one more signed header; header values are trimmed and folded.
  auto r = example("GET", "/x", {}, {{"X-Amz-Security-Token", "  tok  en "}}, std::string(s3::k_empty_sha256));
  const std::string c = s3::canonical_request(r);
  CHECK(c.find("\nx-amz-security-token:tok en\n") != std::string::npos);
  CHECK(c.find("host;x-amz-content-sha256;x-amz-date;x-amz-security-token\n") != std::string::npos);
}

TEST_CASE("s3 config: environment credentials win, then the profile's files", "[remote][s3]") {
  AwsHome home;
  home.credentials(
      "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n\n[dev]\naws_access_key_id=DEVKEY\n"
      "aws_secret_access_key=devsecret\naws_session_token=devtoken\n");
  home.config(
      "[default]\nregion = eu-west-1\n[profile dev]\nregion = eu-central-1\ns3 =\n  addressing_style = path\n  endpoint_url = "
      "http://127.0.0.1:9000\n");
  auto s = s3::load_settings("");
  REQUIRE(s.credentials);
  CHECK(s.credentials->access_key == "FILEKEY");
  CHECK(s.region == "eu-west-1");
  CHECK(s.endpoint.empty());
  home.env.set("AWS_PROFILE", "dev");
  s = s3::load_settings("");
  CHECK(s.credentials->access_key == "DEVKEY");
  CHECK(s.credentials->session_token == "devtoken");
  CHECK(s.region == "eu-central-1");
  CHECK(s.addressing == "path");
  CHECK(s.endpoint == "http://127.0.0.1:9000");
  home.env.set("AWS_ACCESS_KEY_ID", "ENVKEY");
  home.env.set("AWS_SECRET_ACCESS_KEY", "envsecret");
  home.env.set("AWS_DEFAULT_REGION", "ap-south-1");
  home.env.set("AWS_ENDPOINT_URL", "http://localhost:1/");
  s = s3::load_settings("");
  CHECK(s.credentials->access_key == "ENVKEY");
  CHECK(s.credentials->session_token.empty());
  CHECK(s.region == "ap-south-1");
  CHECK(s.endpoint == "http://localhost:1");
  home.env.set("AWS_ENDPOINT_URL_S3", "https://s3.example:8443");
  CHECK(s3::load_settings("").endpoint == "https://s3.example:8443");
  CHECK(s3::load_settings("http://127.0.0.1:2").endpoint == "http://127.0.0.1:2");
  home.env.set("AWS_REGION", "us-west-2");
  CHECK(s3::load_settings("").region == "us-west-2");
}

TEST_CASE("s3 config: nothing configured is anonymous in us-east-1", "[remote][s3]") {
  AwsHome home;
  const auto s = s3::load_settings("");
  CHECK_FALSE(s.credentials);
  CHECK(s.region == "us-east-1");
  CHECK(s.endpoint.empty());
}

TEST_CASE("s3 config: hostile files and values fail clearly and never show a secret", "[remote][s3]") {
  AwsHome home;
  const auto fails = [&](mlops::ErrorKind kind, const std::string& expect) {
    try {
      (void)s3::load_settings("");
      FAIL("no error");
    } catch (const mlops::Error& e) {
      INFO(e.what());
      CHECK(e.kind() == kind);
      CHECK(std::string(e.what()).find(expect) != std::string::npos);
      CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
    }
  };
  home.credentials("[default]\naws_access_key_id = K\naws_secret_access_key = hunter2\x01\n");
  fails(mlops::ErrorKind::invalid_input, "credentials:3: control character");
  home.credentials("[default\naws_secret_access_key = hunter2\n");
  fails(mlops::ErrorKind::invalid_input, "credentials:1:");
  home.credentials("[default]\nhunter2\n");
  fails(mlops::ErrorKind::invalid_input, "credentials:2: a line that is neither");
  home.credentials("[default]\naws_secret_access_key = hunter2\n");
  fails(mlops::ErrorKind::invalid_input, "only one of");
  home.credentials(std::string(2u << 20, '#'));
  CHECK_THROWS_AS(s3::load_settings(""), mlops::Error);
  home.credentials("");
  home.env.set("AWS_PROFILE", "missing");
  fails(mlops::ErrorKind::not_found, "'missing'");
  home.env.set("AWS_PROFILE", std::nullopt);
  home.env.set("AWS_SECRET_ACCESS_KEY", "hunter2");
  fails(mlops::ErrorKind::usage, "without AWS_ACCESS_KEY_ID");
  home.env.set("AWS_SECRET_ACCESS_KEY", std::nullopt);
  home.env.set("AWS_ENDPOINT_URL_S3", "http://user:hunter2@host");
  fails(mlops::ErrorKind::usage, "AWS_ENDPOINT_URL_S3");
  home.env.set("AWS_ENDPOINT_URL_S3", "ftp://host");
  fails(mlops::ErrorKind::usage, "not an http(s) URL");
  home.env.set("AWS_ENDPOINT_URL_S3", std::nullopt);
  home.env.set("AWS_REGION", "us-east-1/../x");
  fails(mlops::ErrorKind::usage, "region");
  // CRLF files, comments, "[ profile  x ]" spacing and upper-case keys are what the AWS CLI reads.
  const auto sec = s3::ini_section("# c\r\n[ profile  x ]\r\n; c\r\nRegion = r1\r\n", "profile x", "f");
  REQUIRE(sec);
  CHECK(sec->at("region") == "r1");
  CHECK_FALSE(s3::ini_section("[a]\nk=v\n", "b", "f"));
}
