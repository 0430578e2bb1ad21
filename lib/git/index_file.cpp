// SPDX-License-Identifier: MIT
// The layout is git's Documentation/gitformat-index.txt; the names below follow it.
#include "git/index_file.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <cctype>
#include <cstring>

namespace mlops::git {
namespace {

constexpr size_t k_hash_size = 20;
constexpr std::uint16_t k_flag_assume_valid = 0x8000, k_flag_extended = 0x4000, k_name_mask = 0x0fff;
constexpr std::uint16_t k_ext_intent_to_add = 0x2000, k_ext_skip_worktree = 0x4000;
constexpr int k_max_tree_depth = 4096;
// Linux cannot stat a longer path, and the cap keeps the memory of a version 4 index (each
// path a prefix of the previous one plus a suffix) linear in the file's size.
constexpr size_t k_max_path = 4096;

[[noreturn]] void corrupt(const std::string& what) {
  throw Error(ErrorKind::invalid_input, "the git index is corrupt: " + what,
              "'git status' reports the same; 'rm .git/index && git reset' rebuilds it from HEAD");
}

class Reader {
 public:
  explicit Reader(std::string_view b) : m_b(b) {}
  size_t pos() const { return m_pos; }
  size_t left() const { return m_b.size() - m_pos; }
  void need(size_t n, const char* what) const {
    if (left() < n) corrupt(std::string(what) + " runs past the end of the file");
  }
  std::uint32_t u32(const char* what) {
    need(4, what);
    const auto* p = reinterpret_cast<const unsigned char*>(m_b.data() + m_pos);
    m_pos += 4;
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
  }
  std::uint16_t u16(const char* what) {
    need(2, what);
    const auto* p = reinterpret_cast<const unsigned char*>(m_b.data() + m_pos);
    m_pos += 2;
    return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
  }
  RawOid oid(const char* what) {
    need(k_hash_size, what);
    RawOid id;
    std::memcpy(id.data(), m_b.data() + m_pos, k_hash_size);
    m_pos += k_hash_size;
    return id;
  }
  std::string_view bytes(size_t n, const char* what) {
    need(n, what);
    const std::string_view s = m_b.substr(m_pos, n);
    m_pos += n;
    return s;
  }
  // Up to (not including) the next NUL, which is consumed.
  std::string_view cstr(const char* what) {
    const size_t end = m_b.find('\0', m_pos);
    if (end == std::string_view::npos) corrupt(std::string(what) + " is not terminated");
    const std::string_view s = m_b.substr(m_pos, end - m_pos);
    m_pos = end + 1;
    return s;
  }
  // Index v4's path prefix length: git's "offset" varint (each continuation adds one).
  std::uint64_t varint(const char* what) {
    need(1, what);
    auto c = static_cast<unsigned char>(m_b[m_pos++]);
    std::uint64_t v = c & 0x7f;
    while ((c & 0x80) != 0) {
      need(1, what);
      if (v > (std::uint64_t{1} << 50)) corrupt(std::string(what) + " is too large");
      c = static_cast<unsigned char>(m_b[m_pos++]);
      v = ((v + 1) << 7) | (c & 0x7f);
    }
    return v;
  }
  void skip(size_t n, const char* what) {
    need(n, what);
    m_pos += n;
  }

