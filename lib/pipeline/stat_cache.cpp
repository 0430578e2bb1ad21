// SPDX-License-Identifier: MIT
#include "pipeline/stat_cache.hpp"

#include "core/log.hpp"
#include "core/sha256.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <algorithm>

namespace mlops::pipeline {
namespace {

// Layout: magic (16 bytes), record size (u64), record count (u64), the records, then the
// sha256 (32 raw bytes) of everything before it.
constexpr std::size_t k_head = 32, k_tail = 32;

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

template <class R>
bool key_less(const R& a, const R& b) {
  return std::memcmp(&a, &b, R::key_size) < 0;
}

std::string checksum_raw(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  unsigned char raw[32];
  hex_to_raw(h.hex(), raw);
  return std::string(reinterpret_cast<const char*>(raw), 32);
}

std::string read_or_empty(const stdfs::path& p, std::size_t max) {
  try {
    return fs::read_regular_file(p, max);
  } catch (const std::exception&) {  // none yet, unreadable, too big: an empty cache
    return {};
  }
}

}  // namespace

bool hex_to_raw(std::string_view hex, unsigned char out[32]) {
  if (hex.size() != 64) return false;
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

std::string raw_to_hex(const unsigned char raw[32]) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string r(64, '0');
  for (std::size_t i = 0; i < 32; ++i) {
    r[2 * i] = k_digits[raw[i] >> 4];
    r[2 * i + 1] = k_digits[raw[i] & 15];
  }
  return r;
}

FileRecord file_record(const struct stat& st) {
  FileRecord r{};
  r.dev = st.st_dev;
  r.ino = st.st_ino;
  r.size = static_cast<std::uint64_t>(st.st_size);
  r.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  r.ctime_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return r;
}

template <class R>
std::string RecordFile<R>::serialize(const std::vector<R>& records) {
  std::string out(k_head + records.size() * sizeof(R), '\0');
  std::memcpy(out.data(), R::magic, 16);
  const std::uint64_t size = sizeof(R), count = records.size();
  std::memcpy(out.data() + 16, &size, 8);
  std::memcpy(out.data() + 24, &count, 8);
  if (!records.empty()) std::memcpy(out.data() + k_head, records.data(), records.size() * sizeof(R));
  out += checksum_raw(out);
  return out;
}

template <class R>
std::optional<std::vector<R>> RecordFile<R>::parse(std::string_view text) {
  if (text.size() < k_head + k_tail || std::memcmp(text.data(), R::magic, 16) != 0) return std::nullopt;
  std::uint64_t size = 0, count = 0;
  std::memcpy(&size, text.data() + 16, 8);
  std::memcpy(&count, text.data() + 24, 8);
  if (size != sizeof(R) || count > (text.size() - k_head - k_tail) / sizeof(R) || k_head + count * sizeof(R) + k_tail != text.size())
    return std::nullopt;
  const std::string_view body = text.substr(0, text.size() - k_tail);
  if (checksum_raw(body) != text.substr(body.size())) return std::nullopt;
  std::vector<R> r(count);
  if (count) std::memcpy(r.data(), text.data() + k_head, count * sizeof(R));
  // Sorted with unique keys, or the binary search would miss: a file we did not write.
  for (std::size_t i = 1; i < r.size(); ++i)
    if (!key_less(r[i - 1], r[i])) return std::nullopt;
  return r;
}

template <class R>
void RecordFile<R>::load() {
  std::call_once(m_once, [this] {
    if (auto got = parse(read_or_empty(m_file, k_head + k_tail + 2 * m_max * sizeof(R)))) m_records = std::move(*got);
    m_count = m_records.size();
    m_used.reset(new std::atomic<bool>[m_count]());
  });
}

template <class R>
std::optional<R> RecordFile<R>::find(const R& key_of) {
  load();
  const auto it = std::lower_bound(m_records.begin(), m_records.end(), key_of, key_less<R>);
  if (it != m_records.end() && !key_less(key_of, *it)) {
    m_used[static_cast<std::size_t>(it - m_records.begin())].store(true, std::memory_order_relaxed);
    return *it;
  }
  const std::lock_guard g(m_mutex);
  if (m_new.empty()) return std::nullopt;
  const auto n = m_new.find(std::string(reinterpret_cast<const char*>(&key_of), R::key_size));
  if (n == m_new.end()) return std::nullopt;
  return n->second;
}

template <class R>
void RecordFile<R>::add(const R& r) {
  load();
  const std::lock_guard g(m_mutex);
  m_new[std::string(reinterpret_cast<const char*>(&r), R::key_size)] = r;
}

template <class R>
void RecordFile<R>::save() {
  const std::lock_guard g(m_mutex);
  if (m_new.empty()) return;
  package::FileLock lock(stdfs::path(m_file) += ".lock", true);
  // What another process saved meanwhile stays, unless it is too much.
  std::vector<R> disk = parse(read_or_empty(m_file, k_head + k_tail + 2 * m_max * sizeof(R))).value_or(std::vector<R>{});
  std::map<std::string, R> all;
  const auto put = [&](const R& r) { all[std::string(reinterpret_cast<const char*>(&r), R::key_size)] = r; };
  if (disk.size() + m_new.size() <= m_max) {
    for (const R& r : disk) put(r);
  } else {
    for (std::size_t i = 0; i < m_count; ++i)
      if (m_used[i].load(std::memory_order_relaxed)) put(m_records[i]);
  }
  for (const auto& [k, r] : m_new) all[k] = r;
  std::vector<R> out;
  out.reserve(all.size());
  for (const auto& [k, r] : all) out.push_back(r);
  fs::write_file_atomic(m_file, serialize(out), stdfs::perms(0644), /*durable=*/false);
  m_new.clear();
}

template class RecordFile<DirRecord>;
template class RecordFile<FileRecord>;

}  // namespace mlops::pipeline
