// SPDX-License-Identifier: MIT
// Keys, signing and signature verification (docs/formats.md, "Signatures").
//
// What is signed is the OpenSSF model-signing statement: every file of the package by name
// and sha256, recomputed from the blobs, plus the digest of the package manifest. A signature
// is an OCI referrer manifest of the package (subject = the package manifest) holding a
// Sigstore bundle v0.3 with the DSSE envelope and no transparency-log entry (keys are ours,
// not Fulcio's), so registries with the referrers API carry it beside the package and
// `model_signing verify` style tools can read the bundle.
#include "package/signing.hpp"

#include "package/c_libs.hpp"
#include "package/signing_dsse.hpp"
#include "package/signing_files.hpp"
#include "package/signing_keys.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <optional>

namespace mlops::package {

namespace {

constexpr const char* k_statement_type = "https://in-toto.io/Statement/v1";
constexpr const char* k_predicate_type = "https://model_signing/signature/v1.0";
constexpr const char* k_manifest_subject = "oci-manifest";
constexpr const char* k_key_id_annotation = annotation::key_id;
constexpr const char* k_bundle_title = "signature.sigstore.json";
// A verification lists this many file problems of each kind, then counts the rest.
constexpr std::size_t k_max_file_problems = 20;

std::string now_rfc3339() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (const unsigned char b : raw) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

// Creates `path` with `data`, durably, failing with Error{conflict} if it exists, even when
// another process creates it meanwhile: the content goes to a temp file that is then
// hard-linked into place, and link(2) never replaces anything.
void write_new_file(const stdfs::path& path, std::string_view data, stdfs::perms mode) {
  const stdfs::path dir = path.has_parent_path() ? path.parent_path() : stdfs::path(".");
  const stdfs::path temp = dir / ("." + path.filename().string() + ".new-" + random_hex(6));
  fs::write_file_atomic(temp, data, mode);
  if (::link(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    if (err == EEXIST)
      throw Error(ErrorKind::conflict, path.string() + " already exists", "choose another path, or remove the old key pair first");
    errno = err;
    throw_errno("cannot create " + path.string());
  }
  ::unlink(temp.c_str());
  fs::fsync_dir(dir);
}

void refuse_existing(const stdfs::path& p) {
  std::error_code ec;
  if (stdfs::exists(stdfs::symlink_status(p, ec))) {
    throw Error(ErrorKind::conflict, p.string() + " already exists", "choose another path, or remove the old key pair first");
  }
}

nlohmann::json parse_json(const std::string& text, const std::string& what) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw Error(ErrorKind::invalid_input, what + " is not a JSON object");
  return j;
}

const std::string* string_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

nlohmann::json statement(const std::string& name, const std::string& manifest_digest, const std::vector<PackageFile>& files) {
  nlohmann::json resources = nlohmann::json::array();
  for (const auto& f : files) resources.push_back({{"name", f.name}, {"algorithm", "sha256"}, {"digest", f.sha256}});
  return {
      {"_type", k_statement_type},
      {"subject",
       nlohmann::json::array({{{"name", name}, {"digest", {{"sha256", files_digest(files)}}}},
                              {{"name", k_manifest_subject}, {"digest", {{"sha256", std::string(digest_hex(manifest_digest))}}}}})},
      {"predicateType", k_predicate_type},
      {"predicate",
       {{"serialization",
         {{"method", "files"}, {"hash_type", "sha256"}, {"allow_symlinks", true}, {"ignore_paths", nlohmann::json::array()}}},
        {"resources", resources}}},
  };
}

// The files a statement signs, after checking it is a model-signing statement about the
// package `manifest_digest`. Error{invalid_input} saying what is wrong.
std::vector<PackageFile> signed_files(const std::string& payload, const std::string& manifest_digest) {
  auto bad = [](const std::string& why) { return Error(ErrorKind::invalid_input, why); };
  const nlohmann::json st = parse_json(payload, "the signed statement");
  const auto* type = string_field(st, "_type");
  if (type == nullptr || *type != k_statement_type) throw bad("the signed statement is not an in-toto v1 statement");
  const auto* predicate_type = string_field(st, "predicateType");
  if (predicate_type == nullptr || *predicate_type != k_predicate_type) {
    throw bad("the signed statement's predicate is '" + (predicate_type ? *predicate_type : std::string()) + "', not " + k_predicate_type);
  }
  const auto subjects = st.find("subject");
  if (subjects == st.end() || !subjects->is_array()) throw bad("the signed statement has no subject");
  const nlohmann::json* model_subject = nullptr;
  bool manifest_ok = false;
  std::string manifest_seen;
  for (const auto& s : *subjects) {
    const auto* name = string_field(s, "name");
    const auto digest = s.is_object() ? s.find("digest") : s.end();
    const auto* sha = digest != s.end() ? string_field(*digest, "sha256") : nullptr;
    if (name == nullptr || sha == nullptr) throw bad("a subject of the signed statement has no name or sha256");
    if (*name == k_manifest_subject) {
      manifest_seen = *sha;
      manifest_ok = manifest_ok || *sha == digest_hex(manifest_digest);
    } else if (model_subject == nullptr) {
      model_subject = &s;
    }
  }
  if (!manifest_ok) {
    throw bad(manifest_seen.empty() ? std::string("the signed statement does not name the package manifest")
                                    : "the signature is for package sha256:" + manifest_seen + ", not " + manifest_digest);
  }
  if (model_subject == nullptr) throw bad("the signed statement has no model subject");
  const auto predicate = st.find("predicate");
  if (predicate == st.end() || !predicate->is_object()) throw bad("the signed statement has no predicate");
  const auto serialization = predicate->find("serialization");
  const auto* method = serialization != predicate->end() ? string_field(*serialization, "method") : nullptr;
  const auto* hash_type = serialization != predicate->end() ? string_field(*serialization, "hash_type") : nullptr;
  if (method == nullptr || *method != "files" || hash_type == nullptr || *hash_type != "sha256") {
    throw bad("the signed statement does not use the 'files' serialization with sha256");
  }
  const auto resources = predicate->find("resources");
  if (resources == predicate->end() || !resources->is_array()) throw bad("the signed statement lists no resources");
  std::vector<PackageFile> files;
  files.reserve(resources->size());
  for (const auto& r : *resources) {
    const auto* name = string_field(r, "name");
    const auto* algorithm = string_field(r, "algorithm");
    const auto* digest = string_field(r, "digest");
    if (name == nullptr || digest == nullptr || algorithm == nullptr || *algorithm != "sha256") {
      throw bad("a resource of the signed statement has no name or sha256 digest");
    }
    files.push_back({*name, *digest, {}});
  }
  std::sort(files.begin(), files.end(), [](const PackageFile& a, const PackageFile& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < files.size(); ++i) {
    if (files[i].name == files[i - 1].name) throw bad("the signed statement lists " + files[i].name + " twice");
  }
  const auto* model_digest = string_field((*model_subject)["digest"], "sha256");
  if (*model_digest != files_digest(files)) throw bad("the signed statement's model digest does not match its resources");
  return files;
}

// Differences between the files of the package and the signed ones, both sorted by name.
void compare_files(const std::vector<PackageFile>& actual, const std::vector<PackageFile>& signed_, std::vector<std::string>& problems) {
  std::vector<std::string> changed, unsigned_, missing;
  auto a = actual.begin();
  auto s = signed_.begin();
  while (a != actual.end() || s != signed_.end()) {
    if (s == signed_.end() || (a != actual.end() && a->name < s->name)) {
      unsigned_.push_back("blob " + a->blob + " (" + a->name + "): the file is not in the signature");
      ++a;
    } else if (a == actual.end() || s->name < a->name) {
      missing.push_back("file " + s->name + " is signed but not in the package");
      ++s;
    } else {
      if (a->sha256 != s->sha256) {
        changed.push_back("blob " + a->blob + " (" + a->name + "): content sha256:" + a->sha256 +
                          " differs from the signed sha256:" + s->sha256);
      }
      ++a;
      ++s;
    }
  }
  for (auto* list : {&changed, &unsigned_, &missing}) {
    for (std::size_t i = 0; i < list->size() && i < k_max_file_problems; ++i) problems.push_back((*list)[i]);
    if (list->size() > k_max_file_problems)
      problems.push_back("... and " + std::to_string(list->size() - k_max_file_problems) + " more like it");
  }
}

// The manifest of a package and its files, read and re-hashed once per verification.
struct PackageView {
  nlohmann::json manifest;
  PackageContent content;
};

}  // namespace

KeyPair generate_key(const stdfs::path& path) {
  if (path.empty()) throw Error(ErrorKind::usage, "no path for the key");
  if (path.native().rfind("env:", 0) == 0) {
    throw Error(ErrorKind::usage, "keys are generated into files, not environment variables",
                "generate a file, then copy its content into the CI secret");
  }
  const stdfs::path pub = path.native() + ".pub";
  refuse_existing(path);
  refuse_existing(pub);
  PrivateKey key;
  randombytes_buf(key.seed.data(), key.seed.size());
  key.derive();
  {
    std::string pem = private_key_pem(key);
    try {
      write_new_file(path, pem, stdfs::perms(0600));
    } catch (...) {
      wipe(pem);
      throw;
    }
    wipe(pem);
  }
  try {
    write_new_file(pub, public_key_pem(key.public_key), stdfs::perms(0644));
  } catch (...) {
    ::unlink(path.c_str());  // half a pair is no use, and it was ours
    throw;
  }
  return KeyPair{path, pub, key_id(key.public_key)};
}

SignResult sign(const stdfs::path& store_root, const std::string& ref, const stdfs::path& private_key, ProgressObserver* progress) {
  PrivateKey key;
  load_private_key(private_key, key);  // before anything is hashed: a bad key fails fast
  const std::string kid = key_id(key.public_key);

  Store store(store_root);
  // From here to the index update, gc must not take the package's blobs nor ours.
  const FileLock gc_lock = store.writer_lock();
  const IndexEntry package = store.resolve(ref);
  const std::string& package_digest = package.descriptor.digest;
  const nlohmann::json manifest = parse_json(store.read_blob(package_digest), "package manifest " + package_digest);
  const PackageContent content = package_files(store, manifest, {}, Progress(progress));
  if (!content.problems.empty()) {
    throw Error(ErrorKind::invalid_input, "cannot sign " + ref + ": " + content.problems.front(), "run 'mlops package verify " + ref + "'");
  }

  const std::string payload = canonical(statement(package.ref.empty() ? package_digest : package.ref, package_digest, content.files));
  const nlohmann::json bundle{
      {"mediaType", media::sigstore_bundle},
      {"verificationMaterial", {{"publicKey", {{"hint", kid}}}, {"tlogEntries", nlohmann::json::array()}}},
      {"dsseEnvelope", dsse_sign(k_in_toto_payload_type, payload, key)},
  };
  const std::string bundle_bytes = canonical(bundle);

  Descriptor subject = package.descriptor;
  subject.annotations = nlohmann::json::object();
  if (const auto* mt = string_field(manifest, "mediaType")) subject.media_type = *mt;
  if (const auto* at = string_field(manifest, "artifactType")) subject.artifact_type = *at;

  const std::string empty_config = "{}";
  const Descriptor config{media::empty, empty_digest, empty_config.size(), {}, nlohmann::json::object()};
  const Descriptor bundle_layer{
      media::sigstore_bundle, "sha256:" + sha256_hex(bundle_bytes), bundle_bytes.size(), {}, {{annotation::title, k_bundle_title}}};
  const nlohmann::json signature_manifest{
      {"schemaVersion", 2},
      {"mediaType", media::manifest},
      {"artifactType", media::sigstore_bundle},
      {"config", to_json(config)},
      {"layers", nlohmann::json::array({to_json(bundle_layer)})},
      {"subject", to_json(subject)},
      {"annotations",
       {{"dev.sigstore.bundle.content", "dsse-envelope"},
        {"dev.sigstore.bundle.predicateType", k_predicate_type},
        {annotation::created, now_rfc3339()},
        {k_key_id_annotation, kid}}},
  };
  const std::string manifest_bytes = canonical(signature_manifest);

  store.put_blob(empty_config);
  store.put_blob(bundle_bytes);
  const std::string digest = store.put_blob(manifest_bytes);
  store.update_index([&](std::vector<IndexEntry>& entries) {
    if (std::none_of(entries.begin(), entries.end(), [&](const IndexEntry& e) { return e.descriptor.digest == package_digest; })) {
      throw Error(ErrorKind::conflict, "package " + ref + " was removed while it was being signed");
    }
    // One signature per key and package: signing again replaces it.
    std::erase_if(entries, [&](const IndexEntry& e) {
      const auto& an = e.descriptor.annotations;
      const auto s = an.find(annotation::subject);
      const auto k = an.find(k_key_id_annotation);
      return s != an.end() && *s == package_digest && k != an.end() && *k == kid && e.descriptor.digest != digest;
    });
    IndexEntry entry;
    entry.descriptor = Descriptor{media::manifest,
                                  digest,
                                  manifest_bytes.size(),
                                  media::sigstore_bundle,
                                  {{annotation::subject, package_digest}, {k_key_id_annotation, kid}}};
    set_index_entry(entries, entry);
  });
  return SignResult{digest, kid, content.files.size()};
}

void verify_signature(const Store& store, const IndexEntry& package, const stdfs::path& public_key, VerifyResult& result,
                      const std::set<std::string>& rehashed, const Progress& progress) {
  const PublicKey key = load_public_key(public_key);
  const std::string kid = key_id(key);
  const std::string& package_digest = package.descriptor.digest;

  const std::size_t first_problem = result.problems.size();  // the caller's own come before
  std::optional<PackageView> view;                           // re-hashing is the expensive part: only with a signature to check
  auto package_view = [&]() -> const PackageView& {
    if (!view) {
      view.emplace();
      try {
        view->manifest = parse_json(store.read_blob(package_digest), "package manifest " + package_digest);
        view->content = package_files(store, view->manifest, rehashed, progress);
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::interrupted) throw;
        view->content.problems.push_back(e.what());
      }
      // The caller may have re-hashed the blobs already: one line per broken blob is enough.
      auto already_reported = [&](const std::string& p) {
        const std::string blob = p.substr(0, p.find(' ', 5));  // "blob sha256:…"
        return blob.rfind("blob ", 0) == 0 &&
               std::any_of(result.problems.begin(), result.problems.begin() + static_cast<std::ptrdiff_t>(first_problem),
                           [&](const std::string& q) { return q.rfind(blob + " ", 0) == 0 || q == blob; });
      };
      for (const auto& p : view->content.problems) {
        if (!already_reported(p)) result.problems.push_back(p);
      }
    }
    return *view;
  };

