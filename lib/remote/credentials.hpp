// SPDX-License-Identifier: MIT
// Where the credentials for a host come from, in Docker's order: config.json's credHelpers
// for the host, its credsStore, its auths; then our credentials file (`mlops login`); for
// plain http(s) remotes also ~/.netrc. A found secret lives in memory only: never logged,
// never in an error message.
#pragma once

#include <mlops/credentials.hpp>

#include <optional>
#include <string>

namespace mlops::remote {

struct Credential {
  std::string username;
  std::string secret;           // a password, or an identity (refresh) token
  bool identity_token = false;  // Docker's "<token>" user name / identitytoken
  std::string source;           // "docker config.json", "docker-credential-pass", ... (for messages)
};

// Docker's config ($DOCKER_CONFIG/config.json, else ~/.docker/config.json), then ours.
std::optional<Credential> find_registry_credential(const std::string& host);

// $NETRC or ~/.netrc: the `machine` entry for `host` (without port), else `default`.
std::optional<Credential> find_netrc_credential(const std::string& host);

// "Basic base64(user:password)", for an Authorization header (a secret header: never logged).
std::string basic_authorization(const Credential& credential);

}  // namespace mlops::remote
