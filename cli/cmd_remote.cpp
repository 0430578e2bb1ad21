// SPDX-License-Identifier: MIT
// mlops remote add/list/remove: the remotes named in mlops.yaml (and the user config).
#include "commands.hpp"

#include <mlops/config.hpp>

#include <filesystem>
#include <memory>

namespace mlops::cli {

namespace {

struct RemoteOptions {
  std::string name, url;
  bool make_default = false;
};

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
  add->add_option("NAME", o->name, "Remote name: [a-z0-9][a-z0-9._-]*")->required();
  add->add_option("URL", o->url, "oci://HOST[:PORT]/REPO, s3://BUCKET[/PREFIX], https://HOST/PATH or file:///PATH")->required();
  add->add_flag("--default", o->make_default, "Make it the default remote (default_remote in mlops.yaml)");
  add->footer(R"(
Examples:
  mlops remote add team oci://registry.example/team --default
  mlops remote add local file:///srv/models)");
  add->callback([&ctx, o] {
    ctx.action = [o](Context& c) {
      config::add_remote(std::filesystem::current_path(), o->name, o->url, o->make_default);
      if (c.out.json()) {
        c.out.print_json({{"name", o->name}, {"url", o->url}, {"default", o->make_default}});
      } else {
        c.out.status("added remote " + o->name + (o->make_default ? " (the default)" : ""));
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
        for (const auto& r : s.remotes)
          a.push_back({{"name", r.name}, {"url", r.url}, {"default", r.name == s.default_remote}, {"file", r.file}});
        c.out.print_json(a);
        return 0;
      }
      std::string text;
      for (const auto& r : s.remotes) text += r.name + (r.name == s.default_remote ? " (default)" : "") + "\t" + r.url + "\n";
      c.out.print(text);
      if (s.remotes.empty()) c.out.status("no remotes; add one with 'mlops remote add NAME URL'");
      return 0;
    };
  });

  auto* rm = cmd.add_subcommand("remove", "Remove a remote from mlops.yaml");
  rm->alias("rm");
  rm->fallthrough();
  rm->add_option("NAME", o->name, "Remote name")->required();
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
