// SPDX-License-Identifier: MIT
// Registry credentials: `mlops login` / `mlops logout`. Lookups (lib/remote/credentials.hpp)
// read Docker's config.json first, then this file; secrets never reach a log or an output.
#pragma once

#include <mlops/api.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mlops::remote {

// $XDG_CONFIG_HOME/mlops/credentials.json (default ~/.config/mlops/credentials.json).
MLOPS_API std::filesystem::path credentials_file();

// "https://Registry.Example:5000/v2/" -> "registry.example:5000"; the Docker Hub names
// (docker.io, index.docker.io, registry-1.docker.io) -> "docker.io". Error{usage} for
// anything that is not a host[:port].
MLOPS_API std::string normalize_registry_host(std::string_view host);

// Stores `username` and `secret` for `host` in credentials_file() (mode 0600, atomic).
MLOPS_API void store_login(const std::string& host, const std::string& username, const std::string& secret);

// Checks `username` and `secret` against the registry at `host` (GET /v2/ with them: Basic,
// or a token from its token service): Error{remote, auth} when it refuses them; the reason as
// text when it could not be asked (unreachable, TLS, not a registry); nothing when it accepted
// them (or asks for none). Plain http for a loopback host, else https with the system CAs.
MLOPS_API std::optional<std::string> check_login(const std::string& host, const std::string& username, const std::string& secret);

// Removes `host` from credentials_file(); false when it had no entry there.
MLOPS_API bool remove_login(const std::string& host);

}  // namespace mlops::remote
