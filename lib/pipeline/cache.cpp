// SPDX-License-Identifier: MIT
// mlops cache push|pull|fetch|gc|fsck: the blobs mlops.lock and the PATH.mlops pointers name,
// and the run cache, between the store and a remote. On a remote they live in the repository
// `mlops-cache` under the remote's base (an OCI image layout's blobs/sha256/, plus
// runs/<key>.json), written through lib/remote's backends. A directory's manifest is sent after
// its files and a run-cache entry after every blob it names, so what a remote shows is whole.
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "git/libgit2.hpp"
#include "package/roots.hpp"
#include "package/store.hpp"
#include "pipeline/data.hpp"
#include "pipeline/decide.hpp"
#include "pipeline/restore.hpp"
#include "remote/schemes.hpp"
#include "remote/transfer.hpp"

#include <mlops/data.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

namespace mlops::pipeline {
namespace {

constexpr const char* k_repo = "mlops-cache";
constexpr std::uint64_t k_max_run_entry = 1u << 20;

bool cache_hex64(const std::string& s) { return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos; }

// The most blob names cache gc --remote takes from a listing: 10,000,000 (about 1 GiB of
// names in memory), or MLOPS_MAX_REMOTE_BLOBS when that is lower (tests).
std::size_t max_remote_blobs() {
  constexpr std::size_t k_max = 10'000'000;
  const char* env = std::getenv("MLOPS_MAX_REMOTE_BLOBS");
  if (!env || !*env) return k_max;
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(env, env + std::strlen(env), v);
  if (ec != std::errc() || *end != '\0') throw Error(ErrorKind::usage, "MLOPS_MAX_REMOTE_BLOBS must be a number");
  return std::min(v, k_max);
}

struct Remote {
  std::string url;
  std::unique_ptr<remote::Backend> backend;
};

Remote open_remote(const package::Store& store, const std::string& url, const remote::TransferOptions& o) {
  const remote::Location loc = remote::parse_location(url);
  Remote r;
  r.url = url;
  r.backend = remote::open_backend(loc, remote::backend_options(store.state_dir(), o));
  return r;
}

// Which of `digests` (hex) the remote has: one listing where the backend can, else one
// stat per blob, in parallel (the HTTP backends share one connection pool).
std::set<std::string> remote_has(remote::Backend& b, const std::vector<std::string>& digests, unsigned jobs) {
  std::set<std::string> r;
  if (digests.empty()) return r;
  // A listing is 1,000 keys a request, one after the other: worth it for many wanted blobs,
  // and only while the remote holds at most 20 times as many.
  std::optional<std::vector<std::string>> all;
  try {
    if (digests.size() >= 256) all = b.list_blobs(k_repo, digests.size() * 20);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted || e.kind() == ErrorKind::usage) throw;
    log::debug("cache: listing the remote failed ({}); asking blob by blob", e.what());
  }
  if (all) {
    const std::set<std::string> want(digests.begin(), digests.end());
    for (const std::string& d : *all)
      if (want.count(d.substr(7))) r.insert(d.substr(7));
    return r;
  }
  std::vector<char> has(digests.size(), 0);
  remote::for_each_parallel(digests.size(), jobs, [&](std::size_t i) { has[i] = b.stat_blob(k_repo, "sha256:" + digests[i]) ? 1 : 0; });
  for (std::size_t i = 0; i < digests.size(); ++i)
    if (has[i]) r.insert(digests[i]);
  return r;
}

std::uint64_t blob_size(const package::Store& store, const std::string& hex) {
  struct stat st {};
  if (::stat(store.blob_path("sha256:" + hex).c_str(), &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

// Downloads one blob into the store (resuming a partial download), verified before it lands.
// False when the remote has no such blob.
bool fetch_blob(remote::Backend& b, package::Store& store, const std::string& hex, std::uint64_t size, std::atomic<std::uint64_t>& bytes) {
  const std::string digest = "sha256:" + hex;
  package::BlobWriter w(store, digest);
  if (store.has_blob(digest, size)) {
    w.discard();
    return true;
  }
  if (w.size() > size) w.restart();
  const package::Descriptor d{"application/octet-stream", digest, size, {}, nlohmann::json::object()};
  try {
    if (w.size() < size)
      b.get_blob(k_repo, d, w.size(),
                 [&](const char* data, std::size_t n) {
                   if (w.size() + n > size) {
                     w.discard();
                     throw Error(ErrorKind::invalid_input,
                                 "blob " + digest + " from the remote is bigger than " + std::to_string(size) + " bytes");
                   }
                   w.write(data, n);
                   bytes += n;
                 },
                 {});
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::not_found) return false;
    throw;
  }
  if (w.size() != size)
    throw Error(ErrorKind::remote,
                "blob " + digest + " from the remote ended after " + std::to_string(w.size()) + " of " + std::to_string(size) + " bytes",
                "run the same command again: it continues where this one stopped");
  try {
    w.commit(digest);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) throw;
    throw Error(ErrorKind::invalid_input, "blob " + digest + " from the remote does not match its digest",
                "the remote's copy is corrupt; nothing was stored");
  }
  return true;
}

struct Want {
  std::string hex;
  std::uint64_t size = 0;
};

// Fetches `outs` (manifests first, then the files they list) into the store. Returns the hex
// digests the remote lacks.
std::vector<std::string> fetch_outs(remote::Backend& b, package::Store& store, const std::vector<LockedPath>& outs, unsigned jobs,
                                    CacheResult& r) {
  std::vector<std::string> missing;
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::size_t> fetched{0};
  std::mutex m;
  const auto run = [&](const std::vector<Want>& todo) {
    remote::for_each_parallel(todo.size(), jobs, [&](std::size_t i) {
      if (store.has_blob("sha256:" + todo[i].hex, todo[i].size)) {
        const std::lock_guard g(m);
        ++r.blobs_present;
        return;
      }
      if (fetch_blob(b, store, todo[i].hex, todo[i].size, bytes)) {
        ++fetched;
      } else {
        const std::lock_guard g(m);
        missing.push_back(todo[i].hex);
      }
    });
  };
  // Manifests: their size is not recorded; read bounded, checked by digest.
  std::vector<Want> files;
  std::set<std::string> seen;
  for (const LockedPath& o : outs) {
    if (!o.nfiles) {
      if (seen.insert(o.sha256).second) files.push_back({o.sha256, o.size});
      continue;
    }
    if (!store.has_blob("sha256:" + o.sha256)) {
      const auto text = [&]() -> std::optional<std::string> {
        try {
          package::Descriptor d{"application/json", "sha256:" + o.sha256, 0, {}, nlohmann::json::object()};
          std::string got;
          b.get_blob(k_repo, d, 0,
                     [&](const char* p, std::size_t n) {
                       if (got.size() + n > (256u << 20))
                         throw Error(ErrorKind::invalid_input, "the manifest of " + o.path + " on the remote is over 256 MiB");
                       got.append(p, n);
                     },
                     {});
          return got;
        } catch (const Error& e) {
          if (e.kind() == ErrorKind::not_found) return std::nullopt;
          throw;
        }
      }();
      if (!text) {
        missing.push_back(o.sha256);
        continue;
      }
      if (sha256_hex(*text) != o.sha256)
        throw Error(ErrorKind::invalid_input, "the manifest of " + o.path + " on the remote does not match its digest",
                    "the remote's copy is corrupt; nothing was stored");
      std::vector<DirEntry> check;
      if (!manifest_entries_ok(*text, check))
        throw Error(ErrorKind::invalid_input,
                    "the manifest of " + o.path + " (sha256:" + o.sha256 + ") on the remote is not one mlops restores");
      store.put_blob(*text);
      ++fetched;
    } else {
      ++r.blobs_present;
    }
    if (const auto es = dir_entries(store, o.sha256))
      for (const DirEntry& e : *es)
        if (seen.insert(e.sha256).second) files.push_back({e.sha256, e.size});
  }
  run(files);
  r.blobs_fetched += fetched;
  r.bytes += bytes;
  return missing;
}

// Local run-cache entries: key -> entry text.
std::vector<std::pair<std::string, std::string>> local_runs(const package::Store& store) {
  std::vector<std::pair<std::string, std::string>> r;
  std::error_code ec;
  for (stdfs::recursive_directory_iterator it(store.state_dir() / "runs", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string key = it->path().filename().string();
    if (!cache_hex64(key) || !it->is_regular_file(ec)) continue;
    try {
      r.emplace_back(key, fs::read_regular_file(it->path(), k_max_run_entry));
    } catch (const Error&) {
    }
  }
  return r;
}

// The outputs a run-cache entry names, checked; nullopt for anything else.
std::optional<std::vector<LockedPath>> parse_run(const std::string& text) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object() || !doc.contains("outs") || !doc["outs"].is_array() || doc["outs"].size() > 10000) return std::nullopt;
  std::vector<LockedPath> r;
  std::set<std::string> paths;
  for (const auto& o : doc["outs"]) {
    if (!o.is_object() || !o.contains("path") || !o["path"].is_string() || !o.contains("sha256") || !o["sha256"].is_string() ||
        !o.contains("size") || !o["size"].is_number_unsigned())
      return std::nullopt;
    LockedPath p{o["path"].get<std::string>(), o["sha256"].get<std::string>(), o["size"].get<std::uint64_t>(), std::nullopt};
    if (o.contains("nfiles")) {
      if (!o["nfiles"].is_number_unsigned() || o["nfiles"].get<std::uint64_t>() > k_max_data_files) return std::nullopt;
      p.nfiles = o["nfiles"].get<std::uint64_t>();
    }
    if (!cache_hex64(p.sha256) || p.size > k_max_data_size || !paths.insert(p.path).second) return std::nullopt;
    r.push_back(std::move(p));
  }
  return r;
}

}  // namespace

