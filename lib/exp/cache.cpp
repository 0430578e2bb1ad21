// SPDX-License-Identifier: MIT
#include "exp/cache.hpp"

#include "core/json.hpp"
#include "core/worker_pool.hpp"
#include "exp/record.hpp"
#include "exp/record_check.hpp"
#include "exp/ulid.hpp"
#include "git/refs_files.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include "core/log.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

namespace mlops::exp {

using namespace mlops::git;

namespace {

constexpr const char* k_magic = "mlops-exp-cache 2\n";

stdfs::path cache_path(const stdfs::path& mlops_dir) { return mlops_dir / "cache" / "exps-v2"; }

// The last line is "#check <hex>", a checksum of everything before it. The file is written
// atomically, but can still be damaged in place (a disk, a stray write): then it is rebuilt,
// never believed. FNV-1a over 8-byte words: a few milliseconds for tens of thousands of runs;
// a change within one word always changes the result.
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

struct Entry {
  std::string_view id, status, baseline, json;  // a valid run
  std::string_view reason;                      // a commit that holds none ("" when valid)
};

// Indexes the cache text in place (no copies); an empty map when absent or damaged.
std::unordered_map<std::string_view, Entry> parse_cache(std::string& text) {
  std::unordered_map<std::string_view, Entry> out;
  if (text.rfind(k_magic, 0) != 0 || text.size() < 2 || text.back() != '\n') return out;
  const size_t last = text.rfind('\n', text.size() - 2);  // the line before the checksum ends here
  if (last == std::string::npos ||
      std::string_view(text).substr(last + 1, text.size() - last - 2) != k_check + checksum(std::string_view(text).substr(0, last + 1))) {
    return out;  // damaged, or written without a checksum: rebuild
  }
  const std::string_view body(text.data(), last + 1);
  size_t pos = std::char_traits<char>::length(k_magic);
  out.reserve(body.size() / 512);
  while (pos < body.size()) {
    const size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) break;
    const std::string_view line = body.substr(pos, nl - pos);
    pos = nl + 1;
    const size_t a = line.find(' ');
    if (a == std::string_view::npos || a + 2 >= line.size()) continue;
    if (line[a + 1] == '!' && line[a + 2] == ' ') {
      out.emplace(line.substr(0, a), Entry{{}, {}, {}, {}, line.substr(a + 3)});
      continue;
    }
    const size_t b = line.find(' ', a + 1);
    const size_t c = b == std::string_view::npos ? b : line.find(' ', b + 1);
    const size_t d = c == std::string_view::npos ? c : line.find(' ', c + 1);
    if (d == std::string_view::npos) continue;
    out.emplace(line.substr(0, a),
                Entry{line.substr(a + 1, b - a - 1), line.substr(b + 1, c - b - 1), line.substr(c + 1, d - c - 1), line.substr(d + 1), {}});
  }
  return out;
}

// A commit known to hold no valid run, remembered so that a warm listing names it without
// libgit2. Only problems of the object itself are remembered (not a missing object, which a
// fetch may bring, nor a schema a newer mlops may read).
struct KnownBad {
  std::string_view commit, reason;
};

void write_cache(const stdfs::path& mlops_dir, const std::vector<CachedRun>& runs, const std::vector<KnownBad>& bad) {
  std::string text = k_magic;
  size_t size = text.size();
  for (const auto& e : runs) size += e.commit.size() + e.id.size() + e.status.size() + e.baseline.size() + e.json.size() + 8;
  text.reserve(size + 32);
  for (const auto& e : runs) {
    text.append(e.commit).append(" ").append(e.id).append(" ").append(e.status).append(" ").append(e.baseline.empty() ? "-" : e.baseline);
    text.append(" ").append(e.json).append("\n");
  }
  for (const auto& b : bad) text.append(b.commit).append(" ! ").append(b.reason).append("\n");
  text += k_check + checksum(text) + "\n";
  try {
    std::error_code ec;
    stdfs::create_directories(cache_path(mlops_dir).parent_path(), ec);
    // Atomic but not fsynced: after a crash a torn or empty file fails the checksum and is
    // rebuilt, so durability would only cost time.
    fs::write_file_atomic(cache_path(mlops_dir), text, stdfs::perms(0644), false);
  } catch (const Error& e) {
    log::debug("cannot write the listing cache: {}", e.what());  // it is only a cache
  }
}

// JSON text without the whitespace outside strings (written into a buffer sized up front:
// this runs over every record of a cold listing).
std::string compact(std::string_view s) {
  std::string out(s.size(), '\0');
  char* o = out.data();
  bool in_string = false, escaped = false;
  for (const char c : s) {
    if (in_string) {
      *o++ = c;
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
      *o++ = c;
    } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      *o++ = c;
    }
  }
  out.resize(static_cast<size_t>(o - out.data()));
  return out;
}