 private:
  std::string_view m_b;
  size_t m_pos = 0;
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// git refuses to add such paths; one in an index would make us stat or hash outside the
// working tree, or write a tree git cannot check out.
void check_path(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') corrupt("invalid path '" + path + "'");
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string_view c = std::string_view(path).substr(start, end - start);
    if (c.empty() || c == "." || c == ".." || iequals(c, ".git")) corrupt("invalid path '" + path + "'");
    start = end + 1;
  }
}

bool valid_mode(std::uint32_t mode) { return mode == 0100644 || mode == 0100755 || mode == 0120000 || mode == 0160000; }

// "TREE": pre-order; each node is "<component>\0<entry count> <subtree count>\n" and, when
// the count is not negative, its id; its subtrees follow.
std::int64_t ascii_int(std::string_view s, const char* what) {
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 9) corrupt(std::string("cached tree ") + what + " is not a number");
  std::int64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') corrupt(std::string("cached tree ") + what + " is not a number");
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

void read_tree_node(Reader& r, const std::string& parent, int depth, std::vector<CachedTree>& out) {
  if (depth > k_max_tree_depth) corrupt("cached trees nest too deep");
  const std::string_view component = r.cstr("a cached tree name");
  // "<entries> <subtrees>\n"
  std::string counts;
  for (;;) {
    const std::string_view c = r.bytes(1, "a cached tree");
    if (c[0] == '\n') break;
    if (counts.size() > 24) corrupt("cached tree counts are too long");
    counts += c[0];
  }
  const size_t space = counts.find(' ');
  if (space == std::string::npos) corrupt("cached tree counts are malformed");
  CachedTree t;
  t.entry_count = static_cast<std::int32_t>(ascii_int(std::string_view(counts).substr(0, space), "entry count"));
  const std::int64_t subtrees = ascii_int(std::string_view(counts).substr(space + 1), "subtree count");
  if (t.entry_count < -1 || subtrees < 0) corrupt("cached tree counts are negative");
  if (depth == 0) {
    if (!component.empty()) corrupt("the root cached tree has a name");
  } else if (component.empty() || component == "." || component == ".." || component.find('/') != std::string_view::npos) {
    corrupt("a cached tree has an invalid name");
  }
  t.path = depth == 0 ? std::string() : parent.empty() ? std::string(component) : parent + "/" + std::string(component);
  if (t.entry_count >= 0) t.oid = r.oid("a cached tree id");
  const std::string path = t.path;
  out.push_back(std::move(t));
  for (std::int64_t i = 0; i < subtrees; ++i) {
    // Each subtree takes at least a name byte, "0 0\n" and nothing else: a count that could
    // not fit in what is left is corrupt, and rejecting it early bounds the work.
    if (r.left() < 5) corrupt("cached tree subtrees run past the end of the extension");
    read_tree_node(r, path, depth + 1, out);
  }
}

void read_tree_extension(std::string_view data, std::vector<CachedTree>& out) {
  Reader r(data);
  read_tree_node(r, "", 0, out);
  if (r.left() != 0) corrupt("the cached tree extension has trailing bytes");
}

}  // namespace

IndexFile parse_index(std::string_view bytes) {
  IndexFile index;
  if (bytes.size() < 12 + k_hash_size) corrupt("the file is too short");
  Reader r(bytes.substr(0, bytes.size() - k_hash_size));  // the checksum is last
  if (r.bytes(4, "the signature") != "DIRC") corrupt("it does not start with DIRC");
  index.version = r.u32("the version");
  if (index.version < 2 || index.version > 4) {
    throw Error(ErrorKind::invalid_input, "the git index has version " + std::to_string(index.version) + ", which is not supported",
                "versions 2 to 4 are; 'git update-index --index-version 4' converts it");
  }
  const std::uint32_t count = r.u32("the entry count");
  // The smallest entry is 62 bytes plus a path byte (v4: 62 + 2): a count that cannot fit is
  // rejected before anything is reserved.
  if (count > r.left() / 63) corrupt("it claims more entries than it can hold");
  index.entries.reserve(count);
  std::string previous;  // v4 paths are compressed against the previous one
  for (std::uint32_t i = 0; i < count; ++i) {
    const size_t start = r.pos();
    IndexEntry e;
    e.ctime_s = r.u32("an entry");
    e.ctime_ns = r.u32("an entry");
    e.mtime_s = r.u32("an entry");
    e.mtime_ns = r.u32("an entry");
    (void)r.u32("an entry");  // dev
    e.ino = r.u32("an entry");
    e.mode = r.u32("an entry");
    (void)r.u32("an entry");  // uid
    (void)r.u32("an entry");  // gid
    e.size = r.u32("an entry");
    e.oid = r.oid("an entry");
    const std::uint16_t flags = r.u16("an entry");
    e.assume_valid = (flags & k_flag_assume_valid) != 0;
    e.stage = static_cast<std::uint8_t>((flags >> 12) & 3);
    if ((flags & k_flag_extended) != 0) {
      if (index.version < 3) corrupt("a version 2 entry has extended flags");
      const std::uint16_t ext = r.u16("an entry");
      e.intent_to_add = (ext & k_ext_intent_to_add) != 0;
      e.skip_worktree = (ext & k_ext_skip_worktree) != 0;
    }
    if (index.version == 4) {
      const std::uint64_t strip = r.varint("an entry's path prefix");
      if (strip > previous.size()) corrupt("an entry's path prefix is longer than the previous path");
      previous.resize(previous.size() - strip);
      previous += r.cstr("an entry's path");
      if (previous.size() > k_max_path) corrupt("an entry's path is longer than " + std::to_string(k_max_path) + " bytes");
      e.path = previous;
    } else {
      const std::string_view name = r.cstr("an entry's path");
      const size_t name_len = flags & k_name_mask;
      if (name_len != k_name_mask && name_len != name.size()) corrupt("an entry's path length does not match its flags");
      if (name.size() > k_max_path) corrupt("an entry's path is longer than " + std::to_string(k_max_path) + " bytes");
      e.path = std::string(name);
      // Entries are NUL-padded to a multiple of 8 bytes; the NUL after the path is one of them.
      const size_t used = r.pos() - start;
      r.skip((8 - used % 8) % 8, "an entry's padding");
    }
    index.entries.push_back(std::move(e));
  }
  while (r.left() >= 8) {
    const std::string_view sig = r.bytes(4, "an extension");
    const std::uint32_t size = r.u32("an extension");
    const std::string_view data = r.bytes(size, "an extension");
    if (sig == "TREE") {
      read_tree_extension(data, index.trees);
    } else if (sig[0] < 'A' || sig[0] > 'Z') {
      // A lower-case signature is one readers must understand to read the entries right.
      const std::string name(sig);
      throw Error(ErrorKind::invalid_input,
                  "the git index uses the '" + name + "' extension" +
                      (name == "link"   ? " (split index)"
                       : name == "sdir" ? " (sparse index)"
                                        : "") +
                      ", which mlops cannot read",
                  name == "link"   ? "'git update-index --no-split-index' turns it off"
                  : name == "sdir" ? "'git sparse-checkout init --no-sparse-index' turns it off"
                                   : "");
    }
  }
  if (r.left() != 0) corrupt("it has trailing bytes");
  // Checked once the extensions are known: a split index has entries with empty paths.
  for (const auto& e : index.entries) {
    check_path(e.path);
    if (!valid_mode(e.mode)) corrupt("'" + e.path + "' has an invalid mode");
  }
  return index;
}

IndexFile read_index(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return {};
  return parse_index(fs::read_file(file));
}

}  // namespace mlops::git