CacheResult cache_push(const stdfs::path& project, const stdfs::path& store_root, const std::string& url, const CacheOptions& o) {
  package::Store store(store_root, package::StoreAccess::write);
  Remote rem = open_remote(store, url, o);
  CacheResult r;
  r.url = url;
  std::vector<LockedPath> outs = workspace_refs(project);
  const auto runs = o.run_cache ? local_runs(store) : std::vector<std::pair<std::string, std::string>>{};
  std::vector<std::vector<LockedPath>> run_outs;
  for (const auto& [key, text] : runs) {
    run_outs.push_back(parse_run(text).value_or(std::vector<LockedPath>{}));
    for (const LockedPath& x : run_outs.back()) outs.push_back(x);
  }
  // Files first, directory manifests after every file they list.
  std::set<std::string> manifests;
  for (const LockedPath& x : outs)
    if (x.nfiles) manifests.insert(x.sha256);
  const std::vector<std::string> all = expand(store, outs);
  std::vector<std::string> present;
  for (const std::string& h : all) {
    if (store.has_blob("sha256:" + h)) present.push_back(h);
    else r.missing.push_back("sha256:" + h);
  }
  const std::set<std::string> there = remote_has(*rem.backend, present, o.jobs);
  std::vector<std::string> files, dirs;
  for (const std::string& h : present) {
    if (there.count(h)) ++r.blobs_present;
    else (manifests.count(h) ? dirs : files).push_back(h);
  }
  std::atomic<std::uint64_t> bytes{0};
  const auto send = [&](const std::vector<std::string>& list) {
    remote::for_each_parallel(list.size(), o.jobs, [&](std::size_t i) {
      const std::uint64_t size = blob_size(store, list[i]);
      const package::Descriptor d{"application/octet-stream", "sha256:" + list[i], size, {}, nlohmann::json::object()};
      rem.backend->put_blob(k_repo, d, store.blob_path(d.digest), {});
      bytes += size;
    });
  };
  send(files);
  send(dirs);
  r.blobs_sent = files.size() + dirs.size();
  r.bytes = bytes;
  // Run-cache entries last, each only when every blob it names is on the remote now.
  std::set<std::string> on_remote(there.begin(), there.end());
  on_remote.insert(files.begin(), files.end());
  on_remote.insert(dirs.begin(), dirs.end());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    check_interrupted();
    if (run_outs[i].empty()) continue;
    bool whole = true;
    for (const std::string& h : expand(store, run_outs[i])) whole = whole && on_remote.count(h);
    if (!whole) continue;
    rem.backend->put_file(k_repo, "runs/" + runs[i].first + ".json", runs[i].second);
    ++r.runs_sent;
  }
  return r;
}

