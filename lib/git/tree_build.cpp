// SPDX-License-Identifier: MIT
#include "git/tree_build.hpp"

#include "git/libgit2.hpp"

#include <mlops/error.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace mlops::git {
namespace {

void append_entry(std::string& tree, std::uint32_t mode, std::string_view name, const RawOid& oid) {
  char octal[8];
  const int n = std::snprintf(octal, sizeof octal, "%o", mode);  // git writes "40000", not "040000"
  tree.append(octal, static_cast<size_t>(n));
  tree += ' ';
  tree += name;
  tree += '\0';
  tree.append(reinterpret_cast<const char*>(oid.data()), oid.size());
}

class Builder {
 public:
  Builder(git_odb* odb, const std::vector<TreeItem>& items, const std::function<const RawOid*(std::string_view)>& cached)
      : m_odb(odb), m_items(items), m_cached(cached) {}

  // The tree of items [begin, end), which all start with `dir` ("" or "a/b/").
  RawOid build(const std::string& dir, size_t begin, size_t end) {
    if (const RawOid* id = m_cached(dir.empty() ? std::string_view() : std::string_view(dir).substr(0, dir.size() - 1))) return *id;
    // Paths sorted bytewise list a directory's entries in git's tree order: a directory
    // sorts as "name/", and every path below it starts with exactly that.
    std::string tree;
    for (size_t i = begin; i < end;) {
      const std::string_view rest = std::string_view(m_items[i].path).substr(dir.size());
      const size_t slash = rest.find('/');
      if (slash == std::string_view::npos) {
        append_entry(tree, m_items[i].mode, rest, m_items[i].oid);
        ++i;
        continue;
      }
      const std::string sub = dir + std::string(rest.substr(0, slash + 1));
      // A file of the same name would sort before it (git refuses such an index).
      const std::string as_file = sub.substr(0, sub.size() - 1);
      const auto first = m_items.begin() + static_cast<std::ptrdiff_t>(begin), here = m_items.begin() + static_cast<std::ptrdiff_t>(i);
      const auto it = std::lower_bound(first, here, as_file, [](const TreeItem& t, const std::string& p) { return t.path < p; });
      if (it != here && it->path == as_file) throw Error(ErrorKind::invalid_input, "'" + as_file + "' is both a file and a directory");
      size_t j = i + 1;
      while (j < end && m_items[j].path.compare(0, sub.size(), sub) == 0) ++j;
      append_entry(tree, 040000, rest.substr(0, slash), build(sub, i, j));
      i = j;
    }
    git_oid id;
    check(git_odb_write(&id, m_odb, tree.data(), tree.size(), GIT_OBJECT_TREE), "cannot write the tree of '" + dir + "'");
    RawOid out;
    std::memcpy(out.data(), id.id, out.size());
    return out;
  }

 private:
  git_odb* m_odb;
  const std::vector<TreeItem>& m_items;
  const std::function<const RawOid*(std::string_view)>& m_cached;
};

}  // namespace

RawOid write_trees(git_odb* odb, const std::vector<TreeItem>& items, const std::function<const RawOid*(std::string_view)>& cached) {
  return Builder(odb, items, cached).build("", 0, items.size());
}

}  // namespace mlops::git
