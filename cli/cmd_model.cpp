// SPDX-License-Identifier: MIT
// mlops model promote|history|list: aliases with an audit trail in git.
#include "commands.hpp"
#include "exit_codes.hpp"
#include "remote_flags.hpp"

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
    struct PromoteArgs {
      model::PromoteOptions o;
      RemoteFlags flags;
    };
    auto args = std::make_shared<PromoteArgs>();
    auto o = std::shared_ptr<model::PromoteOptions>(args, &args->o);
    CLI::App* s = cmd.add_subcommand("promote", "Point an alias (prod, staging) at a package, recording who, when and why");
    s->fallthrough();
    s->add_option("REF", o->package, "Package (NAME:TAG or digest) in the store")->required();
    s->add_option("--alias", o->alias, "Alias to move: letters, digits, '.', '_', '-'")->type_name("NAME")->required();
    s->add_option("--reason", o->reason, "Why, for the audit trail")->type_name("TEXT");
    s->add_option("--remote", o->remote,
                  "Also tag the package NAME on this remote (a remote's name or a URL); it must be pushed there first")
        ->type_name("REMOTE");
    add_remote_flags(s, args->flags);
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
    s->callback([args, o, s, &ctx] {
      // An empty --remote (an unset variable in a CI script) is not "no remote".
      if (s->count("--remote") > 0 && o->remote.empty())
        throw Error(ErrorKind::usage, "--remote is empty", "give a remote's name or a URL, or leave --remote out");
      ctx.action = [args, o](Context& c) {
        o->store = package::default_store();
        if (!o->remote.empty()) {
          const remote::NamedRemote n = named_remote(o->remote, args->flags);
          o->remote = n.url;
          o->transfer = n.options;
        }
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
    struct ListArgs {
      std::string remote;
      RemoteFlags flags;
    };
    auto args = std::make_shared<ListArgs>();
    CLI::App* s = cmd.add_subcommand("list", "Every alias and the package it points at");
    s->fallthrough();
    s->add_option("--remote", args->remote, "Look the aliases up on this remote (a remote's name or a URL) instead")->type_name("REMOTE");
    add_remote_flags(s, args->flags);
    s->footer(
        "\nWith --remote: each alias's tag on the remote (PACKAGE:ALIAS, the package its promotion here\n"
        "names) and whether it points where the alias does here (same, differs, absent). An alias whose\n"
        "tag cannot be read is listed with the state error and the reason, the others are still looked\n"
        "up, and the command then exits with the code of the first such error (5: the network or the\n"
        "remote failed; 2, 3, 4 as for any command).\n"
        "\nExamples:\n  mlops model list\n  mlops model list --json\n  mlops model list --remote file://$HOME/models\n");
    s->callback([args, s, &ctx] {
      if (s->count("--remote") > 0 && args->remote.empty())
        throw Error(ErrorKind::usage, "--remote is empty", "give a remote's name or a URL, or leave --remote out");
      ctx.action = [args](Context& c) {
        if (!args->remote.empty()) {
          const auto cwd = std::filesystem::current_path();
          const remote::NamedRemote n = named_remote(args->remote, args->flags);
          const auto l = model::list_remote(cwd, package::default_store(), n.url, n.options);
          const auto state = [](const model::RemoteAlias& a) {
            return !a.error.empty() ? "error" : a.digest.empty() ? "absent" : a.digest == a.local_digest ? "same" : "differs";
          };
          const model::RemoteAlias* failed = nullptr;
          std::size_t failures = 0;
          for (const auto& a : l)
            if (!a.error.empty() && failures++ == 0) failed = &a;
          if (c.out.json()) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& a : l) {
              nlohmann::json j{{"alias", a.alias},
                               {"url", a.url.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.url)},
                               {"digest", a.digest.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.digest)},
                               {"local_digest", a.local_digest},
                               {"state", state(a)}};
              if (!a.error.empty()) j["error"] = a.error;
              arr.push_back(std::move(j));
            }
            c.out.print_json(arr);
          } else {
            std::vector<std::vector<std::string>> rows{{"ALIAS", "REMOTE TAG", "REMOTE DIGEST", "HERE", "STATE"}};
            for (const auto& a : l)
              rows.push_back({exp::printable(a.alias), a.url.empty() ? "-" : exp::printable(a.url),
                              a.digest.empty() ? "-" : a.digest.substr(0, 19), exp::printable(a.local_digest).substr(0, 19), state(a)});
            c.out.print(format_table(rows, c.out));
          }
          if (failed == nullptr) return 0;
          // Every alias was shown; the reasons go to stderr, the exit code is the first one's.
          for (const auto& a : l)
            if (!a.error.empty()) c.out.warn("alias " + exp::printable(a.alias) + ": " + exp::printable(a.error));
          c.out.error(std::to_string(failures) + " of " + std::to_string(l.size()) + " aliases could not be read from the remote", "");
          return exit_code_for(failed->error_kind);
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