CacheResult cache_fetch(const stdfs::path& project, const stdfs::path& store_root, const std::string& url, const CacheOptions& o) {
  package::Store store(store_root, package::StoreAccess::write);
  const package::FileLock guard = store.writer_lock();
  Remote rem = open_remote(store, url, o);
  CacheResult r;
  r.url = url;
  const std::vector<LockedPath> outs = workspace_refs(project);
  std::vector<LockedPath> have_local;
  for (const LockedPath& x : outs) have_local.push_back(x);
  const auto missing = fetch_outs(*rem.backend, store, have_local, o.jobs, r);
  for (const std::string& h : missing) r.missing.push_back("sha256:" + h);
  if (!r.missing.empty() && !o.missing_ok)
    throw Error(ErrorKind::not_found,
                std::to_string(r.missing.size()) + " blob(s) are on neither the store nor " + remote::parse_location(url).scheme +
                    " remote " + url + " (first: " + r.missing.front() + ")",
                "push them from where they were made ('mlops cache push'), or 'mlops repro' makes stage outputs again");
  return r;
}

bool fetch_run(const stdfs::path& store_root, const std::string& url, const std::string& key, const CacheOptions& o) {
  if (!cache_hex64(key)) return false;
  package::Store store(store_root, package::StoreAccess::write);
  const package::FileLock guard = store.writer_lock();
  Remote rem = open_remote(store, url, o);
  const auto text = rem.backend->get_file(k_repo, "runs/" + key + ".json", k_max_run_entry);
  if (!text) return false;
  const auto outs = parse_run(*text);
  if (!outs) {
    log::warn("the remote's run-cache entry {} is not one mlops writes; ignored", key);
    return false;
  }
  CacheResult r;
  if (!fetch_outs(*rem.backend, store, *outs, o.jobs, r).empty()) return false;
  run_cache_put(store, key, *outs);
  return true;
}

