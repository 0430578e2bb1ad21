// SPDX-License-Identifier: MIT
#include "scaffold/render.hpp"

#include "scaffold/names.hpp"

#include <mlops/error.hpp>
#include <mlops/version.hpp>

#include <algorithm>
#include <cctype>
#include <regex>

namespace mlops::scaffold {
namespace mustache = kainjow::mustache;
namespace {

// kainjow's own context, plus a record of every name that was looked up and not found.
class RecordingContext : public mustache::basic_context<std::string> {
 public:
  explicit RecordingContext(const mustache::data* root) { push(root); }

  void push(const mustache::data* d) override { m_items.insert(m_items.begin(), d); }
  void pop() override { m_items.erase(m_items.begin()); }

  const mustache::data* get(const std::string& name) const override {
    if (name == ".") return m_items.front();
    const mustache::data* found = nullptr;
    for (const auto* item : m_items) {
      found = lookup(item, name);
      if (found != nullptr) return found;
    }
    m_missing.push_back(name);
    return nullptr;
  }

  const mustache::data* get_partial(const std::string& name) const override {
    m_missing.push_back(">" + name);
    return nullptr;
  }

  const std::vector<std::string>& missing() const { return m_missing; }

 private:
  static const mustache::data* lookup(const mustache::data* item, const std::string& name) {
    size_t start = 0;
    const mustache::data* cur = item;
    while (cur != nullptr) {
      const size_t dot = name.find('.', start);
      cur = cur->get(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return cur;
  }

  std::vector<const mustache::data*> m_items;
  mutable std::vector<std::string> m_missing;
};

int line_of_offset(const std::string& text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Line of the first tag that names `name`, or 0. Good enough for an error message; the
// engine itself does not report positions for lookups.
int line_of_tag(const std::string& text, const std::string& open, const std::string& close, const std::string& name) {
  size_t pos = 0;
  while ((pos = text.find(open, pos)) != std::string::npos) {
    const size_t end = text.find(close, pos + open.size());
    if (end == std::string::npos) break;
    std::string inner = text.substr(pos + open.size(), end - pos - open.size());
    inner.erase(0, inner.find_first_not_of(" \t#^/&{>"));
    inner.erase(inner.find_last_not_of(" \t}") + 1);
    if (inner == name) return line_of_offset(text, pos);
    pos = end + close.size();
  }
  return 0;
}

bool truthy_text(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return !(s.empty() || s == "false" || s == "0" || s == "no" || s == "off");
}

std::vector<std::string> words(const std::string& s) {
  // Splits on anything not alphanumeric and on lower->upper case changes: "My ML-project" ->
  // {"My", "ML", "project"}; "fooBar" -> {"foo", "Bar"}.
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (!std::isalnum(c)) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    if (!cur.empty() && std::isupper(c) && std::islower(static_cast<unsigned char>(cur.back()))) {
      out.push_back(std::move(cur));
      cur.clear();
    }
    cur += static_cast<char>(c);
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string join_words(const std::string& s, char sep) {
  std::string out;
  for (const auto& w : words(s)) {
    if (!out.empty()) out += sep;
    out += lower(w);
  }
  return out;
}

mustache::data section_lambda(std::string (*fn)(const std::string&)) {
  return mustache::lambda2{[fn](const std::string& text, const mustache::renderer& render) { return fn(render(text)); }};
}

// Mustache's "standalone" rule: a line holding only a section, inverted-section, end,
// comment, partial or set-delimiter tag disappears from the output. kainjow keeps such a
// line (blank) when the section is not rendered, so we drop the indentation and newline of
// those lines before handing the text over; `removed` maps offsets back to source lines.
struct Standalone {
  std::string text;
  std::vector<size_t> removed;  // offsets in `text` where a newline was taken out
  int line_of(size_t offset) const {
    const size_t n = static_cast<size_t>(std::count_if(removed.begin(), removed.end(), [&](size_t r) { return r <= offset; }));
    return line_of_offset(text, offset) + static_cast<int>(n);
  }
};

bool is_standalone_tag(std::string_view line, const std::string& open, const std::string& close) {
  const size_t b = line.find_first_not_of(" \t");
  const size_t e = line.find_last_not_of(" \t\r");
  if (b == std::string_view::npos) return false;
  line = line.substr(b, e - b + 1);
  if (line.size() < open.size() + close.size() + 1 || line.compare(0, open.size(), open) != 0 ||
      line.compare(line.size() - close.size(), close.size(), close) != 0) {
    return false;
  }
  const std::string_view inner = line.substr(open.size(), line.size() - open.size() - close.size());
  if (inner.find(open) != std::string_view::npos || inner.find(close) != std::string_view::npos) return false;
  const size_t s = inner.find_first_not_of(" \t");
  return s != std::string_view::npos && std::string_view("#^/!>=").find(inner[s]) != std::string_view::npos;
}

constexpr int k_max_depth = 64;

std::string trim_space(const std::string& s) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  const auto b = std::find_if_not(s.begin(), s.end(), space);
  const auto e = std::find_if_not(s.rbegin(), std::make_reverse_iterator(b), space).base();
  return {b, e};
}

// How deep sections nest in `input` as kainjow's parser (parser::parse in mustache.hpp) will
// see it: tags found with the delimiters in force, set-delimiter tags switching them, and
// {{{x}}} under the default ones. The engine renders sections recursively and copies each
// section's text for every level, so this must not miss a section the engine would open.
int section_depth(const std::string& input) {
  std::string open = "{{", close = "}}";
  int depth = 0, max_depth = 0;
  size_t pos = 0;
  while ((pos = input.find(open, pos)) != std::string::npos) {
    size_t contents = pos + open.size();
    const bool unescaped = open == "{{" && close == "}}" && contents < input.size() && input[contents] == '{';
    const std::string end_delim = unescaped ? "}}}" : close;
    if (unescaped) ++contents;
    const size_t end = input.find(end_delim, contents);
    if (end == std::string::npos) break;  // the engine reports the unclosed tag
    const std::string tag = trim_space(input.substr(contents, end - contents));
    pos = end + end_delim.size();
    if (unescaped || tag.empty()) continue;
    if (tag[0] == '=') {
      if (tag.size() < 5 || tag.back() != '=') break;  // invalid: the engine reports it
      const std::string inner = trim_space(tag.substr(1, tag.size() - 2));
      const size_t space = inner.find(' ');
      if (space == std::string::npos) break;
      open = inner.substr(0, space);
      close = inner.substr(inner.find_first_not_of(' ', space + 1));
      if (open.empty() || close.empty()) break;
      continue;
    }
    if (tag[0] == '#' || tag[0] == '^') max_depth = std::max(max_depth, ++depth);
    if (tag[0] == '/') --depth;
  }
  return max_depth;
}

Standalone strip_standalone_lines(const std::string& text, const std::string& open, const std::string& close) {
  Standalone out;
  out.text.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    const bool has_nl = nl != std::string::npos;
    if (!has_nl) nl = text.size();
    const std::string_view line(text.data() + pos, nl - pos);
    if (is_standalone_tag(line, open, close)) {
      std::string_view tag = line.substr(line.find_first_not_of(" \t"));
      tag = tag.substr(0, tag.find_last_not_of(" \t\r") + 1);
      out.text.append(tag);
      if (has_nl) out.removed.push_back(out.text.size());
    } else {
      out.text.append(line);
      if (has_nl) out.text.push_back('\n');
    }
    pos = nl + 1;
  }
  return out;
}

}  // namespace

std::string to_snake(const std::string& s) {
  std::string out = join_words(s, '_');
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "_");
  return out;
}
std::string to_kebab(const std::string& s) { return join_words(s, '-'); }
std::string to_camel(const std::string& s) {
  std::string out;
  for (auto w : words(s)) {
    w = lower(w);
    w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
    out += w;
  }
  return out;
}

Renderer::Renderer(std::string open, std::string close) : m_open(std::move(open)), m_close(std::move(close)) {
  m_data.set("lower", section_lambda([](const std::string& s) { return lower(s); }));
  m_data.set("upper", section_lambda([](const std::string& s) { return upper(s); }));
  m_data.set("snake", section_lambda(to_snake));
  m_data.set("kebab", section_lambda(to_kebab));
  m_data.set("camel", section_lambda(to_camel));
}

void Renderer::add_builtins(const Builtins& b, const Manifest& m) {
  set_string("dir_name", b.dir_name);
  set_string("year", b.year);
  set_string("git_user_name", b.git_user_name);
  set_string("git_user_email", b.git_user_email);
  set_string("mlops_version", std::string(version()));
  set_string("template_name", m.name);
  set_string("template_version", m.version);
}

void Renderer::set_string(const std::string& name, const std::string& value) {
  // The spec makes "" falsy in sections; kainjow does not, but a false renders as "" too.
  if (value.empty()) {
    m_data.set(name, mustache::data(false));
  } else {
    m_data.set(name, value);
  }
}

void Renderer::set(const Question& q, const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    set_string(q.name, *s);
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    set_string(q.name, std::to_string(*i));
  } else if (const auto* b = std::get_if<bool>(&value)) {
    m_data.set(q.name, mustache::data(*b));
  } else if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
    mustache::data l{mustache::data::type::list};
    for (const auto& v : *list) l.push_back(v);
    m_data.set(q.name, l);
  }
  for (const auto& c : q.choices) {
    bool on = false;
    if (q.type == QuestionType::choice) {
      on = std::get<std::string>(value) == c.value;
      m_data.set(q.name + "_is_" + name_fragment(c.value), mustache::data(on));
    } else {
      const auto& list = std::get<std::vector<std::string>>(value);
      on = std::find(list.begin(), list.end(), c.value) != list.end();
      m_data.set(q.name + "_has_" + name_fragment(c.value), mustache::data(on));
    }
  }
}

