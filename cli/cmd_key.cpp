// SPDX-License-Identifier: MIT
// mlops key generate: an Ed25519 key pair for signing packages.
#include "commands.hpp"

#include <mlops/package.hpp>

#include <memory>

namespace mlops::cli {

void setup_key(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer(R"(
Examples:
  mlops key generate                    # mlops-signing.key and mlops-signing.key.pub here
  mkdir -p ~/.config/mlops && mlops key generate ~/.config/mlops/release.key)");
  auto* gen = cmd.add_subcommand("generate", "Write a new Ed25519 key pair (private key mode 0600)");
  gen->fallthrough();
  auto path = std::make_shared<std::string>("mlops-signing.key");
  gen->add_option("PATH", *path, "Private key file; the public key goes to PATH.pub")->capture_default_str();
  gen->footer(R"(
Examples:
  mlops key generate release.key
  mlops key generate ci.key --json | jq -r .key_id)");
  gen->callback([&ctx, path] {
    ctx.action = [path](Context& c) {
      const auto k = package::generate_key(*path);
      if (c.out.json()) {
        c.out.print_json({{"private_key", k.private_key.string()}, {"public_key", k.public_key.string()}, {"key_id", k.key_id}});
      } else {
        c.out.print(k.private_key.string() + "\n" + k.public_key.string() + "\n");
        c.out.status("key id " + k.key_id + "; keep " + k.private_key.string() + " secret, share the .pub file");
      }
      return 0;
    };
  });
}

}  // namespace mlops::cli