namespace {

// What mlops.lock and the pointers name in the chosen revisions, read from git objects.
// History repeats itself: a lock unchanged over 1,000 commits is one blob, a directory
// unchanged is one tree. So each lock blob is parsed once (by its id), each pointer blob
// once, and a tree already walked (by its id) is not walked again: what it holds was added
// the first time. Symbolic links (mode 120000) are skipped, never read as a lock or a
// pointer: their blob is the link's target text.
class RevRefs {
 public:
  RevRefs(git::RepositoryPtr& repo, stdfs::path prefix, std::vector<LockedPath>& out)
      : m_repo(repo), m_prefix(std::move(prefix)), m_out(out) {}

  void add(const std::string& rev) {
    git_object* obj = nullptr;
    git::check(git::git_revparse_single(&obj, m_repo.get(), rev.c_str()), "unknown revision '" + escape_controls(rev) + "'");
    git::ObjectPtr o(obj);
    git_object* peeled = nullptr;
    git::check(git::git_object_peel(&peeled, o.get(), GIT_OBJECT_TREE), "revision '" + escape_controls(rev) + "' has no tree");
    git::ObjectPtr tree_obj(peeled);
    const git_tree* root = reinterpret_cast<const git_tree*>(tree_obj.get());
    git::TreePtr sub;
    const git_tree* tree = root;
    if (!m_prefix.empty() && m_prefix != ".") {
      git_tree_entry* e = nullptr;
      if (git::git_tree_entry_bypath(&e, root, m_prefix.generic_string().c_str()) != 0) return;
      git::TreeEntryPtr entry(e);
      git_tree* t = nullptr;
      if (git::git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE ||
          git::git_tree_lookup(&t, m_repo.get(), git::git_tree_entry_id(entry.get())) != 0)
        return;
      sub.reset(t);
      tree = t;
    }
    try {
      walk(tree);
    } catch (const Error& e) {
      throw Error(e.kind(), "revision '" + escape_controls(rev) + "': " + e.what(), e.hint());
    }
  }

  std::size_t lock_blobs_parsed() const { return m_locks_parsed; }

