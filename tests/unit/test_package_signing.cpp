// SPDX-License-Identifier: MIT
#include "core/sha256.hpp"
#include "package/c_libs.hpp"
#include "package/signing.hpp"
#include "package/signing_dsse.hpp"
#include "package/signing_files.hpp"
#include "package/signing_keys.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/package.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace mlops::package {
namespace {

namespace stdfs = std::filesystem;

// RFC 8032, test 1: a key whose public half and PEM forms are known (the PEM text is what
// `openssl pkey` writes for it).
constexpr const char* k_rfc8032_seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr const char* k_rfc8032_public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr const char* k_rfc8032_private_pem =
    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n";
constexpr const char* k_rfc8032_public_pem =
    "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";

std::string to_hex(const unsigned char* p, std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

mode_t file_mode(const stdfs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

ErrorKind error_kind(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message != nullptr) *message = e.what();
    return e.kind();
  }
  FAIL("no error");
  return ErrorKind::internal;
}

bool any_contains(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& l : lines) {
    if (l.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// One ustar entry, written by hand so the reader is tested against bytes no library of
// ours produced. type: '0' file, '5' directory, '2' symlink, '1' hard link.
std::string tar_entry(const std::string& name, char type, const std::string& content = "", const std::string& link = "") {
  std::string h(512, '\0');
  auto put = [&](std::size_t off, std::size_t len, const std::string& v) { std::memcpy(&h[off], v.data(), std::min(len, v.size())); };
  auto octal = [&](std::size_t off, std::size_t len, unsigned long long v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(len - 1), v);
    std::memcpy(&h[off], buf, len);
  };
  put(0, 100, name);
  octal(100, 8, type == '5' ? 0755 : 0644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, type == '0' ? content.size() : 0);
  octal(136, 12, 1700000000);
  std::memset(&h[148], ' ', 8);
  h[156] = type;
  put(157, 100, link);
  put(257, 6, std::string("ustar\0", 6));
  put(263, 2, "00");
  unsigned sum = 0;
  for (const char c : h) sum += static_cast<unsigned char>(c);
  std::snprintf(&h[148], 8, "%06o", sum);
  h[155] = ' ';
  std::string body = type == '0' ? content : "";
  body.resize((body.size() + 511) / 512 * 512, '\0');
  return h + body;
}

std::string tar_end() { return std::string(1024, '\0'); }

std::string gzip(const std::string& data) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(data.size() + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

const std::string k_weights = "weights: 0123456789abcdef, not a real model";
const std::string k_init_py = "print('hello')\n";
const std::string k_train_py = "import pkg\n";
const std::string k_readme = "# demo\n";

Descriptor layer(Store& store, const std::string& data, const std::string& media_type, const std::string& path) {
  const std::string digest = store.put_blob(data);
  return Descriptor{media_type, digest, data.size(), {}, {{annotation::filepath, path}}};
}

// A package like `mlops package build` makes: raw weights, code in a plain tar (with a
// directory, a symlink and a hard link), docs in a gzip tar; tagged demo:1.
struct Fixture {
  fs::TempDir tmp;
  stdfs::path root = tmp.path() / "store";
  Store store{root};
  Descriptor weights, code, docs;
  std::string digest;

  Fixture() {
    weights = layer(store, k_weights, media::model_layer("weight", false, ""), "models/model.bin");
    const std::string code_tar = tar_entry("src/", '5') + tar_entry("src/pkg/", '5') + tar_entry("src/pkg/__init__.py", '0', k_init_py) +
                                 tar_entry("src/pkg/train.py", '0', k_train_py) + tar_entry("src/pkg/link.py", '2', "", "__init__.py") +
                                 tar_entry("src/pkg/same.py", '1', "", "src/pkg/train.py") + tar_end();
    code = layer(store, code_tar, media::model_layer("code", true, ""), "src/");
    const std::string docs_tar = tar_entry("README.md", '0', k_readme) + tar_end();
    docs = layer(store, gzip(docs_tar), media::model_layer("doc", true, "gzip"), "README.md");
    const nlohmann::json config_json{
        {"descriptor", {{"name", "demo"}}},
        {"modelfs", {{"type", "layers"}, {"diffIds", {weights.digest, code.digest, "sha256:" + sha256_hex(docs_tar)}}}}};
    const std::string config = canonical(config_json);
    const Descriptor config_desc{media::model_config, store.put_blob(config), config.size(), {}, nlohmann::json::object()};
    const nlohmann::json manifest{{"schemaVersion", 2},
                                  {"mediaType", media::manifest},
                                  {"artifactType", media::model_artifact},
                                  {"config", to_json(config_desc)},
                                  {"layers", {to_json(weights), to_json(code), to_json(docs)}}};
    const std::string bytes = canonical(manifest);
    digest = store.put_blob(bytes);
    store.update_index([&](std::vector<IndexEntry>& entries) {
      IndexEntry e;
      e.descriptor = Descriptor{media::manifest, digest, bytes.size(), media::model_artifact, nlohmann::json::object()};
      e.ref = "demo:1";
      set_index_entry(entries, e);
    });
  }

  KeyPair key(const std::string& name) { return generate_key(tmp.path() / name); }

  VerifyResult verify(const stdfs::path& public_key) {
    VerifyResult r;
    verify_signature(store, store.resolve("demo:1"), public_key, r);
    return r;
  }

  void flip_byte(const std::string& blob_digest, std::size_t offset) {
    const stdfs::path p = store.blob_path(blob_digest);
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(f);
    f.seekg(static_cast<std::streamoff>(offset));
    char c = 0;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(static_cast<char>(c ^ 0x01));
  }

  IndexEntry signature() {
    const auto refs = store.referrers(digest);
    REQUIRE(refs.size() == 1);
    return refs[0];
  }
};

}  // namespace

TEST_CASE("signing: DSSE PAE is the exact byte string of the protocol", "[package][sign]") {
  // The example of the DSSE protocol document.
  CHECK(dsse_pae("http://example.com/HelloWorld", "hello world") == "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  CHECK(dsse_pae("", "") == "DSSEv1 0  0 ");
  CHECK(dsse_pae("application/vnd.in-toto+json", "{\"a\":1}") == "DSSEv1 28 application/vnd.in-toto+json 7 {\"a\":1}");
  const std::string binary("a\0b", 3);
  CHECK(dsse_pae("t", binary) == std::string("DSSEv1 1 t 3 a\0b", 16));
}

TEST_CASE("signing: base64 is standard and padded and strict", "[package][sign]") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("hello") == "aGVsbG8=");
  CHECK(base64_encode("\xff\xfe") == "//4=");
  CHECK(base64_decode("aGVsbG8=") == std::optional<std::string>("hello"));
  CHECK(base64_decode("//4=") == std::optional<std::string>("\xff\xfe"));
  CHECK_FALSE(base64_decode("aGVsbG8").has_value());
  CHECK_FALSE(base64_decode("aGVs bG8=").has_value());
  CHECK_FALSE(base64_decode("aGVsbG8=\n").has_value());
  CHECK_FALSE(base64_decode("__4=").has_value());
}

TEST_CASE("signing: PEM keys are the PKCS8 and SPKI forms openssl writes", "[package][sign]") {
  PrivateKey key;
  parse_private_key_pem(k_rfc8032_private_pem, "test key", key);
  CHECK(to_hex(key.seed.data(), key.seed.size()) == k_rfc8032_seed);
  CHECK(to_hex(key.public_key.data(), key.public_key.size()) == k_rfc8032_public);
  CHECK(private_key_pem(key) == k_rfc8032_private_pem);
  CHECK(public_key_pem(key.public_key) == k_rfc8032_public_pem);
  const PublicKey pub = parse_public_key_pem(k_rfc8032_public_pem, "test key");
  CHECK(pub == key.public_key);
  CHECK(key_id(pub) == sha256_hex(from_hex(k_rfc8032_public)));
  // Line endings and surrounding blank lines of other tools are fine.
  std::string crlf =
      "\r\n-----BEGIN PUBLIC KEY-----\r\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\r\n-----END PUBLIC KEY-----\r\n\r\n";
  CHECK(parse_public_key_pem(crlf, "crlf") == pub);
}

TEST_CASE("signing: malformed PEM keys are refused with the file named", "[package][sign]") {
  PrivateKey key;
  std::string msg;
  CHECK(error_kind([&] { parse_private_key_pem("not a key", "/keys/k", key); }, &msg) == ErrorKind::invalid_input);
  CHECK(msg.find("/keys/k") != std::string::npos);
  CHECK(msg.find('\n') == std::string::npos);
  // A public key where a private one belongs, and the other way round.
  CHECK(error_kind([&] { parse_private_key_pem(k_rfc8032_public_pem, "/keys/k.pub", key); }, &msg) == ErrorKind::invalid_input);
  CHECK(msg.find("public key") != std::string::npos);
  CHECK(error_kind([&] { (void)parse_public_key_pem(k_rfc8032_private_pem, "/keys/k"); }, &msg) == ErrorKind::invalid_input);
  CHECK(msg.find("private key") != std::string::npos);
  // Bad base64, a truncated key, a key of another algorithm (X25519's OID), no END line.
  CHECK(error_kind([&] {
          parse_private_key_pem(
              "-----BEGIN PRIVATE KEY-----\nMC4CAQAw*QYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n",
              "k", key);
        }) == ErrorKind::invalid_input);
  CHECK(error_kind([&] {
          parse_private_key_pem(
              "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMc\n-----END PRIVATE KEY-----\n", "k",
              key);
        }) == ErrorKind::invalid_input);
  const std::string x25519 = "-----BEGIN PRIVATE KEY-----\n" +
                             base64_encode(from_hex("302e020100300506032b656e04220420") + from_hex(k_rfc8032_seed)) +
                             "\n-----END PRIVATE KEY-----\n";
  CHECK(error_kind([&] { parse_private_key_pem(x25519, "k", key); }, &msg) == ErrorKind::invalid_input);
  CHECK(msg.find("Ed25519") != std::string::npos);
  CHECK(error_kind([&] {
          parse_private_key_pem("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n", "k",
                                key);
        }) == ErrorKind::invalid_input);
}

TEST_CASE("signing: key generate writes a private key 0600 and a public key 0644 and never over a file", "[package][sign]") {
  fs::TempDir tmp;
  const stdfs::path path = tmp.path() / "signing.key";
  const KeyPair pair = generate_key(path);
  CHECK(pair.private_key == path);
  CHECK(pair.public_key == tmp.path() / "signing.key.pub");
  CHECK(file_mode(pair.private_key) == 0600);
  CHECK(file_mode(pair.public_key) == 0644);
  CHECK(fs::read_file(pair.private_key).rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);
  CHECK(fs::read_file(pair.public_key).rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
  PrivateKey key;
  load_private_key(pair.private_key, key);
  const PublicKey pub = load_public_key(pair.public_key);
  CHECK(pub == key.public_key);
  CHECK(pair.key_id == key_id(pub));
  CHECK(pair.key_id.size() == 64);
  // Only the two files: no temporary left behind.
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : stdfs::directory_iterator(tmp.path())) ++n;
  CHECK(n == 2);

  const std::string before = fs::read_file(path);
  CHECK(error_kind([&] { generate_key(path); }) == ErrorKind::conflict);
  CHECK(fs::read_file(path) == before);
  // The .pub alone is enough to refuse, and nothing is written then.
  const stdfs::path other = tmp.path() / "other.key";
  fs::write_file_atomic(other.string() + ".pub", "mine");
  CHECK(error_kind([&] { generate_key(other); }) == ErrorKind::conflict);
  CHECK_FALSE(stdfs::exists(other));
  CHECK(fs::read_file(other.string() + ".pub") == "mine");
  // Two generated keys differ.
  CHECK(generate_key(tmp.path() / "third.key").key_id != pair.key_id);
}

TEST_CASE("signing: a private key can come from an environment variable", "[package][sign]") {
  PrivateKey key;
  ::setenv("MLOPS_TEST_SIGNING_KEY", k_rfc8032_private_pem, 1);
  load_private_key("env:MLOPS_TEST_SIGNING_KEY", key);
  CHECK(to_hex(key.public_key.data(), key.public_key.size()) == k_rfc8032_public);
  ::unsetenv("MLOPS_TEST_SIGNING_KEY");
  std::string msg;
  CHECK(error_kind([&] { load_private_key("env:MLOPS_TEST_SIGNING_KEY", key); }, &msg) == ErrorKind::not_found);
  CHECK(msg.find("MLOPS_TEST_SIGNING_KEY") != std::string::npos);
  ::setenv("MLOPS_TEST_SIGNING_KEY", "garbage", 1);
  CHECK(error_kind([&] { load_private_key("env:MLOPS_TEST_SIGNING_KEY", key); }, &msg) == ErrorKind::invalid_input);
  CHECK(msg.find("environment variable MLOPS_TEST_SIGNING_KEY") != std::string::npos);
  CHECK(msg.find("garbage") == std::string::npos);  // key material is never echoed
  ::unsetenv("MLOPS_TEST_SIGNING_KEY");
  CHECK(error_kind([&] { load_private_key("/nonexistent/key", key); }) == ErrorKind::not_found);
}

TEST_CASE("signing: the files of a package are read from raw and tar layers", "[package][sign]") {
  Fixture fx;
  const nlohmann::json manifest = nlohmann::json::parse(fx.store.read_blob(fx.digest));
  const PackageContent c = package_files(fx.store, manifest);
  INFO(joined(c.problems));
  CHECK(c.problems.empty());
  REQUIRE(c.files.size() == 5);
  CHECK(c.files[0].name == "README.md");
  CHECK(c.files[0].sha256 == sha256_hex(k_readme));
  CHECK(c.files[0].blob == fx.docs.digest);
  CHECK(c.files[1].name == "models/model.bin");
  CHECK(c.files[1].sha256 == digest_hex(fx.weights.digest));
  CHECK(c.files[2].name == "src/pkg/__init__.py");
  CHECK(c.files[2].sha256 == sha256_hex(k_init_py));
  CHECK(c.files[3].name == "src/pkg/same.py");  // a hard link: the content of its target
  CHECK(c.files[3].sha256 == sha256_hex(k_train_py));
  CHECK(c.files[4].name == "src/pkg/train.py");
  CHECK(c.files[4].blob == fx.code.digest);
}

TEST_CASE("signing: a signed package verifies and the signature is a referrer with a Sigstore bundle", "[package][sign]") {
  Fixture fx;
  const KeyPair k = fx.key("k");
  const SignResult s = sign(fx.root, "demo:1", k.private_key);
  CHECK(s.key_id == k.key_id);
  CHECK(s.files == 5);

  const VerifyResult r = fx.verify(k.public_key);
  INFO(joined(r.problems));
  CHECK(r.ok);
  CHECK(r.problems.empty());
  CHECK(r.signature_checked);
  CHECK(r.key_id == k.key_id);

  const IndexEntry sig = fx.signature();
  CHECK(sig.descriptor.digest == s.digest);
  CHECK(sig.ref.empty());
  CHECK(sig.descriptor.artifact_type == media::sigstore_bundle);
  CHECK(sig.descriptor.annotations["ai.mlops.key.id"] == k.key_id);
  const auto m = nlohmann::json::parse(fx.store.read_blob(s.digest));
  CHECK(m["artifactType"] == media::sigstore_bundle);
  CHECK(m["config"]["digest"] == empty_digest);
  CHECK(fx.store.read_blob(empty_digest) == "{}");
  CHECK(m["subject"]["digest"] == fx.digest);
  CHECK(m["subject"]["artifactType"] == media::model_artifact);
  CHECK(m["layers"][0]["annotations"][annotation::title] == "signature.sigstore.json");
  CHECK(m["annotations"]["dev.sigstore.bundle.predicateType"] == "https://model_signing/signature/v1.0");
  const auto bundle = nlohmann::json::parse(fx.store.read_blob(m["layers"][0]["digest"].get<std::string>()));
  CHECK(bundle["mediaType"] == media::sigstore_bundle);
  CHECK(bundle["verificationMaterial"]["publicKey"]["hint"] == k.key_id);
  const auto& env = bundle["dsseEnvelope"];
  CHECK(env["payloadType"] == "application/vnd.in-toto+json");
  CHECK(env["signatures"][0]["keyid"] == k.key_id);
  const auto st = nlohmann::json::parse(*base64_decode(env["payload"].get<std::string>()));
  CHECK(st["_type"] == "https://in-toto.io/Statement/v1");
  CHECK(st["subject"][0]["name"] == "demo:1");
  CHECK(st["subject"][1]["name"] == "oci-manifest");
  CHECK(st["subject"][1]["digest"]["sha256"] == digest_hex(fx.digest));
  const auto& res = st["predicate"]["resources"];
  REQUIRE(res.size() == 5);
  // The model digest, computed here independently: sha256 over the raw digests in name order.
  std::string raw;
  for (const auto& r2 : res) raw += from_hex(r2["digest"].get<std::string>());
  CHECK(st["subject"][0]["digest"]["sha256"] == sha256_hex(raw));
  CHECK(res[1]["name"] == "models/model.bin");
  CHECK(res[1]["algorithm"] == "sha256");
  CHECK(res[1]["digest"] == digest_hex(fx.weights.digest));
  // The signature verifies over PAE(payloadType, payload) with the public key alone.
  const std::string sig_bytes = *base64_decode(env["signatures"][0]["sig"].get<std::string>());
  const std::string pae = dsse_pae("application/vnd.in-toto+json", *base64_decode(env["payload"].get<std::string>()));
  const PublicKey pub = load_public_key(k.public_key);
  CHECK(crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig_bytes.data()),
                                    reinterpret_cast<const unsigned char*>(pae.data()), pae.size(), pub.data()) == 0);
}

