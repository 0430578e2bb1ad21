// SPDX-License-Identifier: MIT
#include "app.hpp"

int main(int argc, char** argv) { return mlops::cli::run(argc, argv); }
