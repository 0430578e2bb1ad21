// SPDX-License-Identifier: MIT
// Where an s3:// remote's credentials, region and endpoint come from, by the rules the AWS
// SDKs and CLI follow (so what works for `aws s3` works here):
// - credentials: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), else the
//   profile AWS_PROFILE (default "default") in AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials,
//   section [NAME]), else in AWS_CONFIG_FILE (~/.aws/config, section [profile NAME] or
//   [default]); none at all: unsigned requests (public buckets);
// - region: --region (or the named remote's), AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, else us-east-1;
// - endpoint: --endpoint, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's `endpoint_url`
//   (or `s3 =` / `endpoint_url =` nested), else AWS (https://s3.REGION.amazonaws.com);
// - addressing: MLOPS_S3_ADDRESSING=path|virtual, else the profile's `s3 =` / `addressing_style`,
//   else virtual-hosted on AWS for a bucket without dots and path-style elsewhere (MinIO,
//   s3rver, Ceph expect it).
// The files are hostile input: bounded, parsed strictly, and a value never reaches a message.
#pragma once

#include "remote/s3_sign.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mlops::remote::s3 {

// The keys of one section of an AWS shared config/credentials file; nested keys
// (`s3 =` followed by indented `addressing_style = path`) as "s3.addressing_style".
// `section` is the header's text without brackets ("default", "profile dev"). nullopt when the
// file has no such section. Error{invalid_input} "FILE:LINE: ..." on a malformed line.
std::optional<std::map<std::string, std::string>> ini_section(std::string_view text, std::string_view section, const std::string& where);

struct S3Settings {
  std::optional<AwsCredentials> credentials;  // nullopt: anonymous
  std::string region;
  std::string endpoint;    // scheme://host[:port], no trailing '/'; "" for AWS
  std::string addressing;  // "path", "virtual" or "" (auto)
};

// `endpoint_option`, `region_option`: --endpoint and --region, or the named remote's (they win
// over everything).
S3Settings load_settings(const std::string& endpoint_option, const std::string& region_option = {});

}  // namespace mlops::remote::s3
