// SPDX-License-Identifier: MIT
// s3://BUCKET[/PREFIX]: an S3 (or S3-compatible) bucket holding one OCI image layout per
// repository under PREFIX (the file:// layout, remote/layout.hpp: `aws s3 sync` of the prefix
// to a directory is readable by skopeo as oci:DIR/REPO:TAG). Requests are signed with AWS
// Signature V4 (remote/s3_sign.hpp); credentials, region, endpoint and addressing style come
// from the AWS conventions (remote/s3_config.hpp).
#pragma once

#include "remote/backend.hpp"

#include <memory>

namespace mlops::remote {

std::unique_ptr<Backend> open_s3(const Location& location, const Options& options);

}  // namespace mlops::remote
