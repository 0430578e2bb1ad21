// SPDX-License-Identifier: MIT
// Template manifests (mlops-template.yaml) come with templates fetched from anywhere, so the
// parser must reject every malformed one with mlops::Error: any other exception, crash, hang
// or undefined behaviour is a finding.
#include "scaffold/names.hpp"

#include <mlops/error.hpp>
#include <mlops/scaffold.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlops;
using namespace mlops::scaffold;

namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "fuzz_manifest: invariant violated: %s\n", what);
  std::abort();
}

// Strings are shown on terminals: no control character but tab and line breaks.
void check_text(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && !(c == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) || c == 0x7f) {
      violated("a control character in an accepted manifest string");
    }
  }
}

// What a successfully parsed manifest promises the rest of libmlops.
void check(const Manifest& m) {
  for (const auto* s : {&m.version, &m.summary, &m.description, &m.message_after}) check_text(*s);
  if (m.schema != 1) violated("schema != 1");
  if (!is_template_name(m.name)) violated("template name not validated");
  if (m.open_delimiter.empty() || m.close_delimiter.empty()) violated("empty delimiter");
  if (!is_safe_relative_path(m.files_dir)) violated("unsafe files directory");
  for (const auto* hooks : {&m.pre_generate, &m.post_generate}) {
    for (const auto& h : *hooks) {
      if (h.argv.empty() || h.argv[0].empty()) violated("empty hook command");
      for (const auto& a : h.argv) check_text(a);
    }
  }
  for (const auto& q : m.questions) {
    if (!is_identifier(q.name) || is_reserved_name(q.name)) violated("bad question name accepted");
    const bool needs_choices = q.type == QuestionType::choice || q.type == QuestionType::multichoice;
    if (needs_choices == q.choices.empty()) violated("choices do not match the question type");
    if (q.min && q.max && *q.min > *q.max) violated("min > max accepted");
    if (q.secret && q.type != QuestionType::string) violated("non-string secret accepted");
    if (q.has_default && q.type != QuestionType::multichoice && q.default_values.size() != 1) {
      violated("single-valued question with a default list");
    }
    if (q.line <= 0) violated("question without a line number");
    for (const auto* t : {&q.prompt, &q.help, &q.regex_message, &q.when}) check_text(*t);
    for (const auto& d : q.default_values) check_text(d);
    for (const auto& c : q.choices) {
      check_text(c.value);
      check_text(c.label);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    check(parse_manifest(text, "fuzz"));
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) violated("error kind is not invalid_input");
    if (std::string(e.what()).rfind("fuzz", 0) != 0) violated("error message does not start with the origin");
  }
  return 0;
}
