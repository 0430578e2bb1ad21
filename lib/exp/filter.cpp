// SPDX-License-Identifier: MIT
// A recursive-descent parser: the grammar is small and the error messages must point at a
// column, which no packaged expression library gives us for this syntax.
#include "exp/filter.hpp"

#include "core/json.hpp"

#include <mlops/error.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

namespace mlops::exp {

struct FilterNode {
  enum class Kind { and_, or_, not_, compare, tag, truthy } kind = Kind::compare;
  std::vector<std::unique_ptr<FilterNode>> children;  // and/or: two or more; not: one
  std::string field, op;
  nlohmann::json value;
  size_t column = 0;  // of the field name or tag
  // A value that names another field (baseline.FIELD), optionally with one arithmetic step
  // on a number: baseline.metrics.acc - 0.01, baseline.metrics.loss * 1.05.
  std::string value_field;
  size_t value_column = 0;
  char arith = 0;  // + - * /, or 0
  double operand = 0;
};

namespace {

struct Token {
  enum class Kind { word, string, number, op, lparen, rparen, end } kind = Kind::end;
  std::string text;
  size_t column = 0;  // 1-based
};

[[noreturn]] void fail(std::string_view text, size_t column, const std::string& what) {
  // The expression with a caret under the column; a long one is cut to the part around it.
  constexpr size_t k_whole = 120, k_context = 50;
  const size_t at = column > 0 ? column - 1 : 0;
  const size_t from = text.size() <= k_whole || at <= k_context ? 0 : at - k_context;
  const size_t to = text.size() <= k_whole ? text.size() : std::min(text.size(), at + k_context);
  const std::string before = from > 0 ? "..." : "";
  const std::string shown = before + std::string(text.substr(from, to - from)) + (to < text.size() ? "..." : "");
  const std::string hint = "  " + shown + "\n  " + std::string(before.size() + at - from, ' ') + "^";
  throw Error(ErrorKind::usage, "invalid filter at column " + std::to_string(column) + ": " + what, hint);
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    t.column = i + 1;
    if (c == '(' || c == ')') {
      t.kind = c == '(' ? Token::Kind::lparen : Token::Kind::rparen;
      t.text = std::string(1, c);
      ++i;
    } else if (c == '\'' || c == '"') {
      const size_t end = s.find(c, i + 1);
      if (end == std::string_view::npos) fail(s, i + 1, "unterminated string");
      t.kind = Token::Kind::string;
      t.text = std::string(s.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (std::string_view("=!<>~").find(c) != std::string_view::npos) {
      t.kind = Token::Kind::op;
      t.text = std::string(1, c);
      ++i;
      if (i < s.size() && s[i] == '=' && c != '~') {
        t.text += '=';
        ++i;
      }
      if (t.text == "!") fail(s, t.column, "'!' must be followed by '='; use 'not' to negate");
    } else {
      size_t j = i;
      while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) &&
             std::string_view("()=!<>~'\"").find(s[j]) == std::string_view::npos) {
        ++j;
      }
      t.text = std::string(s.substr(i, j - i));
      char* endp = nullptr;
      std::strtod(t.text.c_str(), &endp);
      t.kind = (endp != nullptr && *endp == '\0' && !t.text.empty() &&
                (std::isdigit(static_cast<unsigned char>(t.text[0])) || t.text[0] == '-' || t.text[0] == '+' || t.text[0] == '.'))
                   ? Token::Kind::number
                   : Token::Kind::word;
      i = j;
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.kind = Token::Kind::end;
  end.column = s.size() + 1;
  out.push_back(end);
  return out;
}

bool is_keyword(const Token& t, const char* kw) {
  if (t.kind != Token::Kind::word) return false;
  if (t.text.size() != std::char_traits<char>::length(kw)) return false;
  for (size_t i = 0; i < t.text.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(t.text[i])) != kw[i]) return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : m_text(text), m_tokens(tokenize(text)) {}

  std::unique_ptr<FilterNode> parse() {
    auto n = parse_or();
    if (peek().kind != Token::Kind::end) fail(m_text, peek().column, "unexpected '" + peek().text + "'");
    return n;
  }

 private:
  const Token& peek() const { return m_tokens[m_pos]; }
  const Token& next() { return m_tokens[m_pos++]; }

  // One level of parentheses or `not`; past k_max_filter_depth a usage error, before the
  // recursion could exhaust the stack.
  struct Deeper {
    Parser& p;
    Deeper(Parser& parser, size_t column) : p(parser) {
      if (++p.m_depth > k_max_filter_depth) {
        fail(p.m_text, column, "nested deeper than " + std::to_string(k_max_filter_depth) + " levels");
      }
    }
    ~Deeper() { --p.m_depth; }
    Deeper(const Deeper&) = delete;
    Deeper& operator=(const Deeper&) = delete;
  };

  // a OR b OR c as one node with three children (and the same for AND): a chain of any
  // length costs no depth.
  std::unique_ptr<FilterNode> chain(FilterNode::Kind k, const char* keyword, std::unique_ptr<FilterNode> (Parser::*operand)()) {
    auto first = (this->*operand)();
    if (!is_keyword(peek(), keyword)) return first;
    auto n = std::make_unique<FilterNode>();
    n->kind = k;
    n->children.push_back(std::move(first));
    while (is_keyword(peek(), keyword)) {
      next();
      n->children.push_back((this->*operand)());
    }
    return n;
  }

  std::unique_ptr<FilterNode> parse_or() { return chain(FilterNode::Kind::or_, "or", &Parser::parse_and); }
  std::unique_ptr<FilterNode> parse_and() { return chain(FilterNode::Kind::and_, "and", &Parser::parse_not); }

  std::unique_ptr<FilterNode> parse_not() {
    if (is_keyword(peek(), "not")) {
      const Deeper deeper(*this, next().column);
      auto n = std::make_unique<FilterNode>();
      n->kind = FilterNode::Kind::not_;
      n->children.push_back(parse_not());
      return n;
    }
    return parse_primary();
  }

  std::unique_ptr<FilterNode> parse_primary() {
    const Token t = next();
    if (t.kind == Token::Kind::lparen) {
      const Deeper deeper(*this, t.column);
      auto n = parse_or();
      if (peek().kind != Token::Kind::rparen) fail(m_text, peek().column, "expected ')'");
      next();
      return n;
    }
    if (t.kind == Token::Kind::end) fail(m_text, t.column, "expected a condition");
    if (t.kind != Token::Kind::word || is_keyword(t, "and") || is_keyword(t, "or")) {
      fail(m_text, t.column, "expected a field name, got '" + t.text + "'");
    }
    auto n = std::make_unique<FilterNode>();
    n->column = t.column;
    if (t.text.rfind("tag:", 0) == 0) {
      if (t.text.size() == 4) fail(m_text, t.column + 4, "expected a tag name after 'tag:'");
      n->kind = FilterNode::Kind::tag;
      n->field = t.text.substr(4);
      return n;
    }
    n->field = t.text;
    if (peek().kind != Token::Kind::op) {
      n->kind = FilterNode::Kind::truthy;
      return n;
    }
    n->op = next().text;
    const Token v = next();
    if (v.kind == Token::Kind::number) {
      // `~` looks for text: the number as typed ("3", not 3.0's "3.0").
      n->value = n->op == "~" ? nlohmann::json(v.text) : nlohmann::json(std::strtod(v.text.c_str(), nullptr));
    } else if (v.kind == Token::Kind::string) {
      n->value = v.text;
    } else if (v.kind == Token::Kind::word && v.text.rfind(k_field_value_prefix, 0) == 0 && n->op != "~") {
      parse_field_value(*n, v);
    } else if (v.kind == Token::Kind::word && !is_keyword(v, "and") && !is_keyword(v, "or") && !is_keyword(v, "not")) {
      if (v.text == "true" || v.text == "false") n->value = v.text == "true";
      else n->value = v.text;
    } else {
      fail(m_text, v.column, "expected a value after '" + n->op + "'");
    }
    return n;
  }

  // baseline.FIELD [(+|-|*|/) NUMBER]; a sign joined to the number (`- 0.01` or `-0.01`).
  void parse_field_value(FilterNode& n, const Token& v) {
    if (v.text.size() == std::char_traits<char>::length(k_field_value_prefix)) fail(m_text, v.column, "expected a field after 'baseline.'");
    n.value_field = v.text;
    n.value_column = v.column;
    const Token& a = peek();
    if (a.kind == Token::Kind::word && a.text.size() == 1 && std::string_view("+-*/").find(a.text[0]) != std::string_view::npos) {
      n.arith = a.text[0];
      next();
      const Token num = next();
      if (num.kind != Token::Kind::number) fail(m_text, num.column, "expected a number after '" + std::string(1, n.arith) + "'");
      n.operand = std::strtod(num.text.c_str(), nullptr);
    } else if (a.kind == Token::Kind::number && (a.text[0] == '-' || a.text[0] == '+')) {
      n.arith = '+';
      n.operand = std::strtod(next().text.c_str(), nullptr);
    } else {
      return;
    }
    if (!std::isfinite(n.operand)) fail(m_text, peek().column, "the number must be finite");
    if (n.arith == '/' && n.operand == 0) fail(m_text, m_tokens[m_pos - 1].column, "division by zero");
  }

  std::string_view m_text;
  std::vector<Token> m_tokens;
  size_t m_pos = 0;
  size_t m_depth = 0;
};

bool compare(const nlohmann::json& a, const std::string& op, const nlohmann::json& b) {
  if (op == "~") {
    const std::string hay = a.is_string() ? a.get<std::string>() : json_text(a);
    const std::string needle = b.is_string() ? b.get<std::string>() : json_text(b);
    return hay.find(needle) != std::string::npos;
  }
  int cmp = 0;
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    if (std::isnan(x) || std::isnan(y)) return op == "!=";
    cmp = x < y ? -1 : x > y ? 1 : 0;
  } else if (a.is_boolean() && b.is_boolean()) {
    cmp = static_cast<int>(a.get<bool>()) - static_cast<int>(b.get<bool>());
  } else if (a.is_string() && b.is_string()) {
    const int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    cmp = c < 0 ? -1 : c > 0 ? 1 : 0;
  } else if (a.is_string() && b.is_number()) {
    // A word the user typed may look like a number ("3" for a string param "3").
    const std::string& s = a.get_ref<const std::string&>();
    char* end = nullptr;
    const double x = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0') return op == "!=";
    const double y = b.get<double>();
    cmp = x < y ? -1 : x > y ? 1 : 0;
  } else {
    return op == "!=";
  }
  if (op == "=" || op == "==") return cmp == 0;
  if (op == "!=") return cmp != 0;
  if (op == "<") return cmp < 0;
  if (op == "<=") return cmp <= 0;
  if (op == ">") return cmp > 0;
  if (op == ">=") return cmp >= 0;
  return false;
}

bool eval(const FilterNode& n, const Filter::Lookup& field, const Filter::HasTag& has_tag) {
  switch (n.kind) {
    case FilterNode::Kind::and_:
      for (const auto& c : n.children) {
        if (!eval(*c, field, has_tag)) return false;
      }
      return true;
    case FilterNode::Kind::or_:
      for (const auto& c : n.children) {
        if (eval(*c, field, has_tag)) return true;
      }
      return false;
    case FilterNode::Kind::not_: return !eval(*n.children.front(), field, has_tag);
    case FilterNode::Kind::tag: return has_tag(n.field);
    case FilterNode::Kind::truthy: {
      const auto v = field(n.field);
      if (!v || v->is_null()) return false;
      if (v->is_boolean()) return v->get<bool>();
      if (v->is_number()) return v->get<double>() != 0;
      if (v->is_string()) return !v->get_ref<const std::string&>().empty();
      return !v->empty();
    }
    case FilterNode::Kind::compare: {
      const auto v = field(n.field);
      if (!v || v->is_null()) return false;
      if (n.value_field.empty()) return compare(*v, n.op, n.value);
      const auto other = field(n.value_field);
      if (!other || other->is_null()) return false;
      if (n.arith == 0) return compare(*v, n.op, *other);
      if (!other->is_number()) return false;
      const double x = other->get<double>();
      const double y = n.arith == '+' ? x + n.operand : n.arith == '-' ? x - n.operand : n.arith == '*' ? x * n.operand : x / n.operand;
      return compare(*v, n.op, nlohmann::json(y));
    }
  }
  return false;
}

void collect(const FilterNode& n, std::vector<Filter::Name>& out) {
  if (n.kind == FilterNode::Kind::tag) out.push_back({n.field, n.column, true});
  if (n.kind == FilterNode::Kind::compare || n.kind == FilterNode::Kind::truthy) out.push_back({n.field, n.column, false});
  if (!n.value_field.empty()) out.push_back({n.value_field, n.value_column, false});
  for (const auto& c : n.children) collect(*c, out);
}

void rename_in(FilterNode& n, const std::function<std::string(const std::string&)>& map) {
  if (n.kind == FilterNode::Kind::compare || n.kind == FilterNode::Kind::truthy) n.field = map(n.field);
  if (!n.value_field.empty()) n.value_field = map(n.value_field);
  for (auto& c : n.children) rename_in(*c, map);
}

}  // namespace

Filter::Filter() = default;
Filter::~Filter() = default;
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;

Filter Filter::parse(std::string_view text) {
  Filter f;
  bool blank = true;
  for (char c : text) blank = blank && std::isspace(static_cast<unsigned char>(c));
  if (!blank) f.m_root = Parser(text).parse();
  return f;
}

bool Filter::matches(const Lookup& field, const HasTag& has_tag) const { return m_root == nullptr || eval(*m_root, field, has_tag); }

std::vector<Filter::Name> Filter::names() const {
  std::vector<Name> out;
  if (m_root) collect(*m_root, out);
  return out;
}

void Filter::rename(const std::function<std::string(const std::string&)>& map) {
  if (m_root) rename_in(*m_root, map);
}

}  // namespace mlops::exp
