// SPDX-License-Identifier: MIT
// mlops model promote|history|list: aliases with an audit trail in git.
#include "commands.hpp"

#include <mlops/config.hpp>
#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/model.hpp>
#include <mlops/package.hpp>

#include <filesystem>
#include <memory>

namespace mlops::cli {
namespace {

std::string text_of(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "-" : v.dump(); }

std::string gates_of(const nlohmann::json& a) {
  const auto& g = a.value("gates", nlohmann::json::object());
  if (!g.value("checked", false)) return "not checked";
  return g.value("passed", false) ? "passed" : "failed";
}

std::vector<std::string> row_of(const nlohmann::json& a) {
  const auto& p = a.value("package", nlohmann::json::object());
  const auto& s = a.value("signature", nlohmann::json::object());
  return {exp::printable(text_of(a.value("alias", nlohmann::json()))),
          exp::printable(text_of(p.value("ref", nlohmann::json()))),
          exp::printable(text_of(p.value("digest", nlohmann::json())).substr(0, 19)),
          exp::printable(text_of(a.value("promoted_at", nlohmann::json()))),
          exp::printable(text_of(a.value("promoted_by", nlohmann::json()))),
          gates_of(a),
          s.value("signed", false) ? exp::printable(text_of(s.value("key_id", nlohmann::json()))) : "unsigned",
          exp::printable(text_of(a.value("reason", nlohmann::json())))};
}

}  // namespace

void setup_model(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer(
      "\nExamples:\n  mlops model promote churn:v2 --alias prod --reason 'better recall'\n  mlops model history prod\n  mlops model "
      "list\n");
  {
    auto o = std::make_shared<model::PromoteOptions>();
    CLI::App* s = cmd.add_subcommand("promote", "Point an alias (prod, staging) at a package, recording who, when and why");
    s->fallthrough();
    s->add_option("REF", o->package, "Package (NAME:TAG or digest) in the store")->required();
    s->add_option("--alias", o->alias, "Alias to move: letters, digits, '.', '_', '-'")->type_name("NAME")->required();
    s->add_option("--reason", o->reason, "Why, for the audit trail")->type_name("TEXT");
    s->add_option("--remote", o->remote,
                  "Also tag the package NAME on this remote (a remote's name or a URL); it must be pushed there first")
        ->type_name("REMOTE");
    s->footer(
        "\nEach promotion is a commit on refs/mlops/aliases/NAME (who, when, why, the package digest,\n"
        "the gates its run passed, the signature key id); concurrent promotions are all kept.\n"
        "mlops.yaml's promote: {require: [signed, gates]} refuses an unsigned package or a run\n"
        "failing its gates (exit 4).\n"
        "With --remote, the package's repository on the remote also gets the tag NAME (on an OCI\n"
        "registry: PACKAGE:NAME), before the alias moves here. The remote must hold the package and its\n"
        "signatures already (else exit 3: mlops push it first); a tag NAME there that this alias never\n"
        "pointed at (a version tag, or a promotion made elsewhere and not fetched) is left alone (exit 6).\n"
        "\nExamples:\n  mlops model promote churn:v2 --alias prod --reason 'better recall'\n  mlops model promote churn:v1 --alias "
        "staging\n  mlops model promote churn:v2 --alias prod --remote file://$HOME/models\n");
    s->callback([o, s, &ctx] {
      // An empty --remote (an unset variable in a CI script) is not "no remote".
      if (s->count("--remote") > 0 && o->remote.empty())
        throw Error(ErrorKind::usage, "--remote is empty", "give a remote's name or a URL, or leave --remote out");
      ctx.action = [o](Context& c) {
        o->store = package::default_store();
        if (!o->remote.empty()) o->remote = config::resolve_remote(std::filesystem::current_path(), o->remote);
        const nlohmann::json rec = nlohmann::json::parse(model::promote(std::filesystem::current_path(), *o));
        if (c.out.json()) {
          c.out.print_json(rec);
        } else {
          c.out.status("mlops: " + exp::printable(o->alias) + " -> " + exp::printable(o->package) + " (" +
                       rec["package"].value("digest", "") + "), gates " + gates_of(rec));
          if (rec.contains("remote") && rec["remote"].is_object())
            c.out.status("mlops: tagged " + exp::printable(rec["remote"].value("tag", "")));
        }
        return 0;
      };
    });
  }
  {
    auto alias = std::make_shared<std::string>();
    CLI::App* s = cmd.add_subcommand("history", "Every promotion of an alias, newest first");
    s->fallthrough();
    s->add_option("NAME", *alias, "Alias")->required();
    s->footer("\nExamples:\n  mlops model history prod\n  mlops model history prod --json\n");
    s->callback([alias, &ctx] {
      ctx.action = [alias](Context& c) {
        const auto h = model::history(std::filesystem::current_path(), *alias);
        if (c.out.json()) {
          nlohmann::json arr = nlohmann::json::array();
          for (const auto& j : h) arr.push_back(nlohmann::json::parse(j));
          c.out.print_json(arr);
          return 0;
        }
        std::vector<std::vector<std::string>> rows{{"ALIAS", "PACKAGE", "DIGEST", "PROMOTED", "BY", "GATES", "SIGNED BY", "REASON"}};
        for (const auto& j : h) rows.push_back(row_of(nlohmann::json::parse(j)));
        c.out.print(format_table(rows, c.out));
        return 0;
      };
    });
  }
  {
    auto remote = std::make_shared<std::string>();
    CLI::App* s = cmd.add_subcommand("list", "Every alias and the package it points at");
    s->fallthrough();
    s->add_option("--remote", *remote, "Look the aliases up on this remote (a remote's name or a URL) instead")->type_name("REMOTE");
    s->footer(
        "\nWith --remote: each alias's tag on the remote (PACKAGE:ALIAS, the package its promotion here\n"
        "names) and whether it points where the alias does here (same, differs, absent).\n"
        "\nExamples:\n  mlops model list\n  mlops model list --json\n  mlops model list --remote file://$HOME/models\n");
    s->callback([remote, s, &ctx] {
      if (s->count("--remote") > 0 && remote->empty())
        throw Error(ErrorKind::usage, "--remote is empty", "give a remote's name or a URL, or leave --remote out");
      ctx.action = [remote](Context& c) {
        if (!remote->empty()) {
          const auto cwd = std::filesystem::current_path();
          const auto l = model::list_remote(cwd, package::default_store(), config::resolve_remote(cwd, *remote), {});
          const auto state = [](const model::RemoteAlias& a) {
            return a.digest.empty() ? "absent" : a.digest == a.local_digest ? "same" : "differs";
          };
          if (c.out.json()) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& a : l)
              arr.push_back({{"alias", a.alias},
                             {"url", a.url},
                             {"digest", a.digest.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.digest)},
                             {"local_digest", a.local_digest},
                             {"state", state(a)}});
            c.out.print_json(arr);
            return 0;
          }
          std::vector<std::vector<std::string>> rows{{"ALIAS", "REMOTE TAG", "REMOTE DIGEST", "HERE", "STATE"}};
          for (const auto& a : l)
            rows.push_back({exp::printable(a.alias), exp::printable(a.url), a.digest.empty() ? "-" : a.digest.substr(0, 19),
                            exp::printable(a.local_digest).substr(0, 19), state(a)});
          c.out.print(format_table(rows, c.out));
          return 0;
        }
        const auto l = model::list(std::filesystem::current_path());
        if (c.out.json()) {
          nlohmann::json arr = nlohmann::json::array();
          for (const auto& [_, j] : l) arr.push_back(nlohmann::json::parse(j));
          c.out.print_json(arr);
          return 0;
        }
        if (l.empty()) {
          c.out.status("no aliases yet: mlops model promote REF --alias NAME");
          return 0;
        }
        std::vector<std::vector<std::string>> rows{{"ALIAS", "PACKAGE", "DIGEST", "PROMOTED", "BY", "GATES", "SIGNED BY", "REASON"}};
        for (const auto& [_, j] : l) rows.push_back(row_of(nlohmann::json::parse(j)));
        c.out.print(format_table(rows, c.out));
        return 0;
      };
    });
  }
}

}  // namespace mlops::cli
