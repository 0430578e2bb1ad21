// SPDX-License-Identifier: MIT
// mlops update: a generated project brought to another template version by a 3-way merge of
// every file (base = the recorded version with the recorded answers, ours = the project,
// theirs = the new version with the new answers). Both versions are rendered by generate()
// into a temporary directory, so they get every check `init` makes on a hostile template.
#include "git/merge.hpp"
#include "git/repo.hpp"
#include "scaffold/answers_file.hpp"
#include "scaffold/links.hpp"
#include "scaffold/names.hpp"
#include "scaffold/source.hpp"
#include "scaffold/temp_dirs.hpp"
#include "scaffold/update_state.hpp"
#include "scaffold/versions.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/scaffold.hpp>
#include "core/log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace mlops::scaffold {
namespace {

namespace stdfs = std::filesystem;

// The most a project file may hold to be merged (a file without end stops here).
constexpr std::size_t k_max_merged_file = std::size_t{256} << 20;

struct Node {
  enum class Kind { file, link, other };
  Kind kind = Kind::file;
  bool exec = false;
  std::string content;  // bytes, or the link target
  bool operator==(const Node& o) const { return kind == o.kind && exec == o.exec && content == o.content; }
};
using Tree = std::map<std::string, Node>;

std::optional<Node> read_node(const stdfs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw_errno("cannot inspect " + path.string());
  }
  Node n;
  if (S_ISLNK(st.st_mode)) {
    n.kind = Node::Kind::link;
    n.content = stdfs::read_symlink(path).string();
  } else if (S_ISREG(st.st_mode)) {
    n.exec = (st.st_mode & S_IXUSR) != 0;
    n.content = fs::read_file(path, k_max_merged_file);
  } else {
    n.kind = Node::Kind::other;
  }
  return n;
}

// Everything under a rendered tree (no .git: rendered without git).
Tree read_tree(const stdfs::path& root) {
  Tree out;
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(root, ec); !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) continue;
    if (auto n = read_node(it->path())) out[it->path().lexically_relative(root).generic_string()] = std::move(*n);
  }
  if (ec) throw Error(ErrorKind::io, "cannot read " + root.string() + ": " + ec.message());
  return out;
}

bool has_nul(const std::string& s) { return s.find('\0') < 8000; }

struct Project {
  stdfs::path dir;  // absolute
  git::RepoState repo;
  std::string prefix;  // the project relative to the worktree: "" or "sub/dir/"
  AnswersFile answers;
  RecordedTemplate rec;
};

Project open_project(const stdfs::path& dir_in, bool need_answers) {
  if (dir_in.empty()) throw Error(ErrorKind::usage, "the project directory is empty", "give a directory, or '.' for the current one");
  Project p;
  p.dir = stdfs::absolute(dir_in).lexically_normal();
  if (!p.dir.has_filename()) p.dir = p.dir.parent_path();
  std::error_code ec;
  if (!stdfs::is_directory(p.dir, ec)) throw Error(ErrorKind::not_found, p.dir.string() + " is not a directory");
  const auto worktree = git::enclosing_worktree(p.dir);
  if (!worktree) {
    throw Error(ErrorKind::usage,
                p.dir.string() + " is not in a git repository; an update needs one (to refuse over uncommitted work, and to abort)",
                "git init && git add -A && git commit -m 'Project as it is', then update");
  }
  p.repo = git::repo_state(*worktree);
  const std::string rel = p.dir.lexically_relative(p.repo.worktree).generic_string();
  p.prefix = rel == "." || rel.empty() ? "" : rel + "/";
  if (!need_answers) return p;
  const stdfs::path file = p.dir / k_answers_file;
  if (!stdfs::is_regular_file(stdfs::symlink_status(file, ec))) {
    throw Error(ErrorKind::usage, p.dir.string() + " has no " + k_answers_file + " (mlops did not make it, or the file was lost)",
                "record the template and version it came from, changing no file: mlops update --adopt --template SRC");
  }
  p.answers = load_answers_file(file);
  if (!p.answers.recorded || p.answers.recorded->origin.location.empty()) {
    throw Error(ErrorKind::invalid_input, file.string() + " records no template", "record it: mlops update --adopt --template SRC");
  }
  p.rec = *p.answers.recorded;
  return p;
}

