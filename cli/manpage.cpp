// SPDX-License-Identifier: MIT
#include "manpage.hpp"

#include <cctype>

namespace mlops::cli {
namespace {

// roff text: a backslash is \e; every '-' is \-, the ASCII hyphen-minus, so that options copied
// from a rendered page still work.
std::string roff(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  return out;
}

// One output line: a line starting with '.' or '\'' would be a roff request.
std::string roff_line(std::string_view s) {
  std::string out = roff(s);
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out + "\n";
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool shown(const CLI::Option* o) {
  const std::string& name = o->get_single_name();
  return !o->get_group().empty() && name != "help" && name != "help-all";
}

std::vector<const CLI::App*> children(const CLI::App& app) {
  std::vector<const CLI::App*> out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!sub->get_name().empty() && sub->get_name()[0] != '_' && !sub->get_group().empty()) out.push_back(sub);
  }
  return out;
}

// "KEY=VALUE" as given with type_name(); CLI11's validator text after ':' is dropped, except a
// list of choices: "--color {auto,always,never}".
std::string value_name(const CLI::Option* o) {
  const std::string t = o->get_type_name();
  const size_t colon = t.find(':');
  if (colon != std::string::npos && colon + 1 < t.size() && t[colon + 1] == '{') return t.substr(colon + 1);
  return colon == 0 || t.empty() ? "VALUE" : t.substr(0, colon);
}

std::string positional_name(const CLI::Option* o) {
  return "\\fI" + roff(o->get_name(true)) + "\\fR" + (o->get_items_expected_max() > 1 ? "..." : "");
}

std::string option_label(const CLI::Option* o) {
  std::string s;
  for (const auto& n : o->get_snames()) s += (s.empty() ? "" : ", ") + std::string("\\fB\\-") + roff(n) + "\\fR";
  for (const auto& n : o->get_lnames()) s += (s.empty() ? "" : ", ") + std::string("\\fB\\-\\-") + roff(n) + "\\fR";
  if (o->get_expected_max() > 0) s += " \\fI" + roff(value_name(o)) + "\\fR";  // flags expect no value
  return s;
}

std::string synopsis(const CLI::App& app, const std::string& path) {
  std::string s = "\\fB" + roff(path) + "\\fR";
  bool options = false;
  for (const CLI::Option* o : app.get_options()) options = options || (shown(o) && !o->get_positional());
  if (options) s += " [\\fIOPTIONS\\fR]";
  for (const CLI::Option* o : app.get_options()) {
    if (!shown(o) || !o->get_positional()) continue;
    s += o->get_required() ? " " + positional_name(o) : " [" + positional_name(o) + "]";
  }
  return s + "\n";
}

// Leaves of the tree under `app` ("mlops exp run", ...), for SYNOPSIS.
void synopses(const CLI::App& app, const std::string& path, std::string& out) {
  const auto subs = children(app);
  if (subs.empty()) {
    out += (out.empty() ? "" : ".br\n") + synopsis(app, path);
    return;
  }
  for (const CLI::App* sub : subs) synopses(*sub, path + " " + sub->get_name(), out);
}

void option_list(const CLI::App& app, std::string& out) {
  for (const CLI::Option* o : app.get_options()) {
    if (shown(o) && o->get_positional()) out += ".TP\n" + positional_name(o) + "\n" + roff_line(o->get_description());
  }
  for (const CLI::Option* o : app.get_options()) {
    if (shown(o) && !o->get_positional()) out += ".TP\n" + option_label(o) + "\n" + roff_line(o->get_description());
  }
}

bool has_options(const CLI::App& app) {
  for (const CLI::Option* o : app.get_options()) {
    if (shown(o)) return true;
  }
  return false;
}

// A help text (description or footer) as the --help output shows it: paragraphs of prose,
// lines indented by two spaces kept as they are (examples, tables), and "Heading:" lines.
struct Part {
  enum Kind { heading, prose, literal } kind;
  std::vector<std::string> lines;
};

bool is_heading(std::string_view line) {
  if (line.size() < 2 || line.size() > 40 || line.back() != ':' || !std::isupper(static_cast<unsigned char>(line[0]))) return false;
  size_t spaces = 0;
  for (char c : line) spaces += c == ' ';
  return spaces <= 2;
}

std::vector<Part> parse_text(std::string_view text) {
  std::vector<Part> parts;
  bool open = false;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string line(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.empty()) {
      open = false;
      continue;
    }
    if (line[0] != ' ' && is_heading(line)) {
      line.pop_back();
      parts.push_back({Part::heading, {line}});
      open = false;
      continue;
    }
    const Part::Kind kind = line[0] == ' ' ? Part::literal : Part::prose;
    if (kind == Part::literal) line.erase(0, line.rfind("  ", 0) == 0 ? 2 : 1);
    if (open && parts.back().kind == kind) {
      parts.back().lines.push_back(line);
    } else {
      parts.push_back({kind, {line}});
      open = true;
    }
  }
  return parts;
}

