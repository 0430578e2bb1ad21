// SPDX-License-Identifier: MIT
// OCI vocabulary: media types, annotation keys, descriptors, digests and references.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace mlops::package {

namespace media {
inline constexpr const char* manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* index = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* empty = "application/vnd.oci.empty.v1+json";
inline constexpr const char* model_artifact = "application/vnd.cncf.model.manifest.v1+json";
inline constexpr const char* model_config = "application/vnd.cncf.model.config.v1+json";
inline constexpr const char* sigstore_bundle = "application/vnd.dev.sigstore.bundle.v0.3+json";
// application/vnd.cncf.model.<kind>.v1.<raw|tar>[+gzip|+zstd]
std::string model_layer(std::string_view kind, bool tar, std::string_view compression);
}  // namespace media

namespace annotation {
inline constexpr const char* ref_name = "org.opencontainers.image.ref.name";
inline constexpr const char* title = "org.opencontainers.image.title";
inline constexpr const char* created = "org.opencontainers.image.created";
inline constexpr const char* filepath = "org.cncf.model.filepath";
inline constexpr const char* file_metadata = "org.cncf.model.file.metadata+json";
// Set on index.json entries of signatures, so finding a package's referrers reads no blob.
inline constexpr const char* subject = "ai.mlops.subject";
// The signing key's id, on signature manifests and their index.json entries.
inline constexpr const char* key_id = "ai.mlops.key.id";
// On the index.json entry of a package pulled with --only: the filters; its other layers
// were not fetched (docs/formats.md, "Partial packages").
inline constexpr const char* partial = "ai.mlops.partial";
}  // namespace annotation

// The empty JSON object blob `{}` used as the config of signature manifests.
inline constexpr const char* empty_digest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

struct Descriptor {
  std::string media_type;
  std::string digest;  // sha256:<64 hex>
  std::uint64_t size = 0;
  std::string artifact_type;
  nlohmann::json annotations = nlohmann::json::object();
};
nlohmann::json to_json(const Descriptor& d);
// Error{invalid_input} naming `what` when a field is missing or malformed.
Descriptor parse_descriptor(const nlohmann::json& j, const std::string& what);

bool is_digest(std::string_view s);                    // sha256:<64 lowercase hex>
std::string_view digest_hex(std::string_view digest);  // the part after "sha256:"

// NAME[:TAG]: NAME is lower-case components [a-z0-9]+([._-][a-z0-9]+)* joined by '/',
// TAG is [A-Za-z0-9_][A-Za-z0-9._-]{0,127}; no TAG means "latest".
struct Reference {
  std::string name, tag;
  std::string str() const { return name + ":" + tag; }
};
// Error{usage} with the rule when `s` is not a valid reference.
Reference parse_reference(std::string_view s);
bool valid_tag(std::string_view tag);

// A package on a remote: [HOST[:PORT]/]REPO[:TAG][@sha256:HEX]. The first component is a
// registry host when it contains '.' or ':' or is "localhost" (docker's rule), else it is
// part of REPO. REPO follows parse_reference's name rules; a digest pins the manifest.
struct RemoteReference {
  std::string host;        // "" when the reference names no registry host
  std::string repository;  // team/demo
  std::string tag;         // "" when none was given
  std::string digest;      // sha256:<hex>, "" when none was given
  // The tag or digest to ask a remote for: the digest when there is one, else the tag,
  // else "latest".
  std::string reference() const;
  std::string str() const;  // as it was given, normalised (host/repo:tag@digest)
};
// Error{usage} with the rule when `s` is not a valid remote reference.
RemoteReference parse_remote_reference(std::string_view s);
// HOST[:PORT] as docker accepts it: DNS labels (letters, digits, '-' inside), or a
// bracketed IPv6 address, optionally ":PORT" (1-65535).
bool valid_registry_host(std::string_view host);

// Canonical bytes of a JSON document: keys sorted, no whitespace (so digests are stable).
std::string canonical(const nlohmann::json& j);

}  // namespace mlops::package