  bool found = false, verified = false;
  for (const auto& ref : store.referrers(package_digest)) {
    const auto& an = ref.descriptor.annotations;
    const auto hint = an.find(k_key_id_annotation);
    if (hint != an.end() && *hint != kid) continue;  // another key's signature
    const std::string label = "signature sha256:" + std::string(digest_hex(ref.descriptor.digest).substr(0, 12));
    try {
      const nlohmann::json m = parse_json(store.read_blob(ref.descriptor.digest), label);
      const auto subject = m.find("subject");
      const auto* subject_digest = subject != m.end() ? string_field(*subject, "digest") : nullptr;
      if (subject_digest == nullptr || *subject_digest != package_digest) {
        throw Error(ErrorKind::invalid_input, "its subject is not package " + package_digest);
      }
      const auto layers = m.find("layers");
      if (layers == m.end() || !layers->is_array() || layers->empty()) throw Error(ErrorKind::invalid_input, "it holds no bundle");
      const Descriptor layer = parse_descriptor((*layers)[0], label + " bundle");
      if (layer.media_type != media::sigstore_bundle)
        throw Error(ErrorKind::invalid_input, "its layer is a " + layer.media_type + ", not a Sigstore bundle");
      const nlohmann::json bundle = parse_json(store.read_blob(layer.digest), "bundle " + layer.digest);
      const auto* bundle_type = string_field(bundle, "mediaType");
      if (bundle_type == nullptr || *bundle_type != media::sigstore_bundle)
        throw Error(ErrorKind::invalid_input, "bundle " + layer.digest + " is not a Sigstore bundle v0.3");
      const auto envelope = bundle.find("dsseEnvelope");
      if (envelope == bundle.end()) throw Error(ErrorKind::invalid_input, "bundle " + layer.digest + " has no DSSE envelope");
      if (hint == an.end()) {
        // No hint in the index (the signature came from elsewhere): the envelope's key ids say.
        const auto ids = dsse_key_ids(*envelope);
        if (std::find(ids.begin(), ids.end(), kid) == ids.end()) continue;
      }
      found = true;
      const std::string payload = dsse_open(*envelope, k_in_toto_payload_type, key);
      const std::vector<PackageFile> signed_ = signed_files(payload, package_digest);
      const PackageView& pv = package_view();
      const std::size_t before = result.problems.size();
      compare_files(pv.content.files, signed_, result.problems);
      if (result.problems.size() == before && pv.content.problems.empty()) verified = true;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::interrupted) throw;
      found = true;
      result.problems.push_back(label + ": " + e.what());
    }
  }
  if (!found) result.problems.push_back("no signature by key " + kid);
  if (result.problems.size() != first_problem || !verified) {
    result.ok = false;
    return;
  }
  result.signature_checked = true;
  result.key_id = kid;
}

}  // namespace mlops::package
