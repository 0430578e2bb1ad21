// SPDX-License-Identifier: MIT
// http(s)://HOST[:PORT]/PATH: a plain HTTP artifact store (nginx's WebDAV module, Apache
// mod_dav, a generic Artifactory-style repository) holding one OCI image layout per
// repository at URL/REPO (the file:// backend's layout, remote/layout.hpp). Pull needs only
// GET (a static mirror serves it); push uses PUT to a temporary name, then MOVE into place.
#pragma once

#include "remote/backend.hpp"

#include <memory>

namespace mlops::remote {

// Plain http only to a loopback host unless Options::plain_http; https with the system CAs
// (or Options::ca_file). Credentials: `mlops login HOST` / Docker's config, then ~/.netrc.
std::unique_ptr<Backend> open_http(const Location& location, const Options& options);

}  // namespace mlops::remote
