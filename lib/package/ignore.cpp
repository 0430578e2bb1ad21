// SPDX-License-Identifier: MIT
#include "package/ignore.hpp"

#include "core/fd.hpp"
#include "core/log.hpp"
#include "core/xdg.hpp"
#include "git/index_file.hpp"
#include "git/libgit2.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace mlops::package {

// ---- wildmatch ----

namespace {

enum class Wm { match, no_match, abort_all, abort_to_starstar };

unsigned char lower(unsigned char c) { return static_cast<unsigned char>(std::tolower(c)); }

bool in_named_class(std::string_view name, unsigned char c, bool icase, bool& known) {
  known = true;
  if (name == "alnum") return std::isalnum(c) != 0;
  if (name == "alpha") return std::isalpha(c) != 0;
  if (name == "blank") return c == ' ' || c == '\t';
  if (name == "cntrl") return std::iscntrl(c) != 0;
  if (name == "digit") return std::isdigit(c) != 0;
  if (name == "graph") return std::isgraph(c) != 0;
  if (name == "lower") return std::islower(c) != 0 || (icase && std::isupper(c) != 0);
  if (name == "print") return std::isprint(c) != 0;
  if (name == "punct") return std::ispunct(c) != 0;
  if (name == "space") return std::isspace(c) != 0;
  if (name == "upper") return std::isupper(c) != 0 || (icase && std::islower(c) != 0);
  if (name == "xdigit") return std::isxdigit(c) != 0;
  known = false;
  return false;
}

// A bracket expression starting at p[i] == '['. Sets `end` to the index after its ']'.
// Returns abort_all for an unterminated or malformed one (git does the same).
Wm match_class(std::string_view p, std::size_t i, unsigned char t, bool icase, std::size_t& end) {
  const auto at = [&](std::size_t k) -> unsigned char { return k < p.size() ? static_cast<unsigned char>(p[k]) : 0; };
  std::size_t k = i + 1;
  bool negated = false;
  if (at(k) == '!' || at(k) == '^') {
    negated = true;
    ++k;
  }
  bool matched = false;
  unsigned char prev = 0;  // the previous member, for a range; 0 after a range or a class
  bool first = true;
  for (;; first = false) {
    unsigned char c = at(k);
    if (k >= p.size()) return Wm::abort_all;
    if (c == ']' && !first) break;
    if (c == '\\') {
      ++k;
      if (k >= p.size()) return Wm::abort_all;
      c = at(k);
      if (t == c || (icase && lower(t) == lower(c))) matched = true;
      prev = c;
    } else if (c == '-' && prev != 0 && k + 1 < p.size() && at(k + 1) != ']') {
      ++k;
      unsigned char hi = at(k);
      if (hi == '\\') {
        ++k;
        if (k >= p.size()) return Wm::abort_all;
        hi = at(k);
      }
      if (t >= prev && t <= hi) matched = true;
      if (icase && (std::isupper(t) || std::islower(t))) {
        const unsigned char u = static_cast<unsigned char>(std::toupper(t)), l = lower(t);
        if ((u >= prev && u <= hi) || (l >= prev && l <= hi)) matched = true;
      }
      prev = 0;
    } else if (c == '[' && at(k + 1) == ':') {
      const std::size_t name_start = k + 2;
      std::size_t close = name_start;
      while (close < p.size() && p[close] != ']') ++close;
      if (close >= p.size()) return Wm::abort_all;
      if (close == name_start || p[close - 1] != ':') {
        // Not "[:name:]": a plain '[' member.
        if (t == '[') matched = true;
        prev = '[';
      } else {
        bool known = false;
        if (in_named_class(p.substr(name_start, close - 1 - name_start), t, icase, known)) matched = true;
        if (!known) return Wm::abort_all;
        k = close;
        prev = 0;
      }
    } else {
      if (t == c || (icase && lower(t) == lower(c))) matched = true;
      prev = c;
    }
    ++k;
  }
  end = k + 1;
  if (matched == negated || t == '/') return Wm::no_match;
  return Wm::match;
}

Wm match_from(std::string_view p, std::size_t pi, std::string_view t, std::size_t ti, bool icase) {
  while (pi < p.size()) {
    const auto pc = static_cast<unsigned char>(p[pi]);
    if (ti >= t.size() && pc != '*') return Wm::abort_all;
    const auto tc = ti < t.size() ? static_cast<unsigned char>(t[ti]) : 0;
    switch (pc) {
      case '?':
        if (tc == '/') return Wm::no_match;
        ++pi;
        ++ti;
        continue;
      case '[': {
        std::size_t end = 0;
        const Wm r = match_class(p, pi, tc, icase, end);
        if (r != Wm::match) return r;
        pi = end;
        ++ti;
        continue;
      }
      case '*': {
        const std::size_t first_star = pi;
        ++pi;
        bool crosses = false;  // this star may match '/'
        if (pi < p.size() && p[pi] == '*') {
          while (pi < p.size() && p[pi] == '*') ++pi;
          const bool after_slash = first_star == 0 || p[first_star - 1] == '/';
          const bool before_slash = pi == p.size() || p[pi] == '/' || (p[pi] == '\\' && pi + 1 < p.size() && p[pi + 1] == '/');
          if (after_slash && before_slash) {
            // "**/" may also match no directory at all. When that runs out of text, taking
            // directories first leaves even less: stop there too (without this, every
            // "**/" doubles the work: a chain of them is exponential).
            if (pi < p.size() && p[pi] == '/') {
              const Wm r = match_from(p, pi + 1, t, ti, icase);
              if (r == Wm::match || r == Wm::abort_all) return r;
            }
            crosses = true;
          }
          // Elsewhere "**" is one '*'.
        }
        if (pi == p.size()) {
          // A star at the end takes the rest, unless that crosses a '/' it may not.
          if (!crosses && t.find('/', ti) != std::string_view::npos) return Wm::abort_to_starstar;
          return Wm::match;
        }
        if (!crosses && p[pi] == '/') {
          // "*/": the star takes the rest of this component.
          const auto slash = t.find('/', ti);
          if (slash == std::string_view::npos) return Wm::abort_all;
          ti = slash;
          continue;
        }
        for (;; ++ti) {
          if (ti >= t.size()) return Wm::abort_all;
          const Wm r = match_from(p, pi, t, ti, icase);
          if (r != Wm::no_match) {
            if (!crosses || r != Wm::abort_to_starstar) return r;
          } else if (!crosses && t[ti] == '/') {
            return Wm::abort_to_starstar;
          }
        }
      }
      case '\\':
        // The next character literally; a '\' that ends the pattern matches nothing.
        ++pi;
        if (pi >= p.size()) return Wm::no_match;
        [[fallthrough]];
      default: {
        const auto lit = static_cast<unsigned char>(p[pi]);
        if (tc != lit && !(icase && lower(tc) == lower(lit))) return Wm::no_match;
        ++pi;
        ++ti;
        continue;
      }
    }
  }
  return ti == t.size() ? Wm::match : Wm::no_match;
}

}  // namespace