std::string version_text(const TemplateVersion& v) {
  std::string s = v.version.empty() ? (v.ref.empty() ? std::string() : v.ref) : v.version;
  if (!v.ref.empty() && v.ref != v.version && v.ref != "v" + v.version && v.ref != s) s += " (" + v.ref + ")";
  if (!v.commit.empty()) s += (s.empty() ? "commit " : " commit ") + v.commit.substr(0, 12);
  return s.empty() ? "unversioned" : s;
}

bool is_local(const std::string& location) { return location.rfind('/', 0) == 0 || location.rfind("file://", 0) == 0; }

// A source that no longer exists is not_found, whatever libgit2 calls it.
void check_source_exists(const RecordedTemplate& rec) {
  const auto& o = rec.origin;
  if (o.kind == TemplateOrigin::Kind::builtin) return;
  if (o.kind == TemplateOrigin::Kind::git && !is_local(o.location)) return;
  const std::string path = o.location.rfind("file://", 0) == 0 ? o.location.substr(7) : o.location;
  std::error_code ec;
  if (!stdfs::exists(path, ec)) {
    throw Error(ErrorKind::not_found, "the template " + printable(o.location) + " that " + k_answers_file + " records no longer exists",
                "if it moved, record the new place: mlops update --adopt --template SRC (changes no file)");
  }
}

// What "the latest version" is for a git source: the highest version tag, else HEAD.
TemplateVersion target_in_repo(const std::string& url, const std::string& to, bool& plain_dir_fallback) {
  const auto refs = git::remote_refs(url);
  TemplateVersion v;
  if (to.empty()) {
    if (const auto latest = latest_version_tag(refs)) {
      v.ref = latest->tag;
      v.commit = latest->commit;
      return v;
    }
    plain_dir_fallback = true;
    if (auto it = refs.find("HEAD"); it != refs.end()) v.commit = it->second;
    return v;
  }
  for (const std::string& name : {"refs/tags/" + to, "refs/heads/" + to, "refs/tags/v" + to, to}) {
    if (auto it = refs.find(name); it != refs.end()) {
      v.ref = name.rfind("refs/tags/", 0) == 0 ? name.substr(10) : name.rfind("refs/heads/", 0) == 0 ? name.substr(11) : name;
      v.commit = it->second;
      return v;
    }
  }
  v.ref = to;  // a commit id, resolved by the fetch
  return v;
}

struct Loaded {
  Template tpl;
  TemplateVersion version;
};

std::string url_of(const RecordedTemplate& rec) { return rec.origin.location; }

// The version the project was made from.
Loaded load_base(const RecordedTemplate& rec) {
  const auto& o = rec.origin;
  Loaded l;
  if (o.kind == TemplateOrigin::Kind::builtin) {
    l.tpl = load_builtin_version(o.location, rec.version);
  } else {
    const std::string at = !o.commit.empty() ? o.commit : o.ref;
    if (at.empty()) {
      throw Error(ErrorKind::invalid_input,
                  std::string(k_answers_file) + " records no commit of the template " + printable(o.location) +
                      ", so the version the project was made from cannot be rendered",
                  o.kind == TemplateOrigin::Kind::path
                      ? "make the template directory a git repository and commit it; then, with it at the version the project "
                        "came from, record it: mlops update --adopt --template DIR"
                      : "record the version the project came from: mlops update --adopt --template URL@REF");
    }
    try {
      l.tpl = load_git_at(url_of(rec), at);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::not_found) throw;
      throw Error(ErrorKind::not_found,
                  "the version the project was made from (" + printable(o.ref.empty() ? "" : o.ref + ", ") + "commit " + at.substr(0, 12) +
                      ") is no longer in " + printable(o.location),
                  "record the version that fits the project, changing no file: mlops update --adopt --template " + printable(o.location) +
                      " --to REF");
    }
    l.tpl.origin.kind = o.kind;
    l.tpl.origin.location = o.location;
    l.tpl.origin.spec = o.location;
    l.tpl.origin.ref = o.ref;
  }
  l.version = {l.tpl.manifest.version, o.ref, o.commit};
  if (!rec.version.empty() && rec.version != l.tpl.manifest.version) {
    log::warn("{} records version '{}', but the template at that commit says '{}'", k_answers_file, printable(rec.version),
              l.tpl.manifest.version);
  }
  return l;
}

