// SPDX-License-Identifier: MIT
#include "prompt.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace mlops::cli {
namespace {

void say(const std::string& s) { (void)!std::fwrite(s.data(), 1, s.size(), stderr); }

std::string style(bool on, const char* code, const std::string& s) { return on ? "\033[" + std::string(code) + "m" + s + "\033[0m" : s; }

// Restores the terminal's echo flag however the read ends.
class EchoOff {
 public:
  explicit EchoOff(bool active) {
    if (!active || ::tcgetattr(STDIN_FILENO, &m_saved) != 0) return;
    termios t = m_saved;
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    m_active = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0;
  }
  ~EchoOff() {
    if (m_active) {
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_saved);
      say("\n");
    }
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios m_saved{};
  bool m_active = false;
};

std::string read_line() {
  std::string line;
  char c = 0;
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) {
      check_interrupted();
      continue;
    }
    if (n < 0) throw_errno("cannot read from the terminal");
    if (n == 0) {
      if (line.empty()) throw Error(ErrorKind::usage, "no answer: end of input");
      break;
    }
    if (c == '\n') break;
    line += c;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

bool TerminalPrompter::available() { return ::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1; }

std::string TerminalPrompter::ask(const scaffold::Question& q, const std::string& default_text, const std::string& problem) {
  using scaffold::QuestionType;
  const bool color = m_out.stderr_color();
  if (!problem.empty()) say(style(color, "31", "  ! " + problem) + "\n");
  std::string text = style(color, "1", q.prompt);
  if (!q.help.empty() && problem.empty()) text = style(color, "2", "  " + q.help) + "\n" + text;
  if (q.type == QuestionType::choice || q.type == QuestionType::multichoice) {
    text += q.type == QuestionType::multichoice ? " (numbers or names, comma-separated)" : "";
    text += "\n";
    for (size_t i = 0; i < q.choices.size(); ++i) {
      const auto& c = q.choices[i];
      text += "    " + std::to_string(i + 1) + ") " + c.label + (c.label != c.value ? style(color, "2", " [" + c.value + "]") : "") + "\n";
    }
    text += " ";
  } else if (q.type == QuestionType::boolean) {
    text += " (yes/no)";
  }
  if (!default_text.empty() || q.type == QuestionType::multichoice) text += style(color, "36", " [" + default_text + "]");
  say(text + ": ");
  EchoOff echo_off(q.secret);
  std::string line = read_line();
  if (q.type == QuestionType::multichoice) {
    // Numbers pick choices by position, as shown.
    std::string out, item;
    auto flush = [&] {
      size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
      std::string v = b == std::string::npos ? "" : item.substr(b, e - b + 1);
      if (!v.empty() && v.size() < 10 && v.find_first_not_of("0123456789") == std::string::npos) {  // fits stoul
        const size_t n = std::stoul(v);
        if (n >= 1 && n <= q.choices.size()) v = q.choices[n - 1].value;
      }
      if (!v.empty()) out += (out.empty() ? "" : ",") + v;
      item.clear();
    };
    for (char c : line) {
      if (c == ',') flush();
      else item += c;
    }
    flush();
    if (out.empty() && !line.empty()) return line;
    return out;
  }
  return line;
}

}  // namespace mlops::cli