// What reading one run commit gave: a record, or why there is none.
struct Fresh {
  std::string id, status, baseline, json;
  std::string problem;    // "" when the commit holds a valid run
  bool remember = false;  // the problem is the object's own (KnownBad)
};

// The problem with a record's head, and whether it is the object's own for good.
bool head_ok(const RecordHead& head, Fresh& out) {
  if (!is_ulid(head.id)) {
    out.problem = "its run.json has no valid run id";
    out.remember = true;
    return false;
  }
  out.problem = head_problem(head, head.id);
  out.remember = head.schema == k_run_schema;
  return out.problem.empty();
}

// The listing record of one run commit, from its Mlops-Run trailer, or (commits written
// without one) from run.json, params.json, metrics.json and artifacts.json spliced together
// as compact text, after checking that each is valid JSON within the limits. Parsing them
// into documents and writing them out again would cost more than reading the objects.
void from_git(Repo& r, const std::string& commit, Fresh& out) {
  const git_oid id = parse_oid(commit);
  git_odb* raw_odb = nullptr;
  check(git_repository_odb(&raw_odb, r.get()), "cannot open the object database");
  const OdbPtr odb(raw_odb);
  // Type and size first: a ref may point at anything, of any size.
  const auto h = object_header(raw_odb, id);
  if (!h) {
    out.problem = "its object " + commit + " is missing";
    return;
  }
  out.remember = true;
  if (h->type != GIT_OBJECT_COMMIT) {
    out.problem = "it points at " + object_kind(h->type) + ", not a run commit";
    return;
  }
  if (h->size > k_max_commit_bytes) {
    out.problem = "its commit is " + std::to_string(h->size >> 20) + " MiB, more than a run commit holds";
    return;
  }
  // The raw commit, its headers and message split by hand: a listing needs only the message
  // (and the tree without a summary), and git_commit_lookup's parsing of the rest, signatures
  // included, costs more than the object read.
  git_odb_object* raw_obj = nullptr;
  if (git_odb_read(&raw_obj, raw_odb, &id) != 0) {
    out.problem = "its commit cannot be read";
    out.remember = false;
    return;
  }
  const OdbObjectPtr obj(raw_obj);
  const std::string_view raw(static_cast<const char*>(git_odb_object_data(raw_obj)), git_odb_object_size(raw_obj));
  const size_t body = raw.find("\n\n");
  if (raw.rfind("tree ", 0) != 0 || raw.size() < 45 || raw[45] != '\n' || body == std::string_view::npos) {
    out.problem = "its commit is malformed";
    return;
  }
  // Fast path: the summary trailer in the commit message, one object for the whole record.
  const std::string_view message = raw.substr(body + 1);
  const std::string trailer = std::string("\n") + k_summary_trailer;
  RecordHead head;
  if (const size_t at = message.rfind(trailer); at != std::string_view::npos) {
    const size_t b = at + trailer.size();
    const size_t e = message.find('\n', b);
    const std::string_view summary = message.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
    if (!read_record_head(summary, head)) {
      out.problem = std::string("its Mlops-Run summary is ") + (head.too_deep ? "nested too deep" : "not a JSON object");
      return;
    }
    if (!head_ok(head, out)) return;
    out.id = std::move(head.id);
    out.status = std::move(head.status);
    out.baseline = std::move(head.baseline);
    out.json.reserve(summary.size() + 60);
    out.json.assign(summary.substr(0, summary.rfind('}'))).append(",\"commit\":\"").append(commit).append("\"}");
    out.remember = false;
    return;
  }
  git_oid tree_id;
  git_tree* t = nullptr;
  if (git_oid_fromstr(&tree_id, std::string(raw.substr(5, 40)).c_str()) != 0 || git_tree_lookup(&t, r.get(), &tree_id) != 0) {
    out.problem = "its tree cannot be read";
    out.remember = false;
    return;
  }
  TreePtr tree(t);
  try {
    const std::string where = "run commit " + commit;
    const auto run_text = read_record_file(r, t, "run.json", k_max_run_json_bytes, where);
    if (!run_text) {
      out.problem = "it has no run.json";
      return;
    }
    if (!read_record_head(*run_text, head)) {
      out.problem = std::string("its run.json is ") + (head.too_deep ? "nested too deep" : "not a JSON object");
      return;
    }
    if (!head_ok(head, out)) return;
    out.json = compact(*run_text);
    out.json.resize(out.json.rfind('}'));  // the closing brace: commit, params and metrics follow
    out.json.append(",\"commit\":\"").append(commit).append("\"");
    for (const char* name : {"params", "metrics", "artifacts"}) {
      const auto text = read_record_file(r, t, (std::string(name) + ".json").c_str(), k_max_values_bytes, where);
      const char open = name[0] == 'a' ? '[' : '{';
      const size_t f = text ? text->find_first_not_of(" \t\r\n") : std::string::npos;
      const bool ok = f != std::string::npos && (*text)[f] == open && json_within_limits(*text);
      out.json.append(",\"").append(name).append("\":").append(ok ? compact(*text) : open == '[' ? "[]" : "{}");
    }
    out.json += "}";
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) throw;
    const std::string what = e.what();
    const std::string prefix = "run commit " + commit + ": ";
    out.problem = what.rfind(prefix, 0) == 0 ? "its " + what.substr(prefix.size()) : what;
    out.json.clear();
    return;
  }
  out.id = std::move(head.id);
  out.status = std::move(head.status);
  out.baseline = std::move(head.baseline);
  out.remember = false;
}