// Headings become sections (.SH) at the top level of a page and bold lines inside a command's
// subsection.
void render(const std::vector<Part>& parts, bool top_level, std::string& out) {
  for (const Part& p : parts) {
    switch (p.kind) {
      case Part::heading: {
        std::string name = upper(p.lines.front());
        if (name == "EXIT CODES") name = "EXIT STATUS";  // the name man-pages(7) gives the section
        out += top_level ? ".SH " + roff_line(name) : ".PP\n.B " + roff_line(p.lines.front() + ":");
        break;
      }
      case Part::prose:
        out += ".PP\n";
        for (const auto& l : p.lines) out += roff_line(l);
        break;
      case Part::literal:
        out += ".PP\n.RS 4\n.nf\n";
        for (const auto& l : p.lines) out += roff_line(l);
        out += ".fi\n.RE\n";
        break;
    }
  }
}

// Splits the parts at the first heading: what comes before belongs to DESCRIPTION.
std::pair<std::vector<Part>, std::vector<Part>> split_at_heading(std::vector<Part> parts) {
  size_t i = 0;
  while (i < parts.size() && parts[i].kind != Part::heading) ++i;
  std::vector<Part> rest(parts.begin() + static_cast<std::ptrdiff_t>(i), parts.end());
  parts.resize(i);
  return {parts, rest};
}

std::string header(const std::string& name, std::string_view version, const std::string& summary) {
  return ".\\\" Generated from the command definitions by mlops_manpages (make man); do not edit.\n"
         ".TH " +
         roff(upper(name)) + " 1 \"\" \"mlops " + std::string(version) +
         "\" \"mlops manual\"\n"
         ".nh\n.ad l\n"  // no hyphenation, ragged right: paths and options stay whole
         ".SH NAME\n" +
         roff(name) + " \\- " + roff_line(summary);
}

void subcommand_sections(const CLI::App& app, const std::string& path, std::string& out) {
  for (const CLI::App* sub : children(app)) {
    const std::string sub_path = path + " " + sub->get_name();
    out += ".SS " + roff_line(sub_path);
    auto [intro, rest] = split_at_heading(parse_text(sub->get_description() + "\n\n" + sub->get_footer()));
    render(intro, false, out);
    if (has_options(*sub)) {
      out += ".PP\n";
      option_list(*sub, out);
    }
    render(rest, false, out);
    subcommand_sections(*sub, sub_path, out);
  }
}

std::string global_options(const CLI::App& root) {
  std::string s = ".SH GLOBAL OPTIONS\nThe options of \\fBmlops\\fR(1) work with every command:\n";
  option_list(root, s);
  return s;
}

std::string command_page(const CLI::App& root, const CLI::App& cmd, std::string_view version) {
  const std::string path = "mlops " + cmd.get_name();
  std::string s = header("mlops-" + cmd.get_name(), version, cmd.get_description());
  std::string syn;
  synopses(cmd, path, syn);
  s += ".SH SYNOPSIS\n" + syn;
  s += ".SH DESCRIPTION\n" + roff_line(cmd.get_description() + ".");
  auto [intro, rest] = split_at_heading(parse_text(cmd.get_footer()));
  render(intro, true, s);
  if (has_options(cmd)) {
    s += ".SH OPTIONS\n";
    option_list(cmd, s);
  }
  if (!children(cmd).empty()) {
    s += ".SH COMMANDS\n";
    subcommand_sections(cmd, path, s);
  }
  render(rest, true, s);
  s += global_options(root);
  s += ".SH SEE ALSO\n\\fBmlops\\fR(1)\n";
  return s;
}

std::string root_page(const CLI::App& root, std::string_view version) {
  std::string summary = root.get_description();
  if (summary.rfind("mlops: ", 0) == 0) summary.erase(0, 7);
  if (!summary.empty() && summary.back() == '.') summary.pop_back();
  std::string s = header("mlops", version, summary);
  s += ".SH SYNOPSIS\n\\fBmlops\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n";
  s += ".SH DESCRIPTION\n" + roff_line(root.get_description());
  auto [intro, rest] = split_at_heading(parse_text(root.get_footer()));
  render(intro, true, s);
  s += ".SH OPTIONS\n";
  option_list(root, s);
  s += ".SH COMMANDS\n";
  for (const CLI::App* cmd : children(root)) {
    s += ".TP\n\\fBmlops\\-" + roff(cmd->get_name()) + "\\fR(1)\n" + roff_line(cmd->get_description());
  }
  render(rest, true, s);
  s += ".SH SEE ALSO\n";
  std::string see;
  for (const CLI::App* cmd : children(root))
    see += (see.empty() ? "" : ",\n") + std::string("\\fBmlops\\-") + roff(cmd->get_name()) + "\\fR(1)";
  s += see + ",\n\\fBgit\\fR(1)\n";
  return s;
}

}  // namespace

std::vector<ManPage> man_pages(const CLI::App& root, std::string_view version) {
  std::vector<ManPage> pages{{"mlops.1", root_page(root, version)}};
  for (const CLI::App* cmd : children(root)) pages.push_back({"mlops-" + cmd->get_name() + ".1", command_page(root, *cmd, version)});
  return pages;
}

}  // namespace mlops::cli
