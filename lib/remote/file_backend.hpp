// SPDX-License-Identifier: MIT
// file:///PATH: one OCI image layout per repository, at PATH/REPO (what skopeo calls
// oci:PATH/REPO:TAG), tags as org.opencontainers.image.ref.name = TAG in its index.json.
// Written with the local store's discipline (package::Store): blobs verified and renamed into
// place, index.json rewritten atomically under its lock.
#pragma once

#include "remote/backend.hpp"

#include <memory>

namespace mlops::remote {

std::unique_ptr<Backend> open_file(const Location& location, const Options& options);

}  // namespace mlops::remote
