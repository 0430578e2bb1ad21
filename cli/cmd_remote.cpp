// SPDX-License-Identifier: MIT
// mlops remote add/list/remove: the remotes named in mlops.yaml (and the user config).
#include "commands.hpp"

#include <mlops/config.hpp>

#include <filesystem>
#include <memory>

namespace mlops::cli {

namespace {

struct RemoteOptions {
  config::Remote remote;
  std::string name;
  bool make_default = false;
};

nlohmann::json remote_json(const config::Remote& r) {
  nlohmann::json j{{"name", r.name}, {"url", r.url}};
  if (!r.endpoint.empty()) j["endpoint"] = r.endpoint;
  if (!r.region.empty()) j["region"] = r.region;
  if (!r.ca_file.empty()) j["ca_file"] = r.ca_file;
  if (r.plain_http) j["plain_http"] = true;
  return j;
}

}  // namespace

void setup_remote(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer(R"(
Remotes are kept in mlops.yaml (remotes: {NAME: {url: URL}}, default_remote: NAME), never with a
password: store credentials with 'mlops login'. A user config ($XDG_CONFIG_HOME/mlops/config.yaml)
may name more; the project's win.

Examples:
  mlops remote add team oci://registry.example/team --default
  mlops remote add backup s3://models-bucket/churn
  mlops remote list
  mlops remote remove backup)");
  auto o = std::make_shared<RemoteOptions>();

  auto* add = cmd.add_subcommand("add", "Name a remote in mlops.yaml (oci://, s3://, http(s)://, file://)");
  add->fallthrough();
  add->add_option("NAME", o->remote.name, "Remote name: [a-z0-9][a-z0-9._-]*")->required();
  add->add_option("URL", o->remote.url, "oci://HOST[:PORT]/REPO, s3://BUCKET[/PREFIX], https://HOST/PATH or file:///PATH")->required();
  add->add_flag("--default", o->make_default, "Make it the default remote (default_remote in mlops.yaml)");
  add->add_option("--endpoint", o->remote.endpoint, "s3://: the S3 API endpoint, http(s)://HOST[:PORT] (MinIO, Ceph, R2...)")
      ->type_name("URL");
  add->add_option("--region", o->remote.region, "s3://: the bucket's region (default AWS_REGION, the profile's, us-east-1)");
  add->add_option("--ca-file", o->remote.ca_file, "CA certificates (PEM) to trust for this remote's HTTPS")->type_name("FILE");
  add->add_flag("--plain-http", o->remote.plain_http, "Allow plain HTTP to this remote though it is not on loopback");
  add->footer(R"(
The settings are kept with the remote in mlops.yaml and used whenever it is named (push, pull,
copy); the same flags on those commands win over them. Never a password: use 'mlops login'.

Examples:
  mlops remote add team oci://registry.example/team --default
  mlops remote add minio s3://models/team --endpoint https://minio.example:9000 --region eu-west-3
  mlops remote add lab oci://registry.lab:5000/ml --ca-file /etc/ssl/certs/ca-certificates.crt
  mlops remote add local file:///srv/models)");
  add->callback([&ctx, o] {
    ctx.action = [o](Context& c) {
      config::add_remote(std::filesystem::current_path(), o->remote, o->make_default);
      if (c.out.json()) {
        auto j = remote_json(config::find_remote(std::filesystem::current_path(), o->remote.name));
        j["default"] = o->make_default;
        c.out.print_json(j);
      } else {
        c.out.status("added remote " + o->remote.name + (o->make_default ? " (the default)" : ""));
      }
      return 0;
    };
  });

  auto* list = cmd.add_subcommand("list", "List the remotes of mlops.yaml and the user config");
  list->alias("ls");
  list->fallthrough();
  list->footer(R"(
Examples:
  mlops remote list
  mlops remote list --json)");
  list->callback([&ctx] {
    ctx.action = [](Context& c) {
      const auto s = config::load_settings(std::filesystem::current_path());
      if (c.out.json()) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& r : s.remotes) {
          auto j = remote_json(r);
          j["default"] = r.name == s.default_remote;
          j["file"] = r.file;
          a.push_back(std::move(j));
        }
        c.out.print_json(a);
        return 0;
      }
      std::string text;
      for (const auto& r : s.remotes) {
        text += r.name + (r.name == s.default_remote ? " (default)" : "") + "\t" + r.url;
        if (!r.endpoint.empty()) text += " endpoint=" + r.endpoint;
        if (!r.region.empty()) text += " region=" + r.region;
        if (!r.ca_file.empty()) text += " ca_file=" + r.ca_file;
        if (r.plain_http) text += " plain_http";
        text += "\n";
      }
      c.out.print(text);
      if (s.remotes.empty()) c.out.status("no remotes; add one with 'mlops remote add NAME URL'");
      return 0;
    };
  });

  auto* rm = cmd.add_subcommand("remove", "Remove a remote from mlops.yaml");
  rm->alias("rm");
  rm->fallthrough();
  rm->add_option("REMOTE", o->name, "Remote name")->required();
  rm->footer(R"(
Examples:
  mlops remote add old file:///srv/old-models && mlops remote remove old)");
  rm->callback([&ctx, o] {
    ctx.action = [o](Context& c) {
      const bool was_default = config::remove_remote(std::filesystem::current_path(), o->name);
      if (c.out.json()) {
        c.out.print_json({{"removed", o->name}, {"was_default", was_default}});
      } else {
        c.out.status("removed remote " + o->name + (was_default ? "; there is no default remote now" : ""));
      }
      return 0;
    };
  });
}

}  // namespace mlops::cli