// The version to update to.
Loaded load_theirs(const RecordedTemplate& rec, const std::string& to) {
  const auto& o = rec.origin;
  Loaded l;
  if (o.kind == TemplateOrigin::Kind::builtin) {
    std::string v = to.empty() ? builtin_version(o.location) : to;
    if (!to.empty() && v[0] == 'v' && builtin_version(o.location) == v.substr(1)) v = v.substr(1);
    l.tpl = load_builtin_version(o.location, v);
    l.version = {l.tpl.manifest.version, "", ""};
    return l;
  }
  bool plain_dir = false;
  TemplateVersion target;
  try {
    target = target_in_repo(url_of(rec), to, plain_dir);
  } catch (const Error& e) {
    // A local directory that is not (or no longer) a git repository: it as it is.
    if (o.kind != TemplateOrigin::Kind::path || !to.empty()) throw;
    log::debug("{} is not a git repository ({}); using it as it is", o.location, e.what());
    plain_dir = true;
  }
  if (o.kind == TemplateOrigin::Kind::path && plain_dir) {
    l.tpl = load_template(o.location);  // the directory as it is; its commit when clean
    l.version = {l.tpl.manifest.version, "", l.tpl.origin.commit};
    return l;
  }
  l.tpl = load_git_at(url_of(rec), target.ref.empty() ? target.commit : target.ref);
  l.tpl.origin.kind = o.kind;
  l.tpl.origin.location = o.location;
  l.tpl.origin.spec = o.location;
  l.tpl.origin.ref = target.ref == "HEAD" ? "" : target.ref;
  l.version = {l.tpl.manifest.version, l.tpl.origin.ref, l.tpl.origin.commit};
  return l;
}

struct Rendered {
  Tree files;
  std::string answers_yaml;
  std::vector<std::string> hooks_skipped;
};

Rendered render(const Template& tpl, const Answers& answers, const Builtins& builtins, bool trust, const stdfs::path& dir) {
  GenerateOptions g;
  g.target = dir;
  g.git = false;
  g.trust = trust;
  g.durable = false;  // a scratch tree: a syncfs here waits for every write on the machine
  const GenerateResult r = generate(tpl, answers, builtins, g);
  Rendered out;
  out.files = read_tree(dir);
  out.answers_yaml = out.files[k_answers_file].content;
  out.files.erase(k_answers_file);
  out.hooks_skipped = r.hooks_skipped;
  return out;
}

Answers resolve_for(const Template& tpl, const Builtins& builtins, const std::map<std::string, std::vector<std::string>>& recorded,
                    const std::map<std::string, std::vector<std::string>>& set, bool use_defaults, Prompter* prompter) {
  AnswerSources s;
  for (const auto& q : tpl.manifest.questions) {
    if (auto it = recorded.find(q.name); it != recorded.end()) s.file.insert(*it);
  }
  s.set = set;
  s.use_defaults = use_defaults;
  s.prompter = prompter;
  return resolve_answers(tpl, builtins, s);
}

// ---- the merge plan ----

struct Action {
  enum class Op { write, remove_dir, remove };  // run in reverse order: removes, emptied directories, writes
  Op op = Op::write;
  std::string path;  // relative to the project
  Node node;
  bool stage = true;  // false: a conflict left for the user
};

struct Plan {
  std::vector<Action> actions;
  UpdateResult* result = nullptr;
};

// Every directory on the way to `rel` must be a real directory inside the project: never a
// symlink (a user's link out of the project must not be written through) nor a file.
// A file in `removed` (relative to root) goes before anything is written below it.
void check_parents(const stdfs::path& root, const std::string& rel, const std::set<std::string>& removed = {}) {
  stdfs::path cur = root;
  const stdfs::path r(rel);
  auto last = std::prev(r.end());
  for (auto it = r.begin(); it != last; ++it) {
    cur /= *it;
    struct stat st {};
    if (::lstat(cur.c_str(), &st) != 0) return;  // created fresh from here on
    if (S_ISREG(st.st_mode) && removed.count(cur.lexically_relative(root).generic_string())) return;
    if (S_ISLNK(st.st_mode)) throw Error(ErrorKind::conflict, cur.string() + " is a symlink; refusing to write " + rel + " through it");
    if (!S_ISDIR(st.st_mode))
      throw Error(ErrorKind::conflict, cur.string() + " is not a directory; the template writes " + rel + " below it");
  }
}

