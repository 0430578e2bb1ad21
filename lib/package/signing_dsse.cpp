// SPDX-License-Identifier: MIT
#include "package/signing_dsse.hpp"

#include "package/c_libs.hpp"

#include <mlops/error.hpp>

#include <array>

namespace mlops::package {

std::string dsse_pae(std::string_view payload_type, std::string_view payload) {
  std::string out = "DSSEv1 ";
  out.reserve(out.size() + payload_type.size() + payload.size() + 48);
  out += std::to_string(payload_type.size());
  out += ' ';
  out += payload_type;
  out += ' ';
  out += std::to_string(payload.size());
  out += ' ';
  out += payload;
  return out;
}

nlohmann::json dsse_sign(std::string_view payload_type, std::string_view payload, const PrivateKey& key) {
  const std::string pae = dsse_pae(payload_type, payload);
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  unsigned long long sig_len = 0;
  if (crypto_sign_detached(sig.data(), &sig_len, reinterpret_cast<const unsigned char*>(pae.data()), pae.size(), key.secret.data()) != 0 ||
      sig_len != sig.size()) {
    throw Error(ErrorKind::internal, "libsodium could not sign");
  }
  const std::string sig_b64 = base64_encode(std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
  return nlohmann::json{{"payload", base64_encode(payload)},
                        {"payloadType", std::string(payload_type)},
                        {"signatures", nlohmann::json::array({{{"keyid", key_id(key.public_key)}, {"sig", sig_b64}}})}};
}

std::vector<std::string> dsse_key_ids(const nlohmann::json& envelope) {
  std::vector<std::string> ids;
  if (!envelope.is_object()) return ids;
  const auto sigs = envelope.find("signatures");
  if (sigs == envelope.end() || !sigs->is_array()) return ids;
  for (const auto& s : *sigs) {
    if (!s.is_object()) continue;
    if (const auto k = s.find("keyid"); k != s.end() && k->is_string()) ids.push_back(*k);
  }
  return ids;
}

std::string dsse_open(const nlohmann::json& envelope, std::string_view payload_type, const PublicKey& key) {
  auto bad = [](const std::string& why) { return Error(ErrorKind::invalid_input, why); };
  if (!envelope.is_object()) throw bad("the DSSE envelope is not a JSON object");
  const auto type = envelope.find("payloadType");
  const auto payload = envelope.find("payload");
  const auto sigs = envelope.find("signatures");
  if (type == envelope.end() || !type->is_string()) throw bad("the DSSE envelope has no payloadType");
  if (*type != payload_type)
    throw bad("the DSSE payload type is '" + type->get<std::string>() + "', not '" + std::string(payload_type) + "'");
  if (payload == envelope.end() || !payload->is_string()) throw bad("the DSSE envelope has no payload");
  if (sigs == envelope.end() || !sigs->is_array() || sigs->empty()) throw bad("the DSSE envelope has no signatures");
  const auto body = base64_decode(payload->get_ref<const std::string&>());
  if (!body) throw bad("the DSSE payload is not valid base64");
  const std::string pae = dsse_pae(payload_type, *body);
  // Every signature is tried, whatever keyid it claims: the id is only a hint, and a
  // signature verifies with this key or not at all.
  for (const auto& s : *sigs) {
    if (!s.is_object()) continue;
    const auto sig_b64 = s.find("sig");
    if (sig_b64 == s.end() || !sig_b64->is_string()) continue;
    const auto sig = base64_decode(sig_b64->get_ref<const std::string&>());
    if (!sig || sig->size() != crypto_sign_BYTES) continue;
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()), reinterpret_cast<const unsigned char*>(pae.data()),
                                    pae.size(), key.data()) == 0) {
      return *body;
    }
  }
  throw bad("the signature does not verify with key " + key_id(key) + ": the signed statement or the signature was changed");
}

}  // namespace mlops::package