bool wildmatch(std::string_view pattern, std::string_view text, bool icase) { return match_from(pattern, 0, text, 0, icase) == Wm::match; }

// ---- ignore files ----

IgnoreFile parse_ignore_file(std::string_view text, std::string base, std::string source) {
  IgnoreFile f{std::move(base), std::move(source), {}};
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
  int line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#' || line.size() > 4096) continue;
    // Trailing spaces go, unless the last one is escaped.
    std::size_t end = line.size();
    while (end > 0 && line[end - 1] == ' ') {
      std::size_t backslashes = 0;
      while (backslashes + 1 < end && line[end - 2 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 1) break;
      --end;
    }
    line = line.substr(0, end);
    IgnorePattern pat;
    pat.line = line_no;
    if (!line.empty() && line.front() == '!') {
      pat.negated = true;
      line.remove_prefix(1);
    }
    if (!line.empty() && line.back() == '/') {
      pat.dir_only = true;
      line.remove_suffix(1);
    }
    if (line.empty()) continue;
    pat.anchored = line.find('/') != std::string_view::npos;
    if (line.front() == '/') line.remove_prefix(1);
    if (line.empty()) continue;
    pat.pattern = std::string(line);
    constexpr std::string_view specials = "*?[\\";
    if (pat.pattern.find_first_of(specials) == std::string::npos) {
      pat.shape = IgnorePattern::Shape::literal;
    } else if (pat.pattern.front() == '*' && pat.pattern.find_first_of(specials, 1) == std::string::npos) {
      pat.shape = IgnorePattern::Shape::suffix;
    }
    f.patterns.push_back(std::move(pat));
  }
  return f;
}

