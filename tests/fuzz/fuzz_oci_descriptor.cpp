// SPDX-License-Identifier: MIT
// index.json, manifests, configs and package references (local and remote) come from imported tarballs, other
// tools writing the store and the command line: descriptors and references must be accepted
// only when valid, and refused with mlops::Error otherwise; a ModelPack config's diff ids
// are digests, one per layer, or a problem is reported.
#include "package/diff_ids.hpp"
#include "package/oci.hpp"

#include <mlops/error.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlops;
using namespace mlops::package;

namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "fuzz_oci_descriptor: invariant violated: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const Reference r = parse_reference(text);
    if (r.name.empty() || !valid_tag(r.tag)) violated("invalid reference accepted");
    // Tags may hold "..", names may not (nor empty components).
    if (r.name.find("..") != std::string::npos || r.name.find("//") != std::string::npos) violated("odd name accepted");
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::usage) violated("reference error is not a usage error");
  }
  try {
    // A remote reference: what is accepted reads back the same from its own text, names a
    // valid repository (no "..", no empty component) and a valid host, tag and digest.
    const RemoteReference r = parse_remote_reference(text);
    (void)parse_reference(r.repository);
    if (!r.host.empty() && !valid_registry_host(r.host)) violated("invalid host accepted");
    if (!r.tag.empty() && !valid_tag(r.tag)) violated("invalid remote tag accepted");
    if (!r.digest.empty() && !is_digest(r.digest)) violated("invalid remote digest accepted");
    if (r.repository.find("..") != std::string::npos) violated("'..' in a remote repository");
    const RemoteReference again = parse_remote_reference(r.str());
    if (again.host != r.host || again.repository != r.repository || again.tag != r.tag || again.digest != r.digest) {
      violated("a remote reference does not read back the same");
    }
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::usage) violated("remote reference error is not a usage error");
  }
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return 0;
  // As a ModelPack config: the diff ids it promises are digests, one per layer, or a problem.
  for (const std::size_t layers : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
    std::string problem;
    const Descriptor config{media::model_config, empty_digest, 2, {}, nlohmann::json::object()};
    const auto ids = config_diff_ids(config, j, layers, problem);
    if (!ids) violated("a ModelPack config was not checked");
    if (problem.empty() && ids->size() != layers) violated("diff ids accepted for another number of layers");
    for (const auto& id : *ids) {
      if (!is_digest(id)) violated("a diff id that is not a digest");
    }
    const Descriptor other{media::empty, empty_digest, 2, {}, nlohmann::json::object()};
    if (config_diff_ids(other, j, layers, problem)) violated("a config of another type was checked");
  }
  try {
    const Descriptor d = parse_descriptor(j, "fuzz");
    if (!is_digest(d.digest)) violated("invalid digest accepted");
    if (digest_hex(d.digest).size() != 64) violated("digest hex length");
    (void)canonical(to_json(d));
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) violated("descriptor error is not invalid_input");
  }
  return 0;
}
