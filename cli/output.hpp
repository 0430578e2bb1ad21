// SPDX-License-Identifier: MIT
// Everything the CLI shows. Results go to stdout (text, or one JSON document with --json);
// status, warnings, prompts and errors go to stderr. Colour only on a terminal, never with
// NO_COLOR or --color=never.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mlops::cli {

enum class ColorMode { auto_, always, never };

// Thrown when stdout is a closed pipe: the reader went away, so we stop quietly.
struct BrokenPipe {};

class Output {
 public:
  void configure(bool json, bool quiet, ColorMode color);

  bool json() const noexcept { return m_json; }
  bool quiet() const noexcept { return m_quiet; }
  bool stdout_color() const noexcept { return m_out_color; }
  bool stderr_color() const noexcept { return m_err_color; }
  bool stderr_tty() const noexcept { return m_err_tty; }
  bool stdout_tty() const noexcept { return m_out_tty; }

  void print(std::string_view text);           // stdout, as is
  void print_json(const nlohmann::json& doc);  // stdout, one pretty document
  void status(std::string_view line);          // stderr, unless --quiet
  void message(std::string_view text);         // stderr as is (lines of text), unless --quiet
  void warn(std::string_view line);            // stderr, "mlops: warning: ...", unless --quiet
  void error(std::string_view message, std::string_view hint);

  // ANSI styling for stdout text; no-ops without colour.
  std::string bold(std::string_view s) const;
  std::string dim(std::string_view s) const;
  std::string green(std::string_view s) const;

  // Flushes stdout; throws BrokenPipe on EPIPE, Error{io} on other failures (disk full).
  void finish();

 private:
  bool m_json = false, m_quiet = false;
  bool m_out_color = false, m_err_color = false, m_err_tty = false, m_out_tty = false;
};

// Left-aligned columns; the last column is not padded.
std::string format_table(const std::vector<std::vector<std::string>>& rows, const Output& out, bool header = true);
// RFC 4180 CSV and GitHub-flavoured Markdown tables; the first row is the header.
std::string format_csv(const std::vector<std::vector<std::string>>& rows);
std::string format_markdown(const std::vector<std::vector<std::string>>& rows);
// A value for a table cell: numbers with up to 6 significant digits, JSON for the rest.
std::string cell(const nlohmann::json& v);

}  // namespace mlops::cli
