// SPDX-License-Identifier: MIT
#pragma once

namespace mlops::cli {

// The whole command line: parse, prepare, run, map errors to exit codes. Never throws.
int run(int argc, char** argv);

}  // namespace mlops::cli