 private:
  static std::string id_of(const git_oid* oid) { return std::string(reinterpret_cast<const char*>(oid->id), GIT_OID_RAWSZ); }

  std::optional<std::string> blob_text(const git_tree_entry* e, std::size_t max, const std::string& rel) {
    git_blob* b = nullptr;
    if (git::git_blob_lookup(&b, m_repo.get(), git::git_tree_entry_id(e)) != 0) return std::nullopt;
    git::BlobPtr blob(b);
    const auto size = static_cast<std::size_t>(git::git_blob_rawsize(blob.get()));
    if (size > max)
      throw Error(ErrorKind::invalid_input, escape_controls(rel) + " is over " + std::to_string(max) + " bytes, more than mlops writes");
    return std::string(static_cast<const char*>(git::git_blob_rawcontent(blob.get())), size);
  }

  void walk(const git_tree* top) {
    std::vector<std::pair<const git_tree*, std::string>> todo;
    std::vector<git::TreePtr> held;
    // Roots apart: only there is mlops.lock read, so a tree walked as a subdirectory first
    // still counts as a root later.
    if (m_roots.insert(id_of(git::git_tree_id(top))).second) todo.emplace_back(top, "");
    while (!todo.empty()) {
      auto [t, dir] = todo.back();
      todo.pop_back();
      const std::size_t n = git::git_tree_entrycount(t);
      std::set<std::string> names;
      for (std::size_t i = 0; i < n; ++i) names.insert(git::git_tree_entry_name(git::git_tree_entry_byindex(t, i)));
      for (std::size_t i = 0; i < n; ++i) {
        if (++m_visited > 10'000'000) throw Error(ErrorKind::invalid_input, "the trees of the revisions are too big to read");
        const git_tree_entry* e = git::git_tree_entry_byindex(t, i);
        const std::string name = git::git_tree_entry_name(e);
        if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos || name == ".git") continue;
        const std::string rel = dir.empty() ? name : dir + "/" + name;
        if (git::git_tree_entry_type(e) == GIT_OBJECT_TREE) {
          // A data directory (a sibling NAME.mlops) is not searched, as in the workspace.
          if (names.count(name + k_pointer_suffix) || !m_trees.insert(id_of(git::git_tree_entry_id(e))).second) continue;
          git_tree* child = nullptr;
          if (git::git_tree_lookup(&child, m_repo.get(), git::git_tree_entry_id(e)) != 0) continue;
          held.emplace_back(child);
          todo.emplace_back(child, rel);
          continue;
        }
        if (git::git_tree_entry_type(e) != GIT_OBJECT_BLOB || git::git_tree_entry_filemode(e) == GIT_FILEMODE_LINK) continue;
        const bool lock = dir.empty() && name == k_lock_file;
        const bool pointer = name.size() > 6 && name.ends_with(k_pointer_suffix);
        if (!lock && !pointer) continue;
        const std::string id = id_of(git::git_tree_entry_id(e));
        if (lock) {
          if (!m_locks.insert(id).second) continue;
          const auto text = blob_text(e, std::size_t{64} << 20, rel);
          if (!text) continue;
          ++m_locks_parsed;
          for (const auto& [stage, entry] : parse_lock(*text).stages)
            for (const LockedPath& x : entry.outs) m_out.push_back(x);
        } else {
          if (!m_pointers.insert(id + name).second) continue;  // its name is checked with it
          const auto text = blob_text(e, k_max_pointer_bytes, rel);
          if (!text) continue;
          m_out.push_back(parse_pointer("/", stdfs::path("/") / rel, *text).out);
        }
      }
    }
  }

  git::RepositoryPtr& m_repo;
  stdfs::path m_prefix;
  std::vector<LockedPath>& m_out;
  std::set<std::string> m_roots, m_trees, m_locks, m_pointers;
  std::size_t m_locks_parsed = 0, m_visited = 0;
};

