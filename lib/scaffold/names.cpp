// SPDX-License-Identifier: MIT
#include "scaffold/names.hpp"

#include <algorithm>
#include <array>

namespace mlops::scaffold {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::array<std::string_view, 12> k_reserved = {
    "dir_name", "year",  "mlops_version", "template_name", "template_version", "git_user_name", "git_user_email", "lower",
    "upper",    "snake", "kebab",         "camel"};

}  // namespace

bool is_identifier(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return false;
  for (char c : s) {
    if (!is_alpha(c) && !is_digit(c)) return false;
  }
  return true;
}

bool is_template_name(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || is_digit(s[0]))) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

bool is_reserved_name(std::string_view s) {
  for (auto r : k_reserved) {
    if (r == s) return true;
  }
  return false;
}

std::string name_fragment(std::string_view value) {
  std::string out;
  for (char c : value) out += (is_alpha(c) || is_digit(c)) ? c : '_';
  return out;
}

std::vector<std::string> derived_names(const Question& q) {
  std::vector<std::string> out;
  const char* infix = q.type == QuestionType::choice ? "_is_" : q.type == QuestionType::multichoice ? "_has_" : nullptr;
  if (infix == nullptr) return out;
  for (const auto& c : q.choices) out.push_back(q.name + infix + name_fragment(c.value));
  return out;
}

bool is_safe_relative_path(std::string_view p) {
  if (p.empty() || p.front() == '/') return false;
  if (p.find('\0') != std::string_view::npos || p.find('\\') != std::string_view::npos) return false;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    const std::string_view part = p.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      // a single trailing slash is fine ("files/")
      if (!(part.empty() && end == p.size() && start > 0)) return false;
    }
    start = end + 1;
  }
  return true;
}

bool has_control_character(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::string printable(std::string_view s, bool multiline) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (multiline && (c == '\n' || c == '\t')) {
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      out += std::string("\\x") + k_hex[c >> 4] + k_hex[c & 15];
    } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      // U+0080-U+009F: C1 controls (U+009B is a CSI to many terminals)
      out += std::string("\\u00") + k_hex[static_cast<unsigned char>(s[i + 1]) >> 4] + k_hex[static_cast<unsigned char>(s[i + 1]) & 15];
      ++i;
    } else if (c == 0xe2 && i + 2 < s.size() &&
               ((s[i + 1] == '\x80' && (static_cast<unsigned char>(s[i + 2]) == 0x8e || static_cast<unsigned char>(s[i + 2]) == 0x8f ||
                                        (static_cast<unsigned char>(s[i + 2]) >= 0xaa && static_cast<unsigned char>(s[i + 2]) <= 0xae))) ||
                (s[i + 1] == '\x81' && static_cast<unsigned char>(s[i + 2]) >= 0xa6 && static_cast<unsigned char>(s[i + 2]) <= 0xa9))) {
      // U+200E/F, U+202A-E, U+2066-9: bidirectional marks, embeddings, overrides and isolates
      const unsigned cp = 0x2000u | ((static_cast<unsigned char>(s[i + 1]) & 0x3fu) << 6) | (static_cast<unsigned char>(s[i + 2]) & 0x3fu);
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += k_hex[(cp >> shift) & 15];
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace mlops::scaffold
