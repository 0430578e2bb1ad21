// SPDX-License-Identifier: MIT
// CLI11 (2.1, Debian 12) says what went wrong only in its message text, in a fixed set of
// shapes per error class (CLI/Error.hpp); the parser state it leaves behind tells which
// commands were typed and which words nobody took. Both are read here: anything not
// recognised gets a generic line rather than the parser's words.
#include "parse_errors.hpp"

#include "suggest.hpp"

#include <algorithm>
#include <cctype>

namespace mlops::cli {
namespace {

constexpr size_t npos = std::string::npos;

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

bool visible(const CLI::App* a) { return !a->get_name().empty() && a->get_name()[0] != '_' && !a->get_group().empty(); }

std::vector<std::string> command_names(const CLI::App& parent, bool with_aliases) {
  std::vector<std::string> names, aliases;
  for (const CLI::App* s : parent.get_subcommands([](const CLI::App* a) { return visible(a); })) {
    names.push_back(s->get_name());
    for (const auto& a : s->get_aliases()) aliases.push_back(a);
  }
  if (with_aliases) names.insert(names.end(), aliases.begin(), aliases.end());  // real names win ties
  return names;
}

// "a, b or c"
std::string or_list(const std::vector<std::string>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
  return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t b = 0;
  for (size_t e = s.find(sep); e != npos; e = s.find(sep, b)) {
    out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  out.push_back(s.substr(b));
  return out;
}

// The commands typed, root first: CLI11 keeps them after a failed parse.
std::vector<const CLI::App*> typed_chain(const CLI::App& root) {
  std::vector<const CLI::App*> chain{&root};
  for (;;) {
    const auto subs = chain.back()->get_subcommands();
    if (subs.empty()) break;
    chain.push_back(subs.front());
  }
  return chain;
}

// The deepest typed command whose name comes before args[pos]: where that word was given.
const CLI::App& level_of(const std::vector<const CLI::App*>& chain, const std::vector<std::string>& args, size_t pos) {
  const CLI::App* level = chain.front();
  size_t from = 0;
  for (size_t k = 1; k < chain.size(); ++k) {
    size_t at = npos;
    for (size_t i = from; i < args.size() && at == npos; ++i) {
      if (chain[k]->check_name(args[i])) at = i;
    }
    if (at == npos || at > pos) break;
    level = chain[k];
    from = at + 1;
  }
  return *level;
}

std::string see_help(const CLI::App& app) { return "see '" + command_path(app) + " --help'"; }

std::string usage_line(const CLI::App& app) {
  const auto* f = dynamic_cast<const CLI::Formatter*>(app.get_formatter().get());
  if (f == nullptr) return see_help(app);
  std::string u = f->make_usage(&app, command_path(app));
  while (!u.empty() && (u.back() == '\n' || u.back() == ' ')) u.pop_back();
  if (starts_with(u, "Usage:")) u = "usage:" + u.substr(6);
  return u + " (" + see_help(app) + ")";
}

// Options usable at `app`: its own, then those of the commands above it (they fall through).
std::vector<const CLI::Option*> options_in_scope(const CLI::App& app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
    for (const CLI::Option* o : a->get_options()) out.push_back(o);
  }
  return out;
}

// An option and the command it belongs to.
struct Mention {
  const CLI::Option* opt = nullptr;
  const CLI::App* owner = nullptr;
};

// The option whose name the message mentions first (as a word: "--limit", "SHELL").
Mention mentioned_option(const std::string& msg, const std::vector<const CLI::App*>& chain) {
  Mention best;
  size_t best_at = npos, best_len = 0;
  auto is_end = [](char c) { return c == ':' || c == ' ' || c == ',' || c == '='; };
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    for (const CLI::Option* o : (*it)->get_options()) {
      const std::string name = o->get_name();
      if (name.empty()) continue;
      for (size_t at = msg.find(name); at != npos; at = msg.find(name, at + 1)) {
        const bool word = (at == 0 || msg[at - 1] == ' ') && (at + name.size() == msg.size() || is_end(msg[at + name.size()]));
        if (!word) continue;
        if (at < best_at || (at == best_at && name.size() > best_len)) {
          best = {o, *it};
          best_at = at;
          best_len = name.size();
        }
        break;
      }
    }
  }
  return best;
}

bool is_flag(const CLI::Option& o) { return !o.get_positional() && o.get_expected_max() == 0; }

// What a value of `o` looks like, for "expected ...".
std::string expected_form(const CLI::Option& o) {
  const std::string t = o.get_type_name();
  if (const size_t b = t.find('{'), e = t.rfind('}'); b != npos && e != npos && e > b)
    return "one of " + or_list(split(t.substr(b + 1, e - b - 1), ','));
  if (const size_t r = t.find(" in ["); r != npos) {
    const size_t dash = t.find(" - ", r), close = t.find(']', r);
    if (dash != npos && close != npos && dash < close)
      return "a number from " + t.substr(r + 5, dash - r - 5) + " to " + t.substr(dash + 3, close - dash - 3);
  }
  const std::string base = t.substr(0, t.find(':'));
  if (base == "INT" || base == "UINT" || base == "N") return "a whole number";
  if (base == "FLOAT" || base == "NUMBER") return "a number";
  if (base.empty() || base == "TEXT") return "a value";
  return base;  // KEY=VALUE, DIR, FILE, TIME...
}

// The value's shape as the usage shows it: "N", "DIR", "auto, always or never".
std::string value_name(const CLI::Option& o) {
  const std::string form = expected_form(o);
  if (starts_with(form, "one of ")) return form.substr(7);
  const std::string t = o.get_type_name();
  const std::string base = t.substr(0, t.find(':'));
  return base.empty() ? form : base;
}

UsageProblem unknown_option(const CLI::App& level, const std::string& token, const std::vector<const CLI::App*>& chain) {
  const std::string name = token.substr(0, token.find('='));
  UsageProblem p;
  p.message = "unknown option '" + name + "'" + (level.get_parent() == nullptr ? "" : " for '" + command_path(level) + "'");
  std::vector<std::string> longs;
  for (const CLI::Option* o : options_in_scope(level)) {
    if (o->get_group().empty()) continue;  // hidden: old spellings
    for (const auto& l : o->get_lnames()) longs.push_back("--" + l);
  }
  std::string guess;
  if (starts_with(name, "--")) guess = closest(name, longs);
  else if (name.size() > 2) guess = closest("-" + name, longs);  // "-json" for "--json"
  // An option of a command typed later, given before it: `mlops exp --limit 3 list`.
  const CLI::App* belongs = nullptr;
  for (const CLI::App* a : chain) {
    if (a == &level || belongs != nullptr) continue;
    for (const CLI::Option* o : a->get_options()) {
      if (!o->get_positional() && o->check_name(name)) belongs = a;
    }
  }
  if (belongs != nullptr) {
    p.hint = name + " is an option of '" + command_path(*belongs) + "': put it after '" + belongs->get_name() + "'";
  } else {
    p.hint = (guess.empty() ? "" : "did you mean '" + guess + "'? ") + see_help(level);
  }
  return p;
}

UsageProblem extra_word(const std::vector<const CLI::App*>& chain, const std::vector<std::string>& args, const std::string& word) {
  size_t pos = npos;
  for (size_t i = 0; i < args.size() && pos == npos; ++i) {
    if (args[i] == word) pos = i;
  }
  const CLI::App& level = pos == npos ? *chain.back() : level_of(chain, args, pos);
  if (word.size() > 1 && word[0] == '-') return unknown_option(level, word, chain);
  if (!command_names(level, false).empty()) return unknown_command(level, word);
  return {"unexpected argument '" + word + "' for '" + command_path(level) + "'", usage_line(level)};
}

// "NAME: At Most 1 required but received 2" and the other ArgumentMismatch shapes.
UsageProblem argument_mismatch(const std::string& msg, const Mention& m, const CLI::App& at) {
  const CLI::Option* o = m.opt;
  const CLI::App& owner = m.owner != nullptr ? *m.owner : at;
  const std::string name = o != nullptr ? o->get_name() : "an option";
  auto number_after = [&](const std::string& key) -> std::string {
    const size_t k = msg.find(key);
    if (k == npos) return "";
    size_t b = k + key.size();
    size_t e = b;
    while (e < msg.size() && std::isdigit(static_cast<unsigned char>(msg[e])) != 0) ++e;
    return msg.substr(b, e - b);
  };
  const std::string help = see_help(owner);
  if (msg.find(" missing") != npos && msg.find(" required ") != npos) {
    return {name + " needs a value: " + (o != nullptr ? value_name(*o) : "see the help"), help};
  }
  if (msg.find("At Most ") != npos) {
    const std::string most = number_after("At Most "), got = number_after("received ");
    if (most == "1") return {name + " was given more than once; it takes one value", help};
    return {name + " takes at most " + most + " values, got " + got, help};
  }
  if (msg.find("At least ") != npos)
    return {name + " needs at least " + number_after("At least ") + " values, got " + number_after("received "), help};
  if (msg.find("Expected exactly ") != npos)
    return {name + " takes exactly " + number_after("Expected exactly ") + " values, got " + number_after("got "), help};
  if (msg.find("Expected at least ") != npos)
    return {name + " needs at least " + number_after("Expected at least ") + " values, got " + number_after("got "), help};
  if (msg.find("flag override") != npos) return {name + " takes no value", help};
  return {"wrong number of values for " + name, help};
}

UsageProblem conversion(const std::string& msg, const Mention& m, const CLI::App& at) {
  const CLI::Option* o = m.opt;
  const CLI::App& owner = m.owner != nullptr ? *m.owner : at;
  const std::string name = o != nullptr ? o->get_name() : "an option";
  const std::string help = see_help(owner);
  std::string value;
  if (const size_t eq = msg.find(" = "); starts_with(msg, "Could not convert: ") && eq != npos) value = msg.substr(eq + 3);
  if (starts_with(msg, "The value ")) {
    const size_t e = msg.find(" is not an allowed value");
    if (e != npos) value = msg.substr(10, e - 10);
  }
  if ((o != nullptr && is_flag(*o)) || msg.find("for a flag") != npos || msg.find("true/false") != npos) {
    return {name + " is a flag and takes no value" + (value.empty() ? "" : ", got '" + value + "'"), help};
  }
  std::string text = "invalid value" + (value.empty() ? std::string() : " '" + value + "'") + " for " + name;
  if (o != nullptr) text += ": expected " + expected_form(*o);
  return {text, help};
}

UsageProblem validation(const std::string& msg, const Mention& m, const CLI::App& at) {
  const CLI::Option* o = m.opt;
  const CLI::App& owner = m.owner != nullptr ? *m.owner : at;
  const std::string name = o != nullptr ? o->get_name() : "an option";
  const std::string help = see_help(owner);
  const std::string rest = o != nullptr && starts_with(msg, name + ": ") ? msg.substr(name.size() + 2) : msg;
  std::string value, form;
  if (const size_t k = rest.find(" not in {"); k != npos) {  // IsMember: "foo not in {a,b,c}"
    value = rest.substr(0, k);
    const size_t e = rest.find('}', k);
    if (e != npos) form = "one of " + or_list(split(rest.substr(k + 9, e - k - 9), ','));
  } else if (const size_t r = rest.find(" not in range ");
             starts_with(rest, "Value ") && r != npos) {  // Range: "Value 0 not in range 1 to 256"
    value = rest.substr(6, r - 6);
    form = "a number from " + rest.substr(r + 14);
  } else if (o != nullptr && !o->results().empty()) {
    value = o->results().back();
  }
  if (form.empty() && o != nullptr) form = expected_form(*o);
  return {
      "invalid value" + (value.empty() ? std::string() : " '" + value + "'") + " for " + name + (form.empty() ? "" : ": expected " + form),
      help};
}

UsageProblem required(const std::string& msg, const Mention& m, const CLI::App& at) {
  const CLI::Option* o = m.opt;
  const CLI::App& owner = m.owner != nullptr ? *m.owner : at;
  if (msg == "A subcommand is required" || starts_with(msg, "Requires at least") || o == nullptr) {
    // A command group typed without its command (or an option group's rule, which we do not use).
    const CLI::App* need = &at;
    const auto names = command_names(*need, false);
    if (!names.empty()) return {"'" + command_path(*need) + "' needs a command: " + or_list(names), see_help(*need)};
    const size_t b = msg.find('['), e = msg.rfind(']');
    if (b != npos && e != npos && e > b)
      return {"'" + command_path(at) + "' needs one of " + or_list(split(msg.substr(b + 1, e - b - 1), ',')), see_help(at)};
    return {"'" + command_path(at) + "' needs more arguments", usage_line(at)};
  }
  std::string what = o->get_name();
  if (!o->get_positional()) what += " " + value_name(*o);
  std::string about = o->get_description();
  if (!about.empty()) about[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(about[0])));
  return {"'" + command_path(owner) + "' needs " + what + (about.empty() ? "" : ": " + about), usage_line(owner)};
}

