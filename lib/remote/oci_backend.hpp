// SPDX-License-Identifier: MIT
// oci://HOST[:PORT]/PATH: an OCI distribution (v1.1) registry.
#pragma once

#include "remote/backend.hpp"

#include <memory>

namespace mlops::remote {

// HTTPS with the system CAs (or Options::ca_file); plain http with Options::plain_http, or for a
// loopback host without a ca_file (local test registries). Credentials: credentials.hpp.
std::unique_ptr<Backend> open_oci(const Location& location, const Options& options);

}  // namespace mlops::remote
