// SPDX-License-Identifier: MIT
// `mlops remote add/remove`: mlops.yaml is the user's file, with their comments and layout,
// and yaml-cpp drops comments and reorders nothing back. So the text is edited line by line
// where the node marks say the keys are, the result is parsed again and compared with what
// the edit should give (every other key unchanged), and only then written atomically. A
// layout the line edit cannot handle (a flow mapping `remotes: {...}`) has that one key
// rewritten in block style, comments inside it lost; anything the check refuses is an error
// and leaves the file as it was.
#include "config/project.hpp"

#include "core/fd.hpp"
#include "core/yaml_limits.hpp"

#include <mlops/did_you_mean.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>

#include <algorithm>
#include <map>

namespace mlops::config {
namespace {

struct Text {
  std::vector<std::string> lines;  // without their line ends
  std::string eol = "\n";

  explicit Text(const std::string& s) {
    std::size_t pos = 0;
    while (pos < s.size()) {
      const std::size_t nl = s.find('\n', pos);
      if (nl == std::string::npos) {
        lines.push_back(s.substr(pos));
        break;
      }
      lines.push_back(s.substr(pos, nl - pos));
      pos = nl + 1;
    }
    if (!lines.empty() && !lines[0].empty() && lines[0].back() == '\r') eol = "\r\n";
    if (eol == "\r\n") {
      for (auto& l : lines) {
        if (!l.empty() && l.back() == '\r') l.pop_back();
      }
    }
  }
  std::string str() const {
    std::string out;
    for (const auto& l : lines) out += l + eol;
    return out;
  }
  // Not blank and not a comment.
  bool content(std::size_t i) const {
    const auto p = lines[i].find_first_not_of(" \t");
    return p != std::string::npos && lines[i][p] != '#';
  }
};

// One replacement of lines [first, first + count) by `with`.
struct Edit {
  std::size_t first = 0, count = 0;
  std::vector<std::string> with;
};

void apply(Text& t, std::vector<Edit> edits) {
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.first > b.first; });
  for (const auto& e : edits) {
    t.lines.erase(t.lines.begin() + static_cast<std::ptrdiff_t>(e.first), t.lines.begin() + static_cast<std::ptrdiff_t>(e.first + e.count));
    t.lines.insert(t.lines.begin() + static_cast<std::ptrdiff_t>(e.first), e.with.begin(), e.with.end());
  }
}

// The lines of the top-level key `key`: from its line to its last content line.
struct Span {
  std::size_t first = 0, last = 0;
};
std::optional<Span> top_level_span(const ConfigFile& f, const Text& t, const std::string& key) {
  if (!f.root.IsMap()) return std::nullopt;
  std::vector<std::size_t> starts;
  std::optional<std::size_t> mine;
  for (const auto& kv : f.root) {
    const auto line = static_cast<std::size_t>(kv.first.Mark().line);
    starts.push_back(line);
    if (kv.first.Scalar() == key) mine = line;
  }
  if (!mine) return std::nullopt;
  std::size_t end = t.lines.size();
  for (const auto s : starts) {
    if (s > *mine) end = std::min(end, s);
  }
  Span sp{*mine, *mine};
  for (std::size_t i = *mine; i < end && i < t.lines.size(); ++i) {
    if (t.content(i)) sp.last = i;
  }
  return sp;
}

std::string yaml_value(const std::string& url) {
  // Plain when YAML reads it back as the same string, else double-quoted.
  const bool plain = !url.empty() && url.back() != ':' && std::all_of(url.begin(), url.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("._~:/%+=,-").find(c) != std::string_view::npos;
  });
  if (plain) return url;
  std::string q = "\"";
  for (const char c : url) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

// `r.ca_file` is absolute; the file gets it relative to `base` (mlops.yaml's directory) when
// it is inside it, so the project can move.
std::vector<std::string> entry_lines(const Remote& r, std::size_t indent, std::size_t child_indent, const stdfs::path& base) {
  const std::string pad(child_indent, ' ');
  std::vector<std::string> out{std::string(indent, ' ') + r.name + ":", pad + "url: " + yaml_value(r.url)};
  if (!r.endpoint.empty()) out.push_back(pad + "endpoint: " + yaml_value(r.endpoint));
  if (!r.region.empty()) out.push_back(pad + "region: " + yaml_value(r.region));
  if (!r.ca_file.empty()) {
    std::string shown = r.ca_file;
    const stdfs::path rel = stdfs::path(r.ca_file).lexically_relative(base);
    if (!base.empty() && !rel.empty() && *rel.begin() != "..") shown = rel.string();
    out.push_back(pad + "ca_file: " + yaml_value(shown));
  }
  if (r.plain_http) out.push_back(pad + "plain_http: true");
  return out;
}