const IgnorePattern* last_match(const IgnoreFile& file, std::string_view path, bool is_dir, bool icase) {
  if (path.substr(0, file.base.size()) != file.base) return nullptr;
  const std::string_view below = path.substr(file.base.size());
  const auto slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto same = [icase](std::string_view a, std::string_view b) {
    return a.size() == b.size() && (a == b || (icase && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                                                 return lower(static_cast<unsigned char>(x)) == lower(static_cast<unsigned char>(y));
                                               })));
  };
  for (auto it = file.patterns.rbegin(); it != file.patterns.rend(); ++it) {
    if (it->dir_only && !is_dir) continue;
    const std::string_view text = it->anchored ? below : name;
    bool hit = false;
    switch (it->shape) {
      case IgnorePattern::Shape::literal: hit = same(it->pattern, text); break;
      case IgnorePattern::Shape::suffix: {
        // "*" + suffix: the star may not take a '/'.
        const std::string_view suffix = std::string_view(it->pattern).substr(1);
        hit = text.size() >= suffix.size() && same(text.substr(text.size() - suffix.size()), suffix) &&
              text.substr(0, text.size() - suffix.size()).find('/') == std::string_view::npos;
        break;
      }
      case IgnorePattern::Shape::glob: hit = wildmatch(it->pattern, text, icase); break;
    }
    if (hit) return &*it;
  }
  return nullptr;
}

// ---- the rules of a build ----

struct Exclusions::Level {
  LevelPtr parent;
  std::string dir;  // root-relative, "" or ending in '/'
  std::optional<IgnoreFile> gitignore, mlopsignore;
  bool git_rules = true;
  // Git ignores this directory but it holds tracked files: its untracked files are ignored
  // (git never looks inside an ignored directory for exceptions), with this reason.
  std::optional<std::string> git_excluded;
};

namespace {

std::string reason(const IgnoreFile& f, const IgnorePattern& p) {
  return f.source + ":" + std::to_string(p.line) + ": " + (p.negated ? "!" : "") + p.pattern + (p.dir_only ? "/" : "");
}

// The file's text, or nullopt when there is none (the common case: one failed open, no stat).
std::optional<std::string> read_if_there(const stdfs::path& p) {
  // O_NONBLOCK: a FIFO in its place would block the open; it is then skipped as not regular.
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) {
    if (errno != ENOENT && errno != ENOTDIR) log::warn("cannot read {}: {}", p.string(), std::strerror(errno));
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::string text;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      log::warn("cannot read {}: {}", p.string(), std::strerror(errno));
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > (1u << 20)) break;  // more than any ignore file needs: the rest is not read
  }
  return text;
}

}  // namespace

Exclusions::Exclusions(const stdfs::path& project) : m_root(project) {
  using namespace mlops::git;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, project.c_str(), 0, nullptr) != 0) return;
  RepositoryPtr repo(raw);
  const char* workdir = git_repository_workdir(raw);
  if (workdir == nullptr) return;  // bare
  std::error_code ec;
  const stdfs::path root = stdfs::weakly_canonical(workdir, ec);
  const stdfs::path here = stdfs::weakly_canonical(project, ec);
  const stdfs::path rel = here.lexically_relative(root);
  if (ec || rel.empty() || *rel.begin() == "..") return;
  m_in_git = true;
  m_root = root;
  m_prefix = rel == "." ? "" : rel.generic_string() + "/";

  git_config* cfg = nullptr;
  if (git_repository_config_snapshot(&cfg, raw) == 0) {
    ConfigPtr config(cfg);
    int icase = 0;
    if (git_config_get_bool(&icase, cfg, "core.ignorecase") == 0) m_icase = icase != 0;
    git_buf buf{};
    stdfs::path excludes;
    if (git_config_get_path(&buf, cfg, "core.excludesfile") == 0) {
      excludes = buf.ptr;
      git_buf_dispose(&buf);
    } else if (const stdfs::path config_dir = xdg::config_home(); !config_dir.empty()) {
      excludes = config_dir / "git" / "ignore";
    }
    const char* common = git_repository_commondir(raw);
    if (common != nullptr) {
      if (auto text = read_if_there(stdfs::path(common) / "info" / "exclude"))
        m_global.push_back(parse_ignore_file(*text, "", ".git/info/exclude"));
    }
    if (!excludes.empty()) {
      if (auto text = read_if_there(excludes)) m_global.push_back(parse_ignore_file(*text, "", excludes.string()));
    }
  }
  if (const char* gitdir = git_repository_path(raw)) m_index_file = stdfs::path(gitdir) / "index";
}

