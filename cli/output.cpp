// SPDX-License-Identifier: MIT
#include "output.hpp"

#include <mlops/error.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mlops::cli {
namespace {

bool no_color_env() {
  const char* nc = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return (nc != nullptr && *nc != '\0') || (term != nullptr && std::strcmp(term, "dumb") == 0);
}

void write_stdout(std::string_view text) {
  if (text.empty()) return;
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
    if (errno == EPIPE) throw BrokenPipe{};
    throw Error(ErrorKind::io, std::string("cannot write to standard output: ") + std::strerror(errno));
  }
}

void write_stderr(std::string_view text) {
  // stderr is unbuffered; a failure here has nowhere to be reported.
  (void)!std::fwrite(text.data(), 1, text.size(), stderr);
}

std::string style(bool on, const char* code, std::string_view s) {
  if (!on) return std::string(s);
  return std::string("\033[") + code + "m" + std::string(s) + "\033[0m";
}

}  // namespace

void Output::configure(bool json, bool quiet, ColorMode color) {
  m_json = json;
  m_quiet = quiet;
  m_err_tty = ::isatty(STDERR_FILENO) == 1;
  m_out_tty = ::isatty(STDOUT_FILENO) == 1;
  const bool allowed = color == ColorMode::always || (color == ColorMode::auto_ && !no_color_env());
  m_out_color = allowed && (color == ColorMode::always || ::isatty(STDOUT_FILENO) == 1);
  m_err_color = allowed && (color == ColorMode::always || m_err_tty);
}

void Output::print(std::string_view text) { write_stdout(text); }

void Output::print_json(const nlohmann::json& doc) {
  write_stdout(doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  write_stdout("\n");
}

void Output::status(std::string_view line) {
  if (m_quiet) return;
  write_stderr(std::string(line) + "\n");
}

void Output::message(std::string_view text) {
  if (!m_quiet) write_stderr(text);
}

// The same prefix as the library's log warnings (core/log.cpp), so every warning reads alike.
void Output::warn(std::string_view line) {
  if (m_quiet) return;
  write_stderr("mlops: " + style(m_err_color, "33", "warning:") + " " + escape_controls(line) + "\n");
}

void Output::error(std::string_view message, std::string_view hint) {
  std::string text = "mlops: " + style(m_err_color, "1;31", "error:") + " " + escape_controls(message) + "\n";
  if (!hint.empty()) text += style(m_err_color, "2", "hint:") + " " + escape_controls(hint, true) + "\n";
  write_stderr(text);
}

std::string Output::bold(std::string_view s) const { return style(m_out_color, "1", s); }
std::string Output::dim(std::string_view s) const { return style(m_out_color, "2", s); }
std::string Output::green(std::string_view s) const { return style(m_out_color, "32", s); }

void Output::finish() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    if (errno == EPIPE) throw BrokenPipe{};
    throw Error(ErrorKind::io, std::string("cannot write to standard output: ") + std::strerror(errno));
  }
}

std::string format_table(const std::vector<std::vector<std::string>>& raw_rows, const Output& out, bool header) {
  // Cells quote manifests, templates and run records: no control character reaches the terminal.
  std::vector<std::vector<std::string>> rows;
  rows.reserve(raw_rows.size());
  for (const auto& row : raw_rows) {
    auto& r = rows.emplace_back();
    for (const auto& cell : row) r.push_back(escape_controls(cell));
  }
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (size_t i = 0; i < rows[r].size(); ++i) {
      std::string cell = rows[r][i];
      if (i + 1 < rows[r].size()) cell += std::string(widths[i] - cell.size() + 2, ' ');
      line += cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    text += (header && r == 0 ? out.bold(line) : line) + "\n";
  }
  return text;
}

}  // namespace mlops::cli

namespace mlops::cli {

std::string format_csv(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string& c = row[i];
      if (i > 0) out += ',';
      if (c.find_first_of(",\"\r\n") != std::string::npos) {
        out += '"';
        for (char ch : c) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        out += '"';
      } else {
        out += c;
      }
    }
    out += "\r\n";
  }
  return out;
}

std::string format_markdown(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out += "|";
    for (const auto& c : rows[r]) {
      std::string esc;
      for (char ch : c) esc += ch == '|' ? std::string("\\|") : ch == '\n' ? std::string(" ") : std::string(1, ch);
      out += " " + esc + " |";
    }
    out += "\n";
    if (r == 0) {
      out += "|";
      for (size_t i = 0; i < rows[0].size(); ++i) out += "---|";
      out += "\n";
    }
  }
  return out;
}

std::string cell(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (v.is_number_float()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
    return buf;
  }
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mlops::cli
