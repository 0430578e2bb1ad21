// SPDX-License-Identifier: MIT
#include "exp/cache.hpp"

#include "core/json.hpp"
#include "exp/record.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/log.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <thread>

namespace mlops::exp {
namespace {

constexpr const char* k_magic = "mlops-exp-cache 1\n";

stdfs::path cache_path(const Repo& r) { return r.mlops_dir / "cache" / "exps-v1"; }

// The last line is "#check <hex>", a checksum of everything before it. The file is written
// atomically, but can still be damaged in place (a disk, a stray write): then it is rebuilt,
// never believed. FNV-1a over 8-byte words: a few milliseconds for tens of thousands of runs;
// a change within one word always changes the result. (Readers before this line existed
// skip it as a record with too few fields.)
constexpr const char* k_check = "#check ";

std::string checksum(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
  }
  for (; i < s.size(); ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 0x100000001b3ULL;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::unordered_map<std::string, CachedRun> read_cache(const Repo& r) {
  std::unordered_map<std::string, CachedRun> out;
  std::string text;
  try {
    text = fs::read_file(cache_path(r));
  } catch (const Error&) {
    return out;
  }
  if (text.rfind(k_magic, 0) != 0) return out;  // another version: rebuild
  if (text.size() < 2 || text.back() != '\n') return out;
  const size_t last = text.rfind('\n', text.size() - 2);  // the line before the checksum ends here
  if (last == std::string::npos ||
      std::string_view(text).substr(last + 1, text.size() - last - 2) != k_check + checksum(std::string_view(text).substr(0, last + 1))) {
    return out;  // damaged, or written without a checksum: rebuild
  }
  text.resize(last + 1);
  size_t pos = std::char_traits<char>::length(k_magic);
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;  // a torn last line is ignored
    const std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    const size_t a = line.find(' ');
    const size_t b = a == std::string_view::npos ? a : line.find(' ', a + 1);
    const size_t c = b == std::string_view::npos ? b : line.find(' ', b + 1);
    if (c == std::string_view::npos) continue;
    CachedRun e;
    e.commit = std::string(line.substr(0, a));
    e.status = std::string(line.substr(a + 1, b - a - 1));
    e.baseline = std::string(line.substr(b + 1, c - b - 1));
    e.json = std::string(line.substr(c + 1));
    out.emplace(e.commit, std::move(e));
  }
  return out;
}

void write_cache(const Repo& r, const std::vector<CachedRun>& runs) {
  std::string text = k_magic;
  for (const auto& e : runs) {
    text += e.commit + " " + e.status + " " + (e.baseline.empty() ? "-" : e.baseline) + " " + e.json + "\n";
  }
  text += k_check + checksum(text) + "\n";
  try {
    std::error_code ec;
    stdfs::create_directories(cache_path(r).parent_path(), ec);
    fs::write_file_atomic(cache_path(r), text);
  } catch (const Error& e) {
    log::debug("cannot write the listing cache: {}", e.what());  // it is only a cache
  }
}

CachedRun from_git(Repo& r, const RefEntry& ref) {
  Run run = read_run(r, ref.commit);
  CachedRun c;
  c.id = ref.id;
  c.commit = ref.commit;
  c.status = run.status;
  c.baseline = run.baseline;
  c.json = json_text(to_json(run));
  return c;
}

}  // namespace

std::vector<CachedRun> load_runs(Repo& r) {
  const std::vector<RefEntry> refs = list_run_refs(r);
  auto cached = read_cache(r);
  std::vector<CachedRun> out(refs.size());
  std::vector<size_t> missing;
  for (size_t i = 0; i < refs.size(); ++i) {
    auto it = cached.find(refs[i].commit);
    if (it != cached.end()) {
      out[i] = std::move(it->second);
      out[i].id = refs[i].id;
    } else {
      missing.push_back(i);
    }
  }
  if (!missing.empty()) {
    // Object reads dominate a cold listing; spread them over the cores, one repository
    // handle per thread (libgit2 handles are not shared between threads).
    const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), (missing.size() + 63) / 64);
    if (threads <= 1) {
      for (size_t i : missing) out[i] = from_git(r, refs[i]);
    } else {
      std::vector<std::thread> pool;
      std::vector<std::exception_ptr> errors(threads);
      for (size_t t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
          try {
            Repo mine = open_repo(r.workdir, false);
            for (size_t k = t; k < missing.size(); k += threads) out[missing[k]] = from_git(mine, refs[missing[k]]);
          } catch (...) {
            errors[t] = std::current_exception();
          }
        });
      }
      for (auto& th : pool) th.join();
      for (auto& e : errors) {
        if (e) std::rethrow_exception(e);
      }
    }
  }
  // Rewrite when something was missing, or when the cache holds commits no ref names now.
  const bool stale = cached.size() > refs.size() - missing.size();
  if (!missing.empty() || stale) write_cache(r, out);
  return out;
}

}  // namespace mlops::exp