std::string Renderer::render(const std::string& text, const std::string& origin) const {
  // Cheap path: most files in a template contain no tag at all.
  if (text.find(m_open) == std::string::npos) return text;

  const Standalone pre = strip_standalone_lines(text, m_open, m_close);
  const bool default_delims = m_open == "{{" && m_close == "}}";
  const std::string prefix = default_delims ? "" : "{{=" + m_open + " " + m_close + "=}}";
  const std::string input = prefix + pre.text;
  // The engine recurses per level and copies each section's text for every level of
  // nesting: deep nesting costs the stack and quadratic memory (a 20 KB file can take
  // gigabytes). Real templates nest a few levels.
  if (const int depth = section_depth(input); depth > k_max_depth) {
    throw Error(ErrorKind::invalid_input,
                origin + ": sections nested " + std::to_string(depth) + " deep (at most " + std::to_string(k_max_depth) + ")");
  }
  mustache::mustache tmpl{input};
  auto fail = [&](int line, const std::string& what) -> std::string {
    throw Error(ErrorKind::invalid_input, origin + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what,
                "for a literal " + m_open +
                    ", switch delimiters around it with a set-delimiter tag, or list the file "
                    "in copy_without_render");
  };
  auto engine_error = [&](const std::string& msg) {
    // kainjow reports "... at <offset>"; turn the offset into a line of the user's file.
    std::smatch m;
    int line = 0;
    if (std::regex_search(msg, m, std::regex(" at (\\d+)$"))) {
      const size_t off = std::stoul(m[1].str());
      line = pre.line_of(off >= prefix.size() ? off - prefix.size() : 0);
    }
    return fail(line, "template error: " + std::regex_replace(msg, std::regex(" at \\d+$"), ""));
  };
  if (!tmpl.is_valid()) engine_error(tmpl.error_message());
  tmpl.set_custom_escape([](const std::string& s) { return s; });

  RecordingContext ctx(&m_data);
  std::string out = tmpl.render(ctx);
  if (!tmpl.is_valid()) engine_error(tmpl.error_message());
  if (!ctx.missing().empty()) {
    const std::string& name = ctx.missing().front();
    if (name[0] == '>')
      return fail(line_of_tag(text, m_open, m_close, name.substr(1)), "partials are not supported ('" + name.substr(1) + "')");
    const bool secret = std::find(m_secrets.begin(), m_secrets.end(), name) != m_secrets.end();
    return fail(line_of_tag(text, m_open, m_close, name),
                secret ? "'" + name + "' is a secret answer and is never written to files" : "undefined variable '" + name + "'");
  }
  return out;
}

bool Renderer::truthy(const std::string& when, const std::string& origin) const {
  if (when.empty() || when == "true") return true;
  if (when == "false") return false;
  const bool negate = when[0] == '!';
  const std::string name = negate ? when.substr(1) : when;
  if (is_identifier(name)) {
    if (std::find(m_secrets.begin(), m_secrets.end(), name) != m_secrets.end()) {
      throw Error(ErrorKind::invalid_input, origin + ": 'when' names '" + name + "', a secret answer, which conditions cannot use");
    }
    const mustache::data* d = m_data.get(name);
    if (d == nullptr) {
      throw Error(ErrorKind::invalid_input, origin + ": 'when' names '" + name + "', which is not defined before this question");
    }
    bool v = false;
    if (d->is_bool()) v = d->is_true();
    else if (d->is_string()) v = truthy_text(d->string_value());
    else if (d->is_list()) v = d->is_non_empty_list();
    else v = true;
    return negate ? !v : v;
  }
  return truthy_text(render(when, origin));
}

}  // namespace mlops::scaffold
