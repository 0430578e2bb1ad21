// SPDX-License-Identifier: MIT
#pragma once

#include "output.hpp"

#include <mlops/scaffold.hpp>

namespace mlops::cli {

// Asks on the terminal: question on stderr, answer from stdin; secrets are not echoed.
class TerminalPrompter : public scaffold::Prompter {
 public:
  explicit TerminalPrompter(const Output& out) : m_out(out) {}
  std::string ask(const scaffold::Question& q, const std::string& default_text, const std::string& problem) override;

  // True when both stdin and stderr are terminals: the only time we may ask anything.
  static bool available();

 private:
  const Output& m_out;
};

}  // namespace mlops::cli
