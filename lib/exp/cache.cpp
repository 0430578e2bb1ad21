// SPDX-License-Identifier: MIT
#include "exp/cache.hpp"

#include "core/json.hpp"
#include "exp/record.hpp"
#include "git/refs_files.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include "core/log.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <thread>
#include <unordered_map>

namespace mlops::exp {

using namespace mlops::git;

namespace {

constexpr const char* k_magic = "mlops-exp-cache 1\n";

stdfs::path cache_path(const stdfs::path& mlops_dir) { return mlops_dir / "cache" / "exps-v1"; }

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
  std::string_view status, baseline, json;
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
    const size_t b = a == std::string_view::npos ? a : line.find(' ', a + 1);
    const size_t c = b == std::string_view::npos ? b : line.find(' ', b + 1);
    if (c == std::string_view::npos) continue;
    out.emplace(line.substr(0, a), Entry{line.substr(a + 1, b - a - 1), line.substr(b + 1, c - b - 1), line.substr(c + 1)});
  }
  return out;
}

void write_cache(const stdfs::path& mlops_dir, const std::vector<CachedRun>& runs) {
  std::string text = k_magic;
  size_t size = text.size();
  for (const auto& e : runs) size += e.commit.size() + e.status.size() + e.baseline.size() + e.json.size() + 8;
  text.reserve(size + 32);
  for (const auto& e : runs) {
    text.append(e.commit).append(" ").append(e.status).append(" ").append(e.baseline.empty() ? "-" : e.baseline);
    text.append(" ").append(e.json).append("\n");
  }
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

std::optional<std::string_view> blob_text(Repo& r, git_tree* tree, const char* name, std::vector<BlobPtr>& keep) {
  const git_tree_entry* e = git_tree_entry_byname(tree, name);
  if (e == nullptr) return std::nullopt;
  git_blob* b = nullptr;
  check(git_blob_lookup(&b, r.get(), git_tree_entry_id(e)), std::string("cannot read ") + name);
  keep.emplace_back(b);
  return std::string_view(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b)));
}

// Reads the top-level "schema", "status" and "baseline" of run.json in one validating
// pass, without building a document: a cold listing does this for every run.
struct RunHead : nlohmann::json_sax<nlohmann::json> {
  int depth = 0;
  std::string current;  // the top-level key whose value comes next
  std::int64_t schema = 0;
  std::string status, baseline;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t v) override {
    if (depth == 1 && current == "schema") schema = v;
    return true;
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (depth == 1 && current == "schema") schema = static_cast<std::int64_t>(v);
    return true;
  }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t& v) override {
    if (depth == 1 && current == "status") status = v;
    if (depth == 1 && current == "baseline") baseline = v;
    return true;
  }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    ++depth;
    return true;
  }
  bool key(string_t& k) override {
    if (depth == 1) current = k;
    return true;
  }
  bool end_object() override {
    --depth;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth;
    return true;
  }
  bool end_array() override {
    --depth;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
};

// The listing record of one run commit, from its Mlops-Run trailer, or (commits written
// without one) from run.json, params.json, metrics.json and artifacts.json spliced together
// as compact text, after checking that each is valid JSON. Parsing them into
// documents and writing them out again would cost more than reading the objects.
void from_git(Repo& r, const std::string& commit, std::string& status, std::string& baseline, std::string& json) {
  const git_oid id = parse_oid(commit);
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, r.get(), &id), "cannot read run commit " + commit);
  CommitPtr owner(c);
  // Fast path: the summary trailer in the commit message, one object for the whole record.
  const std::string_view message = git_commit_message(c);
  const std::string trailer = std::string("\n") + k_summary_trailer;
  if (const size_t at = message.rfind(trailer); at != std::string_view::npos) {
    const size_t b = at + trailer.size();
    const size_t e = message.find('\n', b);
    const std::string_view summary = message.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
    RunHead head;
    if (!summary.empty() && summary.front() == '{' && summary.back() == '}' && nlohmann::json::sax_parse(summary, &head) &&
        head.schema == k_run_schema) {
      status = head.status;
      baseline = head.baseline;
      json.reserve(summary.size() + 60);
      json.assign(summary.substr(0, summary.size() - 1)).append(",\"commit\":\"").append(commit).append("\"}");
      return;
    }
  }
  git_tree* t = nullptr;
  check(git_commit_tree(&t, c), "cannot read run tree " + commit);
  TreePtr tree(t);
  std::vector<BlobPtr> keep;
  const auto run_text = blob_text(r, t, "run.json", keep);
  if (!run_text) throw Error(ErrorKind::invalid_input, "commit " + commit + " is not a run (no run.json)");
  RunHead head;
  const size_t first = run_text->find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (*run_text)[first] != '{' || !nlohmann::json::sax_parse(*run_text, &head)) {
    throw Error(ErrorKind::invalid_input, "run commit " + commit + ": run.json is not a valid JSON object");
  }
  if (head.schema != k_run_schema) {
    throw Error(ErrorKind::invalid_input, "run commit " + commit + ": run.json schema " + std::to_string(head.schema) +
                                              " is not supported (this mlops reads " + std::to_string(k_run_schema) + ")",
                "upgrade mlops");
  }
  status = head.status;
  baseline = head.baseline;
  json = compact(*run_text);
  json.pop_back();  // the closing brace: commit, params and metrics follow
  json.append(",\"commit\":\"").append(commit).append("\"");
  for (const char* name : {"params", "metrics", "artifacts"}) {
    const auto text = blob_text(r, t, (std::string(name) + ".json").c_str(), keep);
    const char open = name[0] == 'a' ? '[' : '{';
    const size_t f = text ? text->find_first_not_of(" \t\r\n") : std::string_view::npos;
    const bool ok = f != std::string_view::npos && (*text)[f] == open && nlohmann::json::accept(*text);
    json.append(",\"").append(name).append("\":").append(ok ? compact(*text) : open == '[' ? "[]" : "{}");
  }
  json += "}";
}

