// SPDX-License-Identifier: MIT
// mlops_manpages DIR: writes mlops.1 and mlops-COMMAND.1 into DIR, generated from the same
// command tree as `mlops` itself. A build-time tool (`make man` refreshes man/); not installed.
#include "commands.hpp"
#include "manpage.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/version.hpp>

#include <cstdio>
#include <filesystem>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: mlops_manpages DIR\n", stderr);
    return 2;
  }
  try {
    mlops::cli::Context ctx;
    CLI::App app{"", "mlops"};
    mlops::cli::build_app(app, ctx);
    app.set_version_flag("--version", "", "Print the version and exit");  // as cli/app.cpp adds it
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    for (const auto& page : mlops::cli::man_pages(app, mlops::version())) mlops::fs::write_file_atomic(dir / page.file, page.text);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mlops_manpages: %s\n", e.what());
    return 1;
  }
}