// "A requires B" / "A excludes B": option names or commands.
UsageProblem pair_rule(const std::string& msg, const std::string& verb, const CLI::App& at) {
  const size_t k = msg.find(" " + verb + " ");
  if (k == npos) return {"conflicting options for '" + command_path(at) + "'", see_help(at)};
  const std::string a = msg.substr(0, k), b = msg.substr(k + verb.size() + 2);
  if (verb == "requires") return {a + " needs " + b + " as well", see_help(at)};
  return {a + " and " + b + " cannot be used together", see_help(at)};
}

}  // namespace

std::string command_path(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) names.push_back(a->get_name());
  std::string s;
  for (auto it = names.rbegin(); it != names.rend(); ++it) s += (s.empty() ? "" : " ") + *it;
  return s;
}

UsageProblem unknown_command(const CLI::App& parent, const std::string& word) {
  const std::string path = command_path(parent);
  std::string rel;  // the path below the root: "exp " in "unknown command 'exp lst'"
  if (parent.get_parent() != nullptr) {
    const CLI::App* root = &parent;
    while (root->get_parent() != nullptr) root = root->get_parent();
    rel = path.substr(root->get_name().size() + 1) + " ";
  }
  UsageProblem p;
  p.message = "unknown command '" + rel + word + "'";
  const auto names = command_names(parent, false);
  if (names.empty()) {
    p.hint = "'" + path + "' has no commands; " + see_help(parent);
    return p;
  }
  const std::string guess = closest(word, command_names(parent, true));
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  p.hint = guess.empty() ? "the commands of '" + path + "' are " + list + "; " + see_help(parent) : "did you mean '" + rel + guess + "'?";
  return p;
}