RefList refs_of(const IndexSource& src) {
  if (auto fast = read_refs(src.gitdir, k_ref_prefix)) return std::move(*fast);
  RefList out;
  for (const auto& e : list_run_refs(src.repo())) out.refs.emplace_back(std::string(k_ref_prefix) + e.id, e.commit);
  return out;
}

// Each invalid ref is named once per process, however many times the runs are loaded.
void warn_invalid(const std::vector<InvalidRef>& invalid) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  std::vector<const InvalidRef*> news;
  {
    const std::lock_guard lock(mutex);
    for (const auto& i : invalid) {
      if (warned.insert(i.ref).second) news.push_back(&i);
    }
  }
  if (news.empty()) return;
  constexpr size_t k_named = 10;
  for (size_t i = 0; i < news.size() && i < k_named; ++i) log::warn("skipping {}: {}", printable(news[i]->ref), news[i]->reason);
  if (news.size() > k_named) log::warn("skipping {} more refs under {} that hold no valid run", news.size() - k_named, k_ref_prefix);
  log::warn("'mlops exp gc --prune-invalid' removes {}", news.size() == 1 ? "that ref" : "those refs");
}

}  // namespace

RunIndex load_runs(const IndexSource& src) {
  RunIndex index;
  const RefList refs = refs_of(src);
  try {
    index.cache_text = fs::read_file(cache_path(src.mlops_dir));
  } catch (const Error&) {
  }
  const auto cached = parse_cache(index.cache_text);
  const size_t prefix = std::char_traits<char>::length(k_ref_prefix);
  for (const auto& [name, why] : refs.bad) index.invalid.push_back({name, "", why});
  std::vector<KnownBad> known_bad;  // the cache's negative entries still in use
  std::vector<CachedRun> misfiled_cached;
  size_t used = 0;                                                                     // cache entries still in use
  std::vector<std::pair<size_t, const std::pair<std::string, std::string>*>> missing;  // (slot in runs, ref)
  index.runs.reserve(refs.refs.size());
  for (const auto& ref : refs.refs) {
    const std::string_view id = std::string_view(ref.first).substr(prefix);
    if (!is_ulid(id)) {
      index.invalid.push_back({ref.first, ref.second, "its name is not a run id"});
      continue;
    }
    auto it = cached.find(ref.second);
    if (it == cached.end()) {
      missing.emplace_back(index.runs.size(), &ref);
      index.runs.push_back(CachedRun{std::string(id), ref.second, {}, {}, {}});
      continue;
    }
    ++used;
    const Entry& e = it->second;
    if (!e.reason.empty()) {
      known_bad.push_back({it->first, e.reason});
      index.invalid.push_back({ref.first, ref.second, std::string(e.reason)});
    } else if (e.id != id) {
      index.invalid.push_back({ref.first, ref.second, "its run.json is run '" + printable(e.id) + "', not the ref's"});
      misfiled_cached.push_back(
          CachedRun{std::string(e.id), ref.second, e.status, e.baseline == "-" ? std::string_view() : e.baseline, e.json});
    } else {
      index.runs.push_back(CachedRun{std::string(id), ref.second, e.status, e.baseline == "-" ? std::string_view() : e.baseline, e.json});
    }
  }
  std::vector<Fresh> fresh(missing.size());
  if (!missing.empty()) {
    Repo& main_repo = src.repo();
    // Object reads dominate a cold listing; spread them over the cores, one repository
    // handle per thread (libgit2 handles are not shared between threads).
    // Chunks of 64 runs; worker 0 (this thread) uses the open repository, the others open
    // their own the first time they take a chunk.
    constexpr size_t k_chunk = 64;
    const size_t chunks = (missing.size() + k_chunk - 1) / k_chunk;
    std::vector<std::optional<Repo>> repos(std::min<size_t>(chunks, std::max(1u, std::thread::hardware_concurrency())));
    parallel_for(
        chunks,
        [&](size_t chunk, unsigned worker) {
          Repo* repo = &main_repo;
          if (worker > 0) {
            if (!repos[worker]) repos[worker] = open_repo(main_repo.workdir, false);
            repo = &*repos[worker];
          }
          const size_t end = std::min(missing.size(), (chunk + 1) * k_chunk);
          for (size_t k = chunk * k_chunk; k < end; ++k) from_git(*repo, missing[k].second->second, fresh[k]);
        },
        PoolOptions{static_cast<unsigned>(repos.size()), {}});
  }
  // Fill the slots of the runs read now; drop those that hold no valid run.
  std::vector<CachedRun> misfiled = std::move(misfiled_cached);  // valid records under another run's ref: worth remembering
  std::vector<bool> drop(index.runs.size(), false);
  for (size_t k = 0; k < missing.size(); ++k) {
    Fresh& f = fresh[k];
    const auto& ref = *missing[k].second;
    CachedRun& run = index.runs[missing[k].first];
    if (!f.problem.empty()) {
      drop[missing[k].first] = true;
      index.invalid.push_back({ref.first, ref.second, f.problem});
      if (f.remember) {
        index.fresh.push_back(std::move(f.problem));
        known_bad.push_back({ref.second, index.fresh.back()});
      }
      continue;
    }
    CachedRun record{f.id, ref.second, {}, {}, {}};
    index.fresh.push_back(std::move(f.status));
    record.status = index.fresh.back();
    index.fresh.push_back(std::move(f.baseline));
    record.baseline = index.fresh.back();
    index.fresh.push_back(std::move(f.json));
    record.json = index.fresh.back();
    if (record.id != run.id) {
      drop[missing[k].first] = true;
      index.invalid.push_back({ref.first, ref.second, "its run.json is run '" + printable(record.id) + "', not the ref's"});
      misfiled.push_back(std::move(record));
    } else {
      run = std::move(record);
    }
  }
  if (std::find(drop.begin(), drop.end(), true) != drop.end()) {
    size_t w = 0;
    for (size_t i = 0; i < index.runs.size(); ++i) {
      if (drop[i]) continue;
      if (w != i) index.runs[w] = std::move(index.runs[i]);
      ++w;
    }
    index.runs.resize(w);
  }
  // Rewrite when something was read now, or when the cache holds commits no ref names now.
  if (!missing.empty() || cached.size() > used) {
    std::vector<CachedRun> records;  // one line per commit, even when two refs name it
    std::set<std::string_view> seen;
    for (const auto* list : {&index.runs, &misfiled}) {
      for (const auto& run : *list) {
        if (seen.insert(run.commit).second) records.push_back(run);
      }
    }
    std::vector<KnownBad> bad;
    for (const auto& b : known_bad) {
      if (seen.insert(b.commit).second) bad.push_back(b);
    }
    write_cache(src.mlops_dir, records, bad);
  }
  std::sort(index.invalid.begin(), index.invalid.end(), [](const InvalidRef& a, const InvalidRef& b) { return a.ref < b.ref; });
  if (src.warn_invalid && !index.invalid.empty()) warn_invalid(index.invalid);
  return index;
}