class Merger {
 public:
  Merger(const Project& p, const UpdateOptions& o, UpdateResult& r, const Tree& base, const Tree& theirs)
      : m_p(p), m_o(o), m_r(r), m_base(base), m_theirs(theirs) {
    m_labels = {"base (" + version_text(r.from) + ")", "yours", "template (" + version_text(r.to) + ")"};
  }

  std::vector<Action> run(const stdfs::path& scratch) {
    std::map<std::string, std::string> before, after;
    for (const auto& [path, n] : m_base) {
      if (n.kind == Node::Kind::file && m_theirs.count(path) == 0) before[path] = n.content;
    }
    for (const auto& [path, n] : m_theirs) {
      if (n.kind == Node::Kind::file && m_base.count(path) == 0) after[path] = n.content;
    }
    std::set<std::string> done;
    if (!before.empty() && !after.empty()) {
      for (const auto& [from, to] : git::find_renames(before, after, scratch)) {
        const auto ours_from = ours(from);
        if (ours_from && ours(to)) continue;  // something of yours is there: handled as a delete and an add
        // Behind a symlinked directory of yours, or a directory where the file was: never moved
        // (nothing is removed through the link); handled as a delete and an add.
        if (ours_from && ours_from->kind == Node::Kind::other) continue;
        done.insert(from);
        done.insert(to);
        if (!ours_from) {
          m_r.kept_deleted.push_back(from);
          continue;
        }
        merge_into(to, m_base.at(from), *ours_from, m_theirs.at(to), true);
        m_actions.push_back({Action::Op::remove, from, {}, true});
        m_r.renamed.emplace_back(from, to);
      }
    }
    std::set<std::string> paths;
    for (const auto& e : m_base) paths.insert(e.first);
    for (const auto& e : m_theirs) paths.insert(e.first);
    for (const auto& path : paths) {
      if (done.count(path)) continue;
      check_interrupted();
      one(path);
    }
    return std::move(m_actions);
  }