UsageProblem describe_parse_error(const CLI::ParseError& e, const CLI::App& root, const std::vector<std::string>& args) {
  const auto chain = typed_chain(root);
  const CLI::App& at = *chain.back();
  const std::string msg = e.what();
  // A word nobody took comes first: it is most likely the typo, and what else failed
  // (a required argument) follows from it.
  for (const auto& word : root.remaining(true)) {
    if (word != "--") return extra_word(chain, args, word);  // "--" is CLI11's own mark
  }

  const Mention o = mentioned_option(msg, chain);
  if (dynamic_cast<const CLI::ConversionError*>(&e) != nullptr) return conversion(msg, o, at);
  if (dynamic_cast<const CLI::ValidationError*>(&e) != nullptr) return validation(msg, o, at);
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) return argument_mismatch(msg, o, at);
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) return required(msg, o, at);
  if (dynamic_cast<const CLI::RequiresError*>(&e) != nullptr) return pair_rule(msg, "requires", at);
  if (dynamic_cast<const CLI::ExcludesError*>(&e) != nullptr) return pair_rule(msg, "excludes", at);
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) return {"unexpected arguments for '" + command_path(at) + "'", usage_line(at)};
  // FileError, ConfigError (no config files here), InvalidError, HorribleError, RuntimeError.
  return {"cannot read the command line for '" + command_path(at) + "'", see_help(at)};
}

}  // namespace mlops::cli