std::vector<std::pair<std::string, std::string>> refs_of(const IndexSource& src) {
  if (auto fast = read_refs(src.gitdir, k_ref_prefix)) return std::move(*fast);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : list_run_refs(src.repo())) out.emplace_back(std::string(k_ref_prefix) + e.id, e.commit);
  return out;
}

}  // namespace

RunIndex load_runs(const IndexSource& src) {
  RunIndex index;
  const auto refs = refs_of(src);
  try {
    index.cache_text = fs::read_file(cache_path(src.mlops_dir));
  } catch (const Error&) {
  }
  const auto cached = parse_cache(index.cache_text);
  const size_t prefix = std::char_traits<char>::length(k_ref_prefix);
  index.runs.resize(refs.size());
  std::vector<size_t> missing;
  for (size_t i = 0; i < refs.size(); ++i) {
    CachedRun& run = index.runs[i];
    run.id = refs[i].first.substr(prefix);
    run.commit = refs[i].second;
    auto it = cached.find(run.commit);
    if (it != cached.end()) {
      run.status = it->second.status;
      run.baseline = it->second.baseline == "-" ? std::string_view() : it->second.baseline;
      run.json = it->second.json;
    } else {
      missing.push_back(i);
    }
  }
  if (!missing.empty()) {
    struct Fresh {
      std::string status, baseline, json;
    };
    std::vector<Fresh> fresh(missing.size());
    Repo& main_repo = src.repo();
    // Object reads dominate a cold listing; spread them over the cores, one repository
    // handle per thread (libgit2 handles are not shared between threads).
    const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), (missing.size() + 63) / 64);
    auto work = [&](Repo& repo, size_t first, size_t step) {
      for (size_t k = first; k < missing.size(); k += step) {
        from_git(repo, index.runs[missing[k]].commit, fresh[k].status, fresh[k].baseline, fresh[k].json);
      }
    };
    if (threads <= 1) {
      work(main_repo, 0, 1);
    } else {
      std::vector<std::thread> pool;
      std::vector<std::exception_ptr> errors(threads);
      for (size_t t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
          try {
            if (t == 0) {
              work(main_repo, 0, threads);
            } else {
              Repo mine = open_repo(main_repo.workdir, false);
              work(mine, t, threads);
            }
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
    for (size_t k = 0; k < missing.size(); ++k) {
      CachedRun& run = index.runs[missing[k]];
      index.fresh.push_back(std::move(fresh[k].status));
      run.status = index.fresh.back();
      index.fresh.push_back(std::move(fresh[k].baseline));
      run.baseline = index.fresh.back();
      index.fresh.push_back(std::move(fresh[k].json));
      run.json = index.fresh.back();
    }
  }
  // Rewrite when something was missing, or when the cache holds commits no ref names now.
  const bool stale = cached.size() > refs.size() - missing.size();
  if (!missing.empty() || stale) write_cache(src.mlops_dir, index.runs);
  return index;
}

RunIndex load_runs(Repo& r) {
  return load_runs(IndexSource{r.gitdir, r.mlops_dir, [&r]() -> Repo& { return r; }});
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
  for (auto& [name, commit] : *refs) {
    CachedRun run;
    run.id = name.substr(prefix);
    run.commit = std::move(commit);
    if (auto it = cached.find(run.commit); it != cached.end()) {
      run.status = it->second.status;
      run.json = it->second.json;
    }
    index.runs.push_back(std::move(run));
  }
  return index;
}

}  // namespace mlops::exp