 private:
  // Yours at `path`; behind a symlinked directory of yours (data/ on another disk is common)
  // it is "other": never read or written through, a conflict only if the template changes it.
  std::optional<Node> ours(const std::string& path) {
    try {
      check_parents(m_p.dir, path, m_removed_files);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::conflict) throw;
      return Node{Node::Kind::other, false, {}};
    }
    return read_node(m_p.dir / path);
  }

  void one(const std::string& path) {
    const auto b = find(m_base, path);
    const auto t = find(m_theirs, path);
    const auto o = ours(path);
    if (!b) {  // the template adds it
      if (!o) {
        write(path, *t);
        m_r.added.push_back(path);
      } else if (o->kind == Node::Kind::other && t->kind != Node::Kind::other && emptied_by_update(path)) {
        // A directory the template turns into a file (x/y -> x): its files all go, so does it.
        m_actions.push_back({Action::Op::remove_dir, path, {}, false});
        write(path, *t);
        m_r.added.push_back(path);
      } else if (!(*o == *t)) {
        merge_into(path, Node{t->kind, t->exec, {}}, *o, *t);  // both added: merged from nothing
      }
      return;
    }
    if (!t) {  // the template removes it
      if (!o) return;
      if (*o == *b) {
        m_actions.push_back({Action::Op::remove, path, {}, true});
        m_r.removed.push_back(path);
        if (o->kind == Node::Kind::file) m_removed_files.insert(path);  // the template may put a directory there
      } else {
        m_r.kept_changed.push_back(path);
      }
      return;
    }
    if (!o) {
      if (!(*b == *t)) m_r.kept_deleted.push_back(path);
      return;
    }
    if (*b == *t || *o == *t) return;
    merge_into(path, *b, *o, *t);
  }

  // `path` is a real directory of yours holding only files of the old version you never
  // changed, and the new version has nothing below it: the update removes every file in it.
  bool emptied_by_update(const std::string& path) {
    const stdfs::path root = m_p.dir / path;
    struct stat st {};
    if (::lstat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
    const std::string prefix = path + "/";
    if (auto it = m_theirs.lower_bound(prefix); it != m_theirs.end() && it->first.starts_with(prefix)) return false;
    std::error_code ec;
    for (stdfs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->symlink_status(ec).type() == stdfs::file_type::directory) continue;
      const auto old = find(m_base, prefix + it->path().lexically_relative(root).generic_string());
      const auto yours = read_node(it->path());
      if (!old || !yours || !(*yours == *old)) return false;
    }
    return !ec;
  }

  static std::optional<Node> find(const Tree& t, const std::string& path) {
    auto it = t.find(path);
    if (it == t.end()) return std::nullopt;
    return it->second;
  }

  void write(const std::string& path, const Node& n, bool stage = true) { m_actions.push_back({Action::Op::write, path, n, stage}); }

  // The result of merging b -> t into o, written at `path`: o's own path, or with `rename`
  // the template's new name for it (o then moves there even when nothing else changes).
  void merge_into(const std::string& path, const Node& b, const Node& o, const Node& t, bool rename = false) {
    auto record = [&] {
      if (!rename) m_r.updated.push_back(path);
    };
    if (o == b) {
      write(path, t);
      record();
      return;
    }
    if (o == t || b == t) {
      if (rename) write(path, o);
      return;
    }
    const bool exec = o.exec == b.exec ? t.exec : o.exec;
    const bool text = o.kind == Node::Kind::file && b.kind == Node::Kind::file && t.kind == Node::Kind::file && !has_nul(o.content) &&
                      !has_nul(b.content) && !has_nul(t.content);
    if (text && o.content == b.content) {  // only the mode changed here
      write(path, Node{Node::Kind::file, exec, t.content});
      record();
      return;
    }
    if (text) {
      const git::MergedFile m = git::merge_file(b.content, o.content, t.content, m_labels);
      if (m.clean) {
        write(path, Node{Node::Kind::file, exec, m.content});
        record();
        return;
      }
      m_r.conflicts.push_back(path);
      if (m_o.conflict == ConflictStyle::inline_markers) {
        write(path, Node{Node::Kind::file, exec, m.content}, false);
        return;
      }
      const git::MergedFile favoured = git::merge_file(b.content, o.content, t.content, m_labels, true);
      if (rename || favoured.content != o.content) write(path, Node{Node::Kind::file, exec, favoured.content}, false);
      reject(path, git::unified_diff(b.content, t.content, path));
      return;
    }
    // Binary files, symlinks, a directory of yours: yours stays; the template's file is beside it.
    m_r.conflicts.push_back(path);
    if (rename) write(path, o, false);
    if (o.kind != Node::Kind::other && t.kind == Node::Kind::file) {
      reject(path, t.content);
    } else {
      m_r.unreachable.push_back(path);
    }
  }

  void reject(const std::string& path, const std::string& content) {
    const std::string rej = path + ".rej";
    std::error_code ec;
    if (stdfs::exists(stdfs::symlink_status(m_p.dir / rej, ec)) || m_theirs.count(rej) != 0) {
      throw Error(ErrorKind::conflict,
                  (m_p.dir / rej).string() + " exists; the update would write the template's change to " + path + " there",
                  "move it away, or use --conflict inline");
    }
    check_parents(m_p.dir, rej);
    write(rej, Node{Node::Kind::file, false, content}, false);
    m_r.rejects.push_back(rej);
  }

  const Project& m_p;
  const UpdateOptions& m_o;
  UpdateResult& m_r;
  const Tree& m_base;
  const Tree& m_theirs;
  git::MergeLabels m_labels;
  std::vector<Action> m_actions;
  std::set<std::string> m_removed_files;  // sorted paths: a file comes before what goes below its name
};

// Template symlinks written into the project must lead inside it as it is (its own links and
// files included), exactly as init --force judges them.
void check_links(const Project& p, const Tree& theirs, const std::vector<Action>& actions) {
  ProjectEntries e;
  e.existing = p.dir;
  for (const auto& [path, n] : theirs) {
    add_parents(e, path);
    if (n.kind == Node::Kind::link) {
      e.links[path] = n.content;
    } else {
      e.files.insert(path);
    }
  }
  for (const auto& a : actions) {
    if (a.op != Action::Op::write || a.node.kind != Node::Kind::link) continue;
    e.links[a.path] = a.node.content;
    if (auto problem = link_problem(e, a.path)) {
      throw Error(ErrorKind::invalid_input, a.path + ": symlink to '" + printable(a.node.content) + "' " + *problem);
    }
  }
}