TEST_CASE("signing: signing again with the same key replaces the signature and other keys add theirs", "[package][sign]") {
  Fixture fx;
  const KeyPair a = fx.key("a");
  const KeyPair b = fx.key("b");
  sign(fx.root, "demo:1", a.private_key);
  sign(fx.root, "demo:1", a.private_key);
  CHECK(fx.store.referrers(fx.digest).size() == 1);
  sign(fx.root, "demo:1", b.private_key);
  CHECK(fx.store.referrers(fx.digest).size() == 2);
  CHECK(fx.verify(a.public_key).ok);
  CHECK(fx.verify(b.public_key).ok);
  // The package still resolves to itself, not to a signature.
  CHECK(fx.store.resolve("demo:1").descriptor.digest == fx.digest);
}

TEST_CASE("signing: signing refuses a public key and a corrupt package", "[package][sign]") {
  Fixture fx;
  const KeyPair k = fx.key("k");
  std::string msg;
  CHECK(error_kind([&] { sign(fx.root, "demo:1", k.public_key); }, &msg) == ErrorKind::invalid_input);
  CHECK(msg.find("public key") != std::string::npos);
  fx.flip_byte(fx.weights.digest, 3);
  CHECK(error_kind([&] { sign(fx.root, "demo:1", k.private_key); }, &msg) == ErrorKind::invalid_input);
  CHECK(msg.find(fx.weights.digest) != std::string::npos);
  CHECK(fx.store.referrers(fx.digest).empty());
  CHECK(error_kind([&] { sign(fx.root, "nothing:1", k.private_key); }) == ErrorKind::not_found);
}