bool Exclusions::tracked(const std::string& path, bool is_dir) const {
  if (!m_tracked) {
    m_tracked.emplace();
    try {
      for (auto& e : git::read_index(m_index_file).entries) m_tracked->push_back(std::move(e.path));
      std::sort(m_tracked->begin(), m_tracked->end());  // by path already; stages may repeat one
    } catch (const Error& e) {
      log::warn("cannot read the git index ({}): tracked files that .gitignore matches are left out of the package", e.what());
    }
  }
  if (!is_dir) return std::binary_search(m_tracked->begin(), m_tracked->end(), path);
  const std::string prefix = path + "/";
  const auto it = std::lower_bound(m_tracked->begin(), m_tracked->end(), prefix);
  return it != m_tracked->end() && it->compare(0, prefix.size(), prefix) == 0;
}

Exclusions::~Exclusions() = default;

std::optional<IgnoreFile> Exclusions::read(const std::string& dir, const char* name) const {
  auto text = read_if_there(m_root / (dir + name));
  if (!text) return std::nullopt;
  return parse_ignore_file(*text, dir, dir + name);
}

Exclusions::LevelPtr Exclusions::listed(const std::string& rel, bool git_rules) const {
  // Every directory from the root down to the listed one gets a level of its own.
  LevelPtr level;
  std::string dir;
  const std::string target = m_prefix + rel + "/";
  for (;;) {
    auto l = std::make_shared<Level>();
    l->parent = level;
    l->dir = dir;
    l->git_rules = git_rules;
    if (git_rules && m_in_git) l->gitignore = read(dir, ".gitignore");
    if (dir.size() >= m_prefix.size()) l->mlopsignore = read(dir, ".mlopsignore");
    level = l;
    if (dir == target) break;
    const auto next = target.find('/', dir.size());
    dir = target.substr(0, next + 1);
  }
  return level;
}

Exclusions::LevelPtr Exclusions::enter(const LevelPtr& parent, const std::string& rel) const {
  auto l = std::make_shared<Level>();
  l->parent = parent;
  l->dir = m_prefix + rel + "/";
  l->git_rules = parent->git_rules;
  l->git_excluded = parent->git_excluded;
  if (l->git_rules && m_in_git) l->gitignore = read(l->dir, ".gitignore");
  l->mlopsignore = read(l->dir, ".mlopsignore");
  // A directory git ignores but that holds tracked files: entered (for the tracked ones),
  // its untracked files ignored. .mlopsignore re-including it lifts that.
  if (!l->git_excluded && l->git_rules && m_in_git) {
    const std::string path = m_prefix + rel;
    bool mlops_decided = false;
    for (const Level* x = parent.get(); x != nullptr && !mlops_decided; x = x->parent.get()) {
      if (x->mlopsignore) mlops_decided = last_match(*x->mlopsignore, path, true, m_icase) != nullptr;
    }
    if (!mlops_decided) l->git_excluded = git_verdict(parent.get(), path, true);
  }
  // Inside a directory git ignores, git reads no .gitignore.
  if (l->git_excluded) l->gitignore.reset();
  return l;
}

std::optional<std::string> Exclusions::git_verdict(const Level* level, const std::string& path, bool is_dir) const {
  for (const Level* x = level; x != nullptr; x = x->parent.get()) {
    if (!x->gitignore) continue;
    if (const IgnorePattern* p = last_match(*x->gitignore, path, is_dir, m_icase)) {
      if (p->negated) return std::nullopt;
      return reason(*x->gitignore, *p);
    }
  }
  for (const auto& g : m_global) {
    if (const IgnorePattern* p = last_match(g, path, is_dir, m_icase)) {
      if (p->negated) return std::nullopt;
      return reason(g, *p);
    }
  }
  return std::nullopt;
}

std::optional<std::string> Exclusions::excluded(const LevelPtr& level, const std::string& rel, bool is_dir) const {
  const std::string path = m_prefix + rel;
  // .mlopsignore first: its rules, negations included, override git's.
  for (const Level* x = level.get(); x != nullptr; x = x->parent.get()) {
    if (!x->mlopsignore) continue;
    if (const IgnorePattern* p = last_match(*x->mlopsignore, path, is_dir, m_icase)) {
      if (p->negated) return std::nullopt;
      return reason(*x->mlopsignore, *p);
    }
  }
  if (!level->git_rules || !m_in_git) return std::nullopt;
  std::optional<std::string> why = level->git_excluded;
  if (!why) why = git_verdict(level.get(), path, is_dir);
  // Tracked (or holding tracked files): git does not ignore it; enter() handles the rest.
  if (why && tracked(path, is_dir)) return std::nullopt;
  return why;
}

}  // namespace mlops::package