// Only empty directories go (rmdir): a file that appeared in one since the plan stops the update.
void remove_emptied_dir(const stdfs::path& root) {
  std::vector<stdfs::path> dirs{root};
  std::error_code ec;
  for (stdfs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->symlink_status(ec).type() == stdfs::file_type::directory) dirs.push_back(it->path());
  }
  std::sort(dirs.begin(), dirs.end(), [](const stdfs::path& a, const stdfs::path& b) { return a.native().size() > b.native().size(); });
  for (const auto& d : dirs) {
    if (::rmdir(d.c_str()) != 0 && errno != ENOENT)
      throw Error(ErrorKind::conflict, d.string() + " is not empty; the template puts a file in its place");
  }
}

void write_node(const stdfs::path& path, const Node& n) {
  if (n.kind == Node::Kind::other) throw Error(ErrorKind::conflict, path.string() + " is not a file the update can write");
  if (n.kind == Node::Kind::link) {
    const stdfs::path tmp = path.parent_path() / ("." + path.filename().string() + ".mlops-update-link");
    ::unlink(tmp.c_str());
    if (::symlink(n.content.c_str(), tmp.c_str()) != 0) throw_errno("cannot create symlink " + path.string());
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      ::unlink(tmp.c_str());
      throw_errno("cannot create symlink " + path.string());
    }
    return;
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw Error(ErrorKind::conflict, path.string() + " is a directory");
  const mode_t mask = ::umask(0);  // as init creates files: 0666 or 0777 less the umask
  ::umask(mask);
  fs::write_file_atomic(path, n.content, stdfs::perms((n.exec ? 0777 : 0666) & ~mask));
}

std::string commit_message(const UpdateResult& r) {
  std::string msg = "Update project from mlops template " + r.name + " " + version_text(r.from) + " to " + version_text(r.to);
  msg += "\n\nTemplate: " + std::string(to_string(r.source)) + " " + r.location + "\n";
  return msg;
}

bool same_answers(const AnswersFile& a, const std::string& yaml, const stdfs::path& scratch) {
  const stdfs::path f = scratch / "answers.yaml";
  fs::write_file_atomic(f, yaml, stdfs::perms(0600), false);
  const AnswersFile b = load_answers_file(f);
  if (!a.recorded || !b.recorded) return false;
  const auto &x = *a.recorded, &y = *b.recorded;
  return a.answers == b.answers && x.version == y.version && x.origin.commit == y.origin.commit && x.origin.ref == y.origin.ref &&
         x.origin.location == y.origin.location && x.name == y.name;
}

}  // namespace