RunIndex load_runs(Repo& r, bool warn) {
  IndexSource src{r.gitdir, r.mlops_dir, [&r]() -> Repo& { return r; }};
  src.warn_invalid = warn;
  return load_runs(src);
}

std::optional<RunIndex> cached_runs_only(const stdfs::path& gitdir, const stdfs::path& mlops_dir) {
  auto refs = read_refs(gitdir, k_ref_prefix);
  if (!refs) return std::nullopt;
  RunIndex index;
  try {
    index.cache_text = fs::read_file(cache_path(mlops_dir));
  } catch (const Error&) {
  }
  const auto cached = parse_cache(index.cache_text);
  const size_t prefix = std::char_traits<char>::length(k_ref_prefix);
  for (auto& [name, commit] : refs->refs) {
    CachedRun run;
    run.id = name.substr(prefix);
    if (!is_ulid(run.id)) continue;  // never a run: not worth offering
    run.commit = std::move(commit);
    if (auto it = cached.find(run.commit); it != cached.end()) {
      if (!it->second.reason.empty() || it->second.id != run.id) continue;  // known to hold no valid run
      run.status = it->second.status;
      run.json = it->second.json;
    }
    index.runs.push_back(std::move(run));
  }
  return index;
}

}  // namespace mlops::exp
