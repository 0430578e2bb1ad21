// SPDX-License-Identifier: MIT
// DSSE envelopes (github.com/secure-systems-lab/dsse, protocol v1) signed with Ed25519: the
// signature covers the payload type as well as the payload, through the PAE encoding, so a
// payload cannot be replayed under another type.
#pragma once

#include "package/signing_keys.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mlops::package {

inline constexpr const char* k_in_toto_payload_type = "application/vnd.in-toto+json";

// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in decimal ASCII.
std::string dsse_pae(std::string_view payload_type, std::string_view payload);

// {"payload": b64, "payloadType": …, "signatures": [{"keyid": …, "sig": b64}]}
nlohmann::json dsse_sign(std::string_view payload_type, std::string_view payload, const PrivateKey& key);

// The key ids the envelope's signatures claim (hints only: nothing is verified).
std::vector<std::string> dsse_key_ids(const nlohmann::json& envelope);

// The payload of `envelope` when it has `payload_type` and a signature by `key` verifies
// over it. Error{invalid_input} saying what is wrong otherwise.
std::string dsse_open(const nlohmann::json& envelope, std::string_view payload_type, const PublicKey& key);

}  // namespace mlops::package