UpdateResult update_project(const UpdateOptions& o) {
  Project p = open_project(o.project, true);
  UpdateResult r;
  r.project = p.dir;
  r.name = p.rec.name;
  r.source = p.rec.origin.kind;
  r.location = p.rec.origin.location;
  if (p.repo.busy)
    throw Error(ErrorKind::conflict, "a merge, rebase or similar is in progress in " + p.repo.worktree.string(), "finish it first");
  if (p.repo.branch.empty())
    throw Error(ErrorKind::conflict, "HEAD is detached in " + p.repo.worktree.string(), "check out a branch first");
  if (p.repo.head.empty()) throw Error(ErrorKind::conflict, "the repository has no commit yet", "commit the project first");
  check_no_pending_update(p.repo);
  const auto dirty = git::dirty_files(p.repo.worktree);
  if (!dirty.empty()) {
    std::string list;
    for (std::size_t i = 0; i < dirty.size() && i < 10; ++i) list += (list.empty() ? "" : ", ") + printable(dirty[i]);
    if (dirty.size() > 10) list += " and " + std::to_string(dirty.size() - 10) + " more";
    throw Error(ErrorKind::conflict, "uncommitted changes: " + list,
                "commit or stash them first; the update is then one commit you can review or revert");
  }

  check_source_exists(p.rec);
  const Loaded theirs = load_theirs(p.rec, o.to);
  const Loaded base = load_base(p.rec);
  r.from = base.version;
  r.to = theirs.version;
  if (r.name.empty()) r.name = base.tpl.manifest.name;
  if (theirs.tpl.manifest.name != base.tpl.manifest.name) {
    log::warn("the template's name changed from '{}' to '{}'", base.tpl.manifest.name, theirs.tpl.manifest.name);
  }

  const Builtins builtins = make_builtins(p.dir);
  r.answers = resolve_for(theirs.tpl, builtins, p.answers.answers, o.set, o.use_defaults, o.prompter);
  for (const auto& q : theirs.tpl.manifest.questions) {
    if (p.answers.answers.count(q.name) == 0 && !q.secret) r.new_questions.push_back(q.name);
  }
  // Base: the recorded answers; a secret (never recorded) as given now, else its default.
  std::map<std::string, std::vector<std::string>> base_set;
  for (const auto& q : base.tpl.manifest.questions) {
    if (!q.secret) continue;
    if (const Value* v = r.answers.find(q.name)) base_set[q.name] = {to_display(*v)};
  }
  const Answers base_answers = resolve_for(base.tpl, builtins, p.answers.answers, base_set, true, nullptr);

  remove_stale_temp_dirs({}, "mlops-update-");
  const fs::TempDir work = make_owned_temp_dir({}, "mlops-update-");
  const Rendered base_tree = render(base.tpl, base_answers, builtins, o.trust, work.path() / "base" / p.dir.filename());
  const Rendered theirs_tree = render(theirs.tpl, r.answers, builtins, o.trust, work.path() / "theirs" / p.dir.filename());
  r.hooks_skipped = theirs_tree.hooks_skipped;

  std::vector<Action> actions = Merger(p, o, r, base_tree.files, theirs_tree.files).run(work.path());
  check_links(p, theirs_tree.files, actions);
  for (auto* list : {&r.updated, &r.added, &r.removed, &r.conflicts, &r.unreachable, &r.kept_deleted, &r.kept_changed})
    std::sort(list->begin(), list->end());

  if (actions.empty() && same_answers(p.answers, theirs_tree.answers_yaml, work.path())) {
    r.up_to_date = true;
    return r;
  }
  actions.push_back({Action::Op::write, k_answers_file, Node{Node::Kind::file, false, theirs_tree.answers_yaml}, true});
  std::set<std::string> removed;
  for (const auto& a : actions) {
    if (a.op == Action::Op::remove) removed.insert(a.path);
  }
  for (const auto& a : actions) check_parents(p.dir, a.path, removed);

  // Removes first, so that a file can take the place of a directory the update empties.
  std::stable_sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) { return a.op > b.op; });
  if (o.dry_run) {
    for (const auto& a : actions) {
      if (a.op == Action::Op::remove_dir) continue;
      auto now = read_node(p.dir / a.path);
      const std::string before = now && now->kind == Node::Kind::file ? now->content : "";
      const std::string after = a.op == Action::Op::write && a.node.kind == Node::Kind::file ? a.node.content : "";
      r.diff += git::unified_diff(before, after, a.path);
    }
    return r;
  }

  // Everything that will change is saved first (update_state.cpp), so --abort or a killed
  // run's next --abort can put it back; only then is the project touched.
  std::vector<std::string> touched;
  std::set<std::string> replaced_dirs;
  for (const auto& a : actions) {
    if (a.op == Action::Op::remove_dir) replaced_dirs.insert(a.path);
    else touched.push_back(a.path);
  }
  save_state(p.repo, p.dir, p.prefix, touched, version_text(r.to), replaced_dirs);
  try {
    std::vector<std::string> stage_add, stage_remove;
    for (const auto& a : actions) {
      check_interrupted();
      const stdfs::path path = p.dir / a.path;
      if (a.op == Action::Op::remove) {
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove " + path.string());
        stage_remove.push_back(p.prefix + a.path);
        continue;
      }
      if (a.op == Action::Op::remove_dir) {
        remove_emptied_dir(path);
        continue;
      }
      std::error_code ec;
      stdfs::create_directories(path.parent_path(), ec);
      if (ec) throw Error(ErrorKind::io, "cannot create " + path.parent_path().string() + ": " + ec.message());
      write_node(path, a.node);
      if (a.stage) stage_add.push_back(p.prefix + a.path);
    }
    git::stage(p.repo.worktree, stage_add, stage_remove);
    if (r.conflicts.empty()) r.commit = git::commit_index(p.repo.worktree, commit_message(r), p.repo.head);
  } catch (...) {
    // Half an update is worse than none: put back what was written (the state says what).
    try {
      restore_state(p.repo);
    } catch (const Error& e) {
      log::warn("the update failed and could not be undone ({}); run: mlops update --abort", e.what());
    }
    throw;
  }
  if (r.conflicts.empty()) finish_state(p.repo);
  else mark_stopped(p.repo);
  return r;
}

std::vector<std::string> abort_update(const std::filesystem::path& project) {
  const Project p = open_project(project, false);
  return restore_state(p.repo);
}

