// SPDX-License-Identifier: MIT
#include "scaffold/links.hpp"

#include "scaffold/names.hpp"

#include <mlops/error.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <vector>

namespace mlops::scaffold {
namespace {

// Linux gives up after 40 links in one lookup (ELOOP).
constexpr int k_max_hops = 40;

enum class Kind { missing, file, dir, link };
struct Entry {
  Kind kind = Kind::missing;
  std::string target;  // for a link
};

std::vector<std::string> components(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('/', start);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join_path(const std::vector<std::string>& dir, const std::string& name) {
  std::string out;
  for (const auto& d : dir) out += d + "/";
  return out + name;
}

bool is_git_dir(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s == ".git";
}

Entry lookup(const ProjectEntries& e, const std::string& path) {
  if (auto it = e.links.find(path); it != e.links.end()) return {Kind::link, it->second};
  if (e.files.count(path) != 0) return {Kind::file, {}};
  if (e.dirs.count(path) != 0) return {Kind::dir, {}};
  if (e.existing.empty()) return {};
  // Only directories are ever entered, so `path` names what the kernel would find there.
  const std::filesystem::path real = e.existing / path;
  struct stat st {};
  if (::lstat(real.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return {};
    throw_errno("cannot inspect " + real.string());
  }
  if (S_ISDIR(st.st_mode)) return {Kind::dir, {}};
  if (!S_ISLNK(st.st_mode)) return {Kind::file, {}};
  std::error_code ec;
  const std::string target = std::filesystem::read_symlink(real, ec).string();
  if (ec) throw Error(ErrorKind::io, "cannot read the symlink " + real.string() + ": " + ec.message());
  return {Kind::link, target};
}

}  // namespace

void add_parents(ProjectEntries& e, const std::string& path) {
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    e.dirs.insert(path.substr(0, slash));
  }
}

std::optional<std::string> link_problem(const ProjectEntries& e, const std::string& path) {
  const std::string& target = e.links.at(path);
  if (target.empty()) return "is empty";
  // A NUL would cut the target short where the link is made; the others hide what it is.
  if (has_control_character(target)) return "holds a control character";
  std::vector<std::string> dir = components(path);
  dir.pop_back();  // a relative link starts from the directory holding it
  std::deque<std::string> todo;
  std::string via, via_target;  // the last link followed after the first, for the message
  auto outside = [&]() {
    return via.empty() ? std::string("points outside the project")
                       : "points outside the project through " + printable(via) + " (-> '" + printable(via_target) + "')";
  };
  auto follow = [&](const std::string& where, const std::string& to) -> std::optional<std::string> {
    if (!where.empty()) {
      via = where;
      via_target = to;
    }
    if (to.empty() || to[0] == '/') return outside();
    const auto parts = components(to);
    todo.insert(todo.begin(), parts.begin(), parts.end());
    return std::nullopt;
  };
  if (auto p = follow("", target)) return p;

  int hops = 1;
  while (!todo.empty()) {
    const std::string c = todo.front();
    todo.pop_front();
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (dir.empty()) return outside();
      dir.pop_back();
      continue;
    }
    if (is_git_dir(c)) return std::string("points into .git");
    const bool last = std::all_of(todo.begin(), todo.end(), [](const std::string& t) { return t.empty() || t == "."; });
    const std::string here = join_path(dir, c);
    const Entry found = lookup(e, here);
    switch (found.kind) {
      case Kind::link:
        if (++hops > k_max_hops) {
          return "cannot be resolved inside the project (more than " + std::to_string(k_max_hops) +
                 " symlinks in a row, or a loop), so it counts as pointing outside it";
        }
        if (auto p = follow(here, found.target)) return p;
        break;
      case Kind::dir: dir.push_back(c); break;
      case Kind::file:
      case Kind::missing:
        if (last) return std::nullopt;  // ends at a file, or dangles at a name inside the project
        return "cannot be resolved inside the project (" + printable(here) +
               (found.kind == Kind::file ? " is not a directory" : " does not exist") + "), so it counts as pointing outside it";
    }
  }
  return std::nullopt;  // a directory inside the project
}

}  // namespace mlops::scaffold