std::vector<std::string> block(const std::vector<Remote>& remotes, const stdfs::path& base) {
  if (remotes.empty()) return {};
  std::vector<std::string> out{"remotes:"};
  for (const auto& r : remotes) {
    const auto e = entry_lines(r, 2, 4, base);
    out.insert(out.end(), e.begin(), e.end());
  }
  return out;
}

// The `default_remote` line set to `name` (a trailing comment kept), or removed (`name` empty).
void set_default(const ConfigFile& f, const Text& t, const std::string& name, std::vector<Edit>& edits) {
  const auto sp = top_level_span(f, t, "default_remote");
  if (!sp) {
    if (!name.empty()) edits.push_back({t.lines.size(), 0, {"default_remote: " + name}});
    return;
  }
  if (name.empty()) {
    edits.push_back({sp->first, sp->last - sp->first + 1, {}});
    return;
  }
  std::string line = "default_remote: " + name;
  const std::string& old = t.lines[sp->first];
  if (const auto hash = old.find(" #"); sp->first == sp->last && hash != std::string::npos) line += old.substr(hash);
  edits.push_back({sp->first, sp->last - sp->first + 1, {line}});
}

struct Project {
  Fd lock;  // flock on the project directory: two remote commands do not interleave their read-edit-rename
  ConfigFile file;
  Layer layer;
  stdfs::perms mode = stdfs::perms(0644);
};