TEST_CASE("signing: tampering is found by signature verification", "[package][sign]") {
  Fixture fx;
  const KeyPair k = fx.key("k");
  sign(fx.root, "demo:1", k.private_key);

  SECTION("a changed byte in the raw weights names the blob") {
    fx.flip_byte(fx.weights.digest, 5);
    const VerifyResult r = fx.verify(k.public_key);
    INFO(joined(r.problems));
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.signature_checked);
    CHECK(any_contains(r.problems, "blob " + fx.weights.digest + " (models/model.bin)"));
    CHECK(any_contains(r.problems, "differs from the signed"));
  }
  SECTION("a blob the caller found broken already is not reported twice") {
    fx.flip_byte(fx.weights.digest, 5);
    VerifyResult r;
    r.ok = false;
    r.problems.push_back("blob " + fx.weights.digest + " (models/model.bin): digest mismatch");
    verify_signature(fx.store, fx.store.resolve("demo:1"), k.public_key, r);
    INFO(joined(r.problems));
    CHECK_FALSE(r.ok);
    REQUIRE(r.problems.size() == 2);
    CHECK(r.problems[1].find("differs from the signed") != std::string::npos);
  }
  SECTION("a changed byte in a file of a tar layer names the file") {
    // The first file's content starts after the two directory headers and its own.
    fx.flip_byte(fx.code.digest, 3 * 512 + 2);
    const VerifyResult r = fx.verify(k.public_key);
    INFO(joined(r.problems));
    CHECK_FALSE(r.ok);
    CHECK(any_contains(r.problems, "(src/pkg/__init__.py): content"));
    CHECK(any_contains(r.problems, fx.code.digest));
  }
  SECTION("a changed byte in a gzip layer") {
    fx.flip_byte(fx.docs.digest, fx.docs.size - 3);
    const VerifyResult r = fx.verify(k.public_key);
    INFO(joined(r.problems));
    CHECK_FALSE(r.ok);
    CHECK(any_contains(r.problems, fx.docs.digest));
  }
  SECTION("a replaced bundle blob") {
    const auto m = nlohmann::json::parse(fx.store.read_blob(fx.signature().descriptor.digest));
    const std::string bundle_digest = m["layers"][0]["digest"];
    fs::write_file_atomic(fx.store.blob_path(bundle_digest), R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"})");
    const VerifyResult r = fx.verify(k.public_key);
    INFO(joined(r.problems));
    CHECK_FALSE(r.ok);
    CHECK(any_contains(r.problems, bundle_digest));
  }
  SECTION("a statement rewritten to match changed weights, with its blobs re-digested") {
    // What an attacker with write access to the store can do without the private key.
    const IndexEntry old_sig = fx.signature();
    auto m = nlohmann::json::parse(fx.store.read_blob(old_sig.descriptor.digest));
    auto bundle = nlohmann::json::parse(fx.store.read_blob(m["layers"][0]["digest"].get<std::string>()));
    auto st = nlohmann::json::parse(*base64_decode(bundle["dsseEnvelope"]["payload"].get<std::string>()));
    const std::string evil = "evil weights";
    st["predicate"]["resources"][1]["digest"] = sha256_hex(evil);
    std::string raw;
    for (const auto& r2 : st["predicate"]["resources"]) raw += from_hex(r2["digest"].get<std::string>());
    st["subject"][0]["digest"]["sha256"] = sha256_hex(raw);
    bundle["dsseEnvelope"]["payload"] = base64_encode(st.dump());
    const std::string bundle_bytes = bundle.dump();
    m["layers"][0]["digest"] = fx.store.put_blob(bundle_bytes);
    m["layers"][0]["size"] = bundle_bytes.size();
    const std::string manifest_bytes = m.dump();
    const std::string new_sig = fx.store.put_blob(manifest_bytes);
    fx.store.update_index([&](std::vector<IndexEntry>& entries) {
      for (auto& e : entries) {
        if (e.descriptor.digest == old_sig.descriptor.digest) {
          e.descriptor.digest = new_sig;
          e.descriptor.size = manifest_bytes.size();
        }
      }
    });
    // The weights are replaced by the evil ones, in a blob of their own and a new manifest
    // would be needed; here only the signature changed, which must be enough to fail.
    const VerifyResult r = fx.verify(k.public_key);
    INFO(joined(r.problems));
    CHECK_FALSE(r.ok);
    CHECK(any_contains(r.problems, "does not verify"));
  }
  SECTION("another key") {
    const KeyPair other = fx.key("other");
    const VerifyResult r = fx.verify(other.public_key);
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.signature_checked);
    CHECK(r.problems == std::vector<std::string>{"no signature by key " + other.key_id});
  }
  SECTION("the signature of one package does not vouch for another") {
    // A second package with other weights, given the first package's signature manifest.
    const IndexEntry sig = fx.signature();
    const std::string other_manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]})";
    const std::string other = fx.store.put_blob(other_manifest);
    fx.store.update_index([&](std::vector<IndexEntry>& entries) {
      IndexEntry e;
      e.descriptor = Descriptor{media::manifest, other, other_manifest.size(), {}, nlohmann::json::object()};
      e.ref = "demo:2";
      set_index_entry(entries, e);
      IndexEntry s2 = sig;
      s2.descriptor.annotations[annotation::subject] = other;
      s2.descriptor.digest = sig.descriptor.digest;
      entries.push_back(s2);
    });
    VerifyResult r;
    verify_signature(fx.store, fx.store.resolve("demo:2"), k.public_key, r);
    INFO(joined(r.problems));
    CHECK_FALSE(r.ok);
    CHECK(any_contains(r.problems, "subject is not package " + other));
  }
}

TEST_CASE("signing: an unsigned package has no signature by the key", "[package][sign]") {
  Fixture fx;
  const KeyPair k = fx.key("k");
  const VerifyResult r = fx.verify(k.public_key);
  CHECK_FALSE(r.ok);
  CHECK(r.problems == std::vector<std::string>{"no signature by key " + k.key_id});
  // A missing public key file is an error, not a verification problem.
  VerifyResult r2;
  CHECK(error_kind([&] { verify_signature(fx.store, fx.store.resolve("demo:1"), fx.tmp.path() / "none.pub", r2); }) ==
        ErrorKind::not_found);
}

}  // namespace mlops::package