UpdateCheck check_update(const std::filesystem::path& project) {
  const Project p = open_project(project, true);
  UpdateCheck c;
  c.name = p.rec.name;
  c.source = p.rec.origin.kind;
  c.location = p.rec.origin.location;
  c.current = {p.rec.version, p.rec.origin.ref, p.rec.origin.commit};
  check_source_exists(p.rec);
  auto newer_than_current = [&](const std::string& latest) {
    const auto cur = parse_version(!c.current.ref.empty() && parse_version(c.current.ref) ? c.current.ref : c.current.version);
    const auto lat = parse_version(latest);
    if (cur && lat) return compare_versions(*lat, *cur) > 0;
    return false;
  };
  if (c.source == TemplateOrigin::Kind::builtin) {
    c.latest.version = builtin_version(p.rec.origin.location);
    if (c.latest.version.empty()) {
      throw Error(ErrorKind::not_found, "this mlops has no built-in template '" + printable(p.rec.origin.location) + "'");
    }
    c.newer = newer_than_current(c.latest.version);
    return c;
  }
  bool plain_dir = false;
  try {
    c.latest = target_in_repo(p.rec.origin.location, "", plain_dir);
  } catch (const Error& e) {
    if (c.source != TemplateOrigin::Kind::path) throw;
    plain_dir = true;
  }
  if (!plain_dir) {
    c.newer = newer_than_current(c.latest.ref) ||
              (!parse_version(c.current.ref.empty() ? c.current.version : c.current.ref) && c.latest.commit != c.current.commit);
    return c;
  }
  if (c.source == TemplateOrigin::Kind::path) {
    const Template now = load_template(p.rec.origin.location);
    c.latest = {now.manifest.version, "", now.origin.commit};
    c.newer = newer_than_current(now.manifest.version) ||
              (!now.origin.commit.empty() && !c.current.commit.empty() && now.origin.commit != c.current.commit);
  } else {
    c.latest.version.clear();
    c.newer = !c.latest.commit.empty() && c.latest.commit != c.current.commit;
  }
  return c;
}

AdoptResult adopt_template(const AdoptOptions& o) {
  Project p = open_project(o.project, false);
  check_no_pending_update(p.repo);
  AdoptResult out;
  if (o.template_spec.empty()) throw Error(ErrorKind::usage, "--adopt needs --template SRC: the template the project came from");
  const bool builtin = !builtin_version(o.template_spec).empty();
  if (builtin && !o.to.empty()) {
    out.tpl = load_builtin_version(o.template_spec, o.to);
  } else if (!o.to.empty() && looks_like_git_url(o.template_spec)) {
    out.tpl = load_template(o.template_spec, o.to);
  } else if (!o.to.empty()) {
    Template dir = load_template(o.template_spec);  // a local directory: read at that ref through git
    out.tpl = load_git_at(dir.origin.location, o.to);
    out.tpl.origin = {TemplateOrigin::Kind::path, dir.origin.location, dir.origin.location, o.to, out.tpl.origin.commit};
  } else {
    out.tpl = load_template(o.template_spec);
  }
  const stdfs::path file = p.dir / k_answers_file;
  std::map<std::string, std::vector<std::string>> previous;
  std::error_code ec;
  if (stdfs::is_regular_file(stdfs::symlink_status(file, ec))) previous = load_answers_file(file).answers;
  const Builtins builtins = make_builtins(p.dir);
  out.answers = resolve_for(out.tpl, builtins, previous, o.set, o.use_defaults, o.prompter);
  check_parents(p.dir, k_answers_file);
  const auto dirty = git::uncommitted_changes(p.repo.worktree, {p.prefix + k_answers_file});
  if (!dirty.empty()) throw Error(ErrorKind::conflict, file.string() + " has uncommitted changes", "commit or stash them first");
  stdfs::create_directories(file.parent_path(), ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + file.parent_path().string() + ": " + ec.message());
  fs::write_file_atomic(file, answers_yaml(out.tpl, out.answers));
  const auto c = git::commit_paths(
      p.repo.worktree, {p.prefix + k_answers_file},
      "Record mlops template " + out.tpl.manifest.name + " " + out.tpl.manifest.version + " as the one this project follows\n");
  if (c && !c->unchanged) out.commit = c->id;
  return out;
}

}  // namespace mlops::scaffold
