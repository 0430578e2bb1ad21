// SPDX-License-Identifier: MIT
#include "remote_flags.hpp"

#include <filesystem>

namespace mlops::cli {

remote::TransferOptions RemoteFlags::options() const {
  remote::TransferOptions t;
  if (!ca_file.empty()) t.ca_file = std::filesystem::path(ca_file);
  t.plain_http = plain_http;
  t.endpoint = endpoint;
  t.region = region;
  return t;
}

void add_remote_flags(CLI::App* cmd, RemoteFlags& flags) {
  cmd->add_option("--ca-file", flags.ca_file, "CA certificates (PEM) to trust for HTTPS remotes")->type_name("FILE");
  cmd->add_flag("--plain-http", flags.plain_http, "Allow plain HTTP to a server that is not on loopback");
  cmd->add_option("--endpoint", flags.endpoint,
                  "S3 API endpoint for s3:// remotes (default AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS)")
      ->type_name("URL");
  cmd->add_option("--region", flags.region, "S3 region for s3:// remotes (default AWS_REGION, the profile's, us-east-1)");
}

remote::NamedRemote named_remote(const std::string& remote_or_url, const RemoteFlags& flags) {
  return remote::find_named_remote(std::filesystem::current_path(), remote_or_url, flags.options());
}

}  // namespace mlops::cli
