// SPDX-License-Identifier: MIT
#include "git/refs_files.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <algorithm>
#include <map>

namespace mlops::git {
namespace {

namespace stdfs = std::filesystem;

bool is_hex_oid(std::string_view s) {
  if (s.size() != 40) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<std::string> read_text(const stdfs::path& p) {
  try {
    return fs::read_file(p);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::optional<RepoDirs> find_repo_dirs(const stdfs::path& cwd) {
  std::error_code ec;
  stdfs::path dir = stdfs::absolute(cwd, ec).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();
  for (;;) {
    const stdfs::path dotgit = dir / ".git";
    const auto st = stdfs::status(dotgit, ec);
    if (!ec && stdfs::is_directory(st)) return RepoDirs{dir, dotgit, dotgit};
    if (!ec && stdfs::is_regular_file(st)) {
      const auto text = read_text(dotgit);
      if (!text || text->rfind("gitdir: ", 0) != 0) return std::nullopt;
      stdfs::path gitdir = trim(text->substr(8));
      if (gitdir.is_relative()) gitdir = dir / gitdir;
      gitdir = gitdir.lexically_normal();
      const stdfs::path own = gitdir;
      if (const auto common = read_text(gitdir / "commondir")) {
        stdfs::path c = trim(*common);
        gitdir = (c.is_relative() ? gitdir / c : c).lexically_normal();
      }
      return RepoDirs{dir, gitdir, own};
    }
    if (dir == dir.root_path() || !dir.has_parent_path()) return std::nullopt;
    dir = dir.parent_path();
  }
}

std::optional<RefList> read_refs(const stdfs::path& gitdir, const std::string& prefix) {
  // A reftable repository keeps no packed-refs or loose files: leave it to libgit2.
  const auto config = read_text(gitdir / "config");
  if (!config || config->find("refstorage") != std::string::npos || config->find("refStorage") != std::string::npos) {
    return std::nullopt;
  }
  std::map<std::string, std::string> refs;
  std::map<std::string, std::string> bad;
  std::error_code ec;
  const stdfs::path packed_path = gitdir / "packed-refs";
  if (const auto packed = read_text(packed_path)) {
    size_t pos = 0;
    while (pos < packed->size()) {
      size_t nl = packed->find('\n', pos);
      if (nl == std::string::npos) nl = packed->size();
      const std::string_view line(packed->data() + pos, nl - pos);
      pos = nl + 1;
      if (line.empty() || line[0] == '#' || line[0] == '^') continue;  // header, peeled tag ids
      const size_t space = line.find(' ');
      if (space == std::string_view::npos) continue;  // not a ref line, and so not one of ours
      std::string_view name = line.substr(space + 1);
      if (!name.empty() && name.back() == '\r') name.remove_suffix(1);
      if (name.compare(0, prefix.size(), prefix) != 0) continue;
      if (!is_hex_oid(line.substr(0, space))) {
        bad[std::string(name)] = "its packed-refs line holds no object id";
        continue;
      }
      refs[std::string(name)] = std::string(line.substr(0, space));
    }
  } else if (stdfs::exists(packed_path, ec)) {
    return std::nullopt;  // there but unreadable
  }
  // Loose refs win over packed ones.
  const stdfs::path loose = gitdir / prefix;
  if (stdfs::is_directory(loose, ec)) {
    for (auto it = stdfs::recursive_directory_iterator(loose, ec); !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string rel = it->path().lexically_relative(gitdir).generic_string();
      std::error_code sec;
      const auto st = it->symlink_status(sec);
      if (sec) return std::nullopt;
      if (stdfs::is_directory(st)) continue;
      if (rel.size() > 5 && rel.compare(rel.size() - 5, 5, ".lock") == 0) continue;  // a writer is at work
      if (!stdfs::is_regular_file(st)) {
        refs.erase(rel);
        bad[rel] = stdfs::is_symlink(st) ? "it is a symbolic link" : "it is not a file";
        continue;
      }
      const auto text = read_text(it->path());
      if (!text) {
        if (!stdfs::exists(it->path(), sec)) continue;  // deleted since the directory was read
        return std::nullopt;
      }
      const std::string oid = trim(*text);
      if (!is_hex_oid(oid)) {
        refs.erase(rel);
        bad[rel] = oid.rfind("ref:", 0) == 0 ? "it is a symbolic ref" : "it holds no object id";
        continue;
      }
      bad.erase(rel);
      refs[rel] = oid;
    }
    if (ec) return std::nullopt;
  }
  RefList out;
  out.refs.assign(refs.begin(), refs.end());
  out.bad.assign(bad.begin(), bad.end());
  return out;
}

}  // namespace mlops::git