std::vector<std::string> all_commits(git::RepositoryPtr& repo) {
  git_revwalk* w = nullptr;
  git::check(git::git_revwalk_new(&w, repo.get()), "cannot walk the history");
  git::RevwalkPtr walk(w);
  for (const char* glob : {"refs/heads/*", "refs/tags/*"}) {
    git_reference_iterator* raw = nullptr;
    if (git::git_reference_iterator_glob_new(&raw, repo.get(), glob) != 0) continue;
    git::ReferenceIteratorPtr it(raw);
    git_reference* ref = nullptr;
    while (git::git_reference_next(&ref, it.get()) == 0) {
      git::ReferencePtr held(ref);
      git_object* c = nullptr;
      if (git::git_reference_peel(&c, ref, GIT_OBJECT_COMMIT) != 0) continue;
      git::ObjectPtr commit(c);
      git::git_revwalk_push(walk.get(), git::git_object_id(commit.get()));
    }
  }
  std::vector<std::string> r;
  git_oid oid;
  while (git::git_revwalk_next(&oid, walk.get()) == 0) {
    r.push_back(git::git_oid_tostr_s(&oid));
    if (r.size() > 1'000'000) break;
  }
  return r;
}

}  // namespace

CacheGcResult cache_gc(const stdfs::path& project_in, const stdfs::path& store_root, const CacheGcOptions& o) {
  const stdfs::path project = stdfs::canonical(project_in);
  package::Store store(store_root, package::StoreAccess::write);
  // What the workspace and the chosen revisions name.
  std::vector<LockedPath> outs = workspace_refs(project);
  std::size_t lock_blobs = 0;
  if (!o.revs.empty() || o.all_commits) {
    git::RepositoryPtr repo = [&] {
      git_repository* r = nullptr;
      git::check(git::git_repository_open_ext(&r, project.c_str(), 0, nullptr), "cannot open the project's git repository");
      return git::RepositoryPtr(r);
    }();
    const char* wd = git::git_repository_workdir(repo.get());
    const stdfs::path prefix = wd ? project.lexically_relative(stdfs::canonical(wd)) : stdfs::path();
    std::vector<std::string> revs = o.revs;
    if (o.all_commits)
      for (auto& c : all_commits(repo)) revs.push_back(std::move(c));
    RevRefs refs(repo, prefix, outs);
    for (const std::string& rev : revs) refs.add(rev);
    lock_blobs = refs.lock_blobs_parsed();
  }
  CacheGcResult r;
  r.lock_blobs_parsed = lock_blobs;
  r.dry_run = !o.force;
  if (!o.remote_url.empty()) {
    Remote rem = open_remote(store, o.remote_url, o.transfer);
    // Bounded: a remote (anyone's bucket or directory) listing millions of names must not
    // take all memory. Past the cap gc refuses before deleting anything.
    const std::size_t cap = max_remote_blobs();
    std::optional<std::vector<std::string>> listed;
    try {
      listed = rem.backend->list_blobs(k_repo, cap);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::invalid_input) throw;
      throw Error(ErrorKind::invalid_input, "cache gc --remote: " + std::string(e.what()) + "; nothing was deleted",
                  "mlops collects a remote cache of at most " + std::to_string(cap) + " blobs (MLOPS_MAX_REMOTE_BLOBS may lower it)");
    }
    if (!listed) throw Error(ErrorKind::usage, "mlops cannot list the blobs of a " + std::string(rem.backend->scheme()) + ":// remote");
    // Kept on the remote: what the workspace and revisions name, and the local store's roots.
    std::vector<std::string> roots;
    for (const std::string& h : expand(store, outs)) roots.push_back("sha256:" + h);
    const std::set<std::string> live = package::live_blobs(store, roots);
    for (const std::string& d : *listed) {
      if (live.count(d)) {
        ++r.kept;
        continue;
      }
      ++r.removed;
      if (o.force) rem.backend->delete_blob(k_repo, d);
    }
    return r;
  }
  const package::FileLock guard = store.gc_lock(true);
  // The workspace's pins are written first: package gc then keeps the same blobs.
  {
    std::vector<LockedPath> lock_outs, data_outs;
    for (const auto& [n, e] : read_lock(project).stages)
      for (const LockedPath& x : e.outs) lock_outs.push_back(x);
    for (Pointer& p : find_pointers(project)) data_outs.push_back(std::move(p.out));
    write_pins(store, project, "lock", expand(store, lock_outs));
    write_pins(store, project, "data", expand(store, data_outs));
  }
  // Pins of projects whose directory is gone keep nothing: that project can never need its
  // blobs again (a directory that merely cannot be read is not gone: only ENOENT counts; a
  // project below an unmounted mount point does look gone, as docs/formats.md warns).
  // Dropped with --force, left out of the roots either way so the dry run says what --force
  // deletes.
  std::set<stdfs::path> gone;
  std::error_code ec;
  for (stdfs::directory_iterator it(store.state_dir() / "pins", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string who = package::pin_project(it->path());
    struct stat st {};
    if (who.empty() || who.front() != '/' || ::stat(who.c_str(), &st) == 0 || errno != ENOENT) continue;
    gone.insert(it->path());
    if (std::find(r.pins_dropped.begin(), r.pins_dropped.end(), who) == r.pins_dropped.end()) r.pins_dropped.push_back(who);
  }
  std::sort(r.pins_dropped.begin(), r.pins_dropped.end());
  std::vector<std::string> roots = package::store_roots(store, gone);
  for (const std::string& h : expand(store, outs)) roots.push_back("sha256:" + h);
  if (o.force)
    for (const stdfs::path& f : gone) ::unlink(f.c_str());
  const std::set<std::string> live = package::live_blobs(store, roots);
  ec.clear();
  for (stdfs::directory_iterator it(store.root() / "blobs" / "sha256", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string digest = "sha256:" + it->path().filename().string();
    if (live.count(digest)) {
      ++r.kept;
      continue;
    }
    std::error_code sec;
    const auto size = stdfs::file_size(it->path(), sec);
    ++r.removed;
    r.bytes += sec ? 0 : size;
    if (o.force) ::unlink(it->path().c_str());
  }
  return r;
}

std::vector<std::string> cache_unpin(const stdfs::path& store_root, const stdfs::path& project) {
  std::vector<std::string> r;
  std::error_code ec;
  if (!stdfs::exists(store_root, ec)) return r;
  // The path as the pins recorded it (canonical when written), and as given: a project that
  // is gone can no longer be made canonical.
  std::set<std::string> names{stdfs::absolute(project).lexically_normal().string()};
  if (const stdfs::path c = stdfs::canonical(project, ec); !ec) names.insert(c.string());
  std::set<std::string> trimmed;
  for (std::string n : names) {
    while (n.size() > 1 && n.back() == '/') n.pop_back();
    trimmed.insert(n);
  }
  const package::Store store(store_root, package::StoreAccess::write);
  const package::FileLock guard = store.gc_lock(true);  // not while a gc reads them
  for (stdfs::directory_iterator it(store.state_dir() / "pins", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string who = package::pin_project(it->path());
    if (!trimmed.count(who)) continue;
    if (::unlink(it->path().c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove " + it->path().string());
    r.push_back(it->path().filename().string());
  }
  std::sort(r.begin(), r.end());
  return r;
}

FsckResult cache_fsck(const stdfs::path& store_root) {
  const package::Store store(store_root, package::StoreAccess::read);
  std::vector<stdfs::path> blobs;
  std::error_code ec;
  for (stdfs::directory_iterator it(store.root() / "blobs" / "sha256", ec), end; !ec && it != end; it.increment(ec))
    blobs.push_back(it->path());
  FsckResult r;
  std::vector<char> bad(blobs.size(), 0);
  remote::for_each_parallel(blobs.size(), std::max(2u, std::thread::hardware_concurrency()), [&](std::size_t i) {
    const std::string name = blobs[i].filename().string();
    if (!cache_hex64(name)) return;
    try {
      bad[i] = sha256_file(blobs[i]).sha256 != name ? 1 : 0;
    } catch (const Error&) {
      bad[i] = 1;
    }
  });
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    if (!cache_hex64(blobs[i].filename().string())) continue;
    ++r.checked;
    if (bad[i]) r.corrupt.push_back("sha256:" + blobs[i].filename().string());
  }
  std::sort(r.corrupt.begin(), r.corrupt.end());
  return r;
}

}  // namespace mlops::pipeline
