// SPDX-License-Identifier: MIT
// mlops login / logout: credentials for a registry, kept in our own 0600 file. Docker's
// config.json (auths, credHelpers, credsStore) is read first at every push and pull, so a
// `docker login` is enough where one was done; these commands never change Docker's files.
#include "commands.hpp"
#include "prompt.hpp"

#include <mlops/credentials.hpp>
#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

namespace mlops::cli {
namespace {

constexpr std::size_t k_max_secret = 64u << 10;

std::string read_stdin_secret() {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      check_interrupted();
      continue;
    }
    if (n < 0) throw_errno("cannot read the password from stdin");
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > k_max_secret) throw Error(ErrorKind::usage, "the password on stdin is over 64 KiB");
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.find('\n') != std::string::npos) throw Error(ErrorKind::usage, "the password on stdin has more than one line");
  return text;
}

}  // namespace

void setup_login(CLI::App& cmd, Context& ctx) {
  struct Opts {
    std::string host, user;
    bool password_stdin = false;
  };
  auto o = std::make_shared<Opts>();
  cmd.add_option("HOST", o->host, "Registry host[:port], as in a package reference")->required();
  // -u as docker login spells it (and as the issue does): the one short option with two
  // meanings, each its command's convention (exp run -u is git stash's --include-untracked).
  cmd.add_option("-u,--username", o->user, "User name (asked on a terminal when not given)")->type_name("USER");
  cmd.add_flag("--password-stdin", o->password_stdin, "Read the password or token from stdin (for scripts and CI)");
  cmd.footer(R"(
Credentials are looked up in Docker's config.json first ($DOCKER_CONFIG or ~/.docker: auths,
credHelpers, credsStore), then in $XDG_CONFIG_HOME/mlops/credentials.json, which this command
writes (mode 0600), once the registry accepted them (GET /v2/ with them; a refusal is exit 5
and nothing is stored; an unreachable registry, a warning). The password is never printed or
logged. Without --password-stdin, the user name and password are asked on a terminal.

Examples:
  echo "$REGISTRY_TOKEN" | mlops login ghcr.io -u octocat --password-stdin
  echo "$REGISTRY_TOKEN" | mlops login localhost:5000 --username ci --password-stdin --json)");
  cmd.callback([&ctx, o] {
    ctx.action = [o](Context& c) {
      const std::string host = remote::normalize_registry_host(o->host);
      std::string user = o->user;
      std::string secret;
      if (o->password_stdin) {
        if (user.empty()) throw Error(ErrorKind::usage, "--password-stdin needs --username (-u)", "add -u USER");
        secret = read_stdin_secret();
      } else {
        if (!TerminalPrompter::available()) {
          throw Error(ErrorKind::usage, "no terminal to ask for the password",
                      "pipe it in: echo \"$TOKEN\" | mlops login " + host + " -u USER --password-stdin");
        }
        TerminalPrompter prompter(c.out);
        if (user.empty()) {
          scaffold::Question q;
          q.name = q.prompt = "Username";
          user = prompter.ask(q, "", "");
        }
        scaffold::Question q;
        q.name = q.prompt = "Password";
        q.secret = true;
        secret = prompter.ask(q, "", "");
      }
      if (user.empty()) throw Error(ErrorKind::usage, "empty user name");
      // A refused password is an error and nothing is stored; an unreachable registry only a
      // warning (a login made ahead of time, offline).
      if (const auto why = remote::check_login(host, user, secret)) {
        c.out.warn("could not check the credentials with " + host + " (" + *why + "); stored unchecked");
      }
      remote::store_login(host, user, secret);
      const std::string file = remote::credentials_file().string();
      if (c.out.json()) {
        c.out.print_json({{"host", host}, {"username", user}, {"file", file}});
      } else {
        c.out.status("credentials for " + host + " stored in " + file);
      }
      return 0;
    };
  });
}

void setup_logout(CLI::App& cmd, Context& ctx) {
  auto host = std::make_shared<std::string>();
  cmd.add_option("HOST", *host, "Registry host[:port]")->required();
  cmd.footer(R"(
Removes HOST from $XDG_CONFIG_HOME/mlops/credentials.json. Docker's config.json is left as it
is (use docker logout for that).

Examples:
  mlops logout ghcr.io)");
  cmd.callback([&ctx, host] {
    ctx.action = [host](Context& c) {
      const std::string h = remote::normalize_registry_host(*host);
      const bool removed = remote::remove_login(h);
      if (c.out.json()) {
        c.out.print_json({{"host", h}, {"removed", removed}});
      } else {
        c.out.status(removed ? "credentials for " + h + " removed" : "no stored credentials for " + h);
      }
      return 0;
    };
  });
}

}  // namespace mlops::cli