Project open_project(const stdfs::path& cwd) {
  const auto root = find_project_root(cwd);
  if (!root)
    throw Error(ErrorKind::usage, "not an mlops project: no mlops.yaml here or above", "create one with 'mlops init', or use -C DIR");
  // The directory, not the file: the file is replaced by a rename, and a lock file would be
  // one more file in the user's project.
  Fd dir(::open(root->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) throw_errno("cannot open " + root->string());
  while (::flock(dir.get(), LOCK_EX) != 0) {
    if (errno != EINTR) throw_errno("cannot lock " + root->string());
    check_interrupted();
  }
  const stdfs::path file = *root / k_project_file;
  struct stat st {};
  if (::lstat(file.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    throw Error(ErrorKind::invalid_input, file.string() + " is a symlink: mlops edits only a plain file",
                "edit the file it points to by hand, or replace the link with the file");
  }
  auto f = load_file(file);
  if (!f) throw Error(ErrorKind::usage, "not an mlops project: no mlops.yaml here or above");
  Project p{std::move(dir), *f, read_layer(*f), stdfs::perms(st.st_mode & 07777)};
  return p;
}

// Parses the edited text and checks that it says what the edit meant, and nothing else changed.
void check_and_write(const Project& p, const std::string& text, const std::vector<Remote>& want, const std::string& want_default) {
  const std::string refusal = "cannot edit " + p.file.file.string() + " in place: its layout is unusual";
  const std::string hint = "edit it by hand: remotes: {NAME: {url: URL}} and default_remote: NAME (docs/formats.md)";
  ConfigFile edited{p.file.file, text, {}};
  try {
    edited.root = yaml::load(text, p.file.file.string());
  } catch (const YAML::Exception&) {
    throw Error(ErrorKind::invalid_input, refusal, hint);
  }
  if (!edited.root.IsMap()) throw Error(ErrorKind::invalid_input, refusal, hint);
  const Layer l = read_layer(edited);
  const auto fields = [](const Remote& r) {
    return r.url + '\n' + r.endpoint + '\n' + r.region + '\n' + r.ca_file + '\n' + (r.plain_http ? "1" : "0");
  };
  std::map<std::string, std::string> got, expected;
  for (const auto& r : l.remotes) got[r.name] = fields(r);
  for (const auto& r : want) expected[r.name] = fields(r);
  bool same = got == expected && l.remotes.size() == want.size() && l.default_remote.value_or("") == want_default;
  // Every other key as it was.
  std::map<std::string, std::string> before, after;
  const auto others = [](const YAML::Node& root, std::map<std::string, std::string>& out) {
    if (!root.IsMap()) return;
    for (const auto& kv : root) {
      const std::string k = kv.first.Scalar();
      if (k != "remotes" && k != "default_remote") out[k] = YAML::Dump(kv.second);
    }
  };
  others(p.file.root, before);
  others(edited.root, after);
  same = same && before == after;
  if (!same) throw Error(ErrorKind::invalid_input, refusal, hint);
  fs::write_file_atomic(p.file.file, text, p.mode);
}

}  // namespace

void add_remote(const stdfs::path& cwd, const Remote& remote, bool make_default) {
  const std::string& name = remote.name;
  check_remote_name(name);
  check_remote_url(remote.url);
  Remote added = remote;
  if (!added.endpoint.empty() && added.endpoint.back() == '/') added.endpoint.pop_back();
  if (!added.ca_file.empty()) {
    stdfs::path ca = added.ca_file;
    if (ca.is_relative()) ca = cwd / ca;
    ca = ca.lexically_normal();
    if (const std::string why = ca_file_problem(ca); !why.empty())
      throw Error(ErrorKind::usage, "--ca-file " + escape_controls(remote.ca_file) + ": " + why,
                  "give the PEM file of the CA certificates");
    added.ca_file = ca.string();
  }
  check_remote_settings(added);
  const Project p = open_project(cwd);
  for (const auto& r : p.layer.remotes) {
    if (r.name == name) {
      throw Error(ErrorKind::conflict, "remote '" + name + "' already exists (" + r.url + ")",
                  "remove it first with 'mlops remote remove " + name + "'");
    }
  }
  Text t(p.file.text);
  std::vector<Edit> edits;
  added.file = p.file.file.string();
  const stdfs::path base = p.file.file.parent_path();
  std::vector<Remote> want = p.layer.remotes;
  want.push_back(added);
  const YAML::Node node = p.file.root.IsMap() ? p.file.root["remotes"] : YAML::Node();
  const auto sp = top_level_span(p.file, t, "remotes");
  if (!sp) {
    const auto b = block(want, base);
    edits.push_back({t.lines.size(), 0, b});
  } else if (node.IsMap() && node.size() > 0 && node.Style() != YAML::EmitterStyle::Flow) {
    const YAML::Node first_key = node.begin()->first, first_value = node.begin()->second;
    const auto indent = static_cast<std::size_t>(first_key.Mark().column);
    std::size_t child = indent + 2;
    if (first_value.IsMap() && first_value.size() > 0 && first_value.Style() != YAML::EmitterStyle::Flow) {
      child = static_cast<std::size_t>(first_value.begin()->first.Mark().column);
    }
    edits.push_back({sp->last + 1, 0, entry_lines(added, indent, child, base)});
  } else if (node.IsNull() && sp->first == sp->last && t.lines[sp->first].rfind("remotes:", 0) == 0 &&
             t.lines[sp->first].substr(8).find_first_not_of(" \t") == std::string::npos) {
    edits.push_back({sp->first + 1, 0, entry_lines(added, 2, 4, base)});  // "remotes:" with nothing under it yet
  } else {
    edits.push_back({sp->first, sp->last - sp->first + 1, block(want, base)});
  }
  const std::string want_default = make_default ? name : p.layer.default_remote.value_or("");
  if (make_default) set_default(p.file, t, name, edits);
  apply(t, std::move(edits));
  check_and_write(p, t.str(), want, want_default);
}

bool remove_remote(const stdfs::path& cwd, const std::string& name) {
  check_remote_name(name);
  const Project p = open_project(cwd);
  std::vector<Remote> want;
  std::vector<std::string> names;
  bool found = false;
  for (const auto& r : p.layer.remotes) {
    names.push_back(r.name);
    if (r.name == name) found = true;
    else want.push_back(r);
  }
  if (!found) {
    for (const auto& r : resolve(std::nullopt).remotes) {
      if (r.name == name) {
        throw Error(ErrorKind::not_found, "remote '" + name + "' is named in " + r.file + ", not in " + p.file.file.string(),
                    "edit " + r.file + " to remove it");
      }
    }
    const auto close = closest_names(name, names);
    throw Error(ErrorKind::not_found, "no remote named '" + name + "' in " + p.file.file.string(),
                close.empty() ? "'mlops remote list' shows the remotes" : did_you_mean(close));
  }
  Text t(p.file.text);
  std::vector<Edit> edits;
  const YAML::Node node = p.file.root["remotes"];
  const auto sp = top_level_span(p.file, t, "remotes");
  if (want.empty()) {
    edits.push_back({sp->first, sp->last - sp->first + 1, {}});
  } else if (node.Style() != YAML::EmitterStyle::Flow) {
    std::size_t first = 0, end = sp->last + 1;
    bool mine = false;
    for (const auto& kv : node) {
      const auto line = static_cast<std::size_t>(kv.first.Mark().line);
      if (mine) {
        end = line;
        break;
      }
      if (kv.first.Scalar() == name) {
        first = line;
        mine = true;
      }
    }
    std::size_t last = first;
    for (std::size_t i = first; i < end; ++i) {
      if (t.content(i)) last = i;
    }
    edits.push_back({first, last - first + 1, {}});
  } else {
    edits.push_back({sp->first, sp->last - sp->first + 1, block(want, p.file.file.parent_path())});
  }
  const bool was_default = p.layer.default_remote.value_or("") == name;
  if (was_default) set_default(p.file, t, "", edits);
  apply(t, std::move(edits));
  check_and_write(p, t.str(), want, was_default ? std::string() : p.layer.default_remote.value_or(""));
  return was_default;
}

}  // namespace mlops::config
