// SPDX-License-Identifier: MIT
// exp push / exp pull: refs/mlops/exps/* through any remote libgit2 speaks. Runs are
// append-only; the one thing two copies can disagree on is annotation (tags, note), and
// pull merges that instead of picking a side.
#include "exp/sync.hpp"
#include "core/url.hpp"
#include "exp/cache.hpp"
#include "exp/query.hpp"
#include "exp/record_check.hpp"
#include "exp/store.hpp"
#include "git/refs_files.hpp"
#include "git/repo.hpp"

#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/log.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

namespace mlops::exp {

using namespace mlops::git;

namespace {

struct Remote {
  RemotePtr remote;
  std::string label;  // name or redacted URL
  std::string tracking_prefix;
};

Remote open_remote(Repo& r, const std::string& name_or_url) {
  Remote out;
  git_remote* raw = nullptr;
  const std::string name = name_or_url.empty() ? "origin" : name_or_url;
  if (git_remote_lookup(&raw, r.get(), name.c_str()) == 0) {
    out.label = name;
    out.tracking_prefix = "refs/mlops/remotes/" + name + "/exps/";
  } else {
    const bool looks_like_url =
        name.find("://") != std::string::npos || name.find('/') != std::string::npos || name.find(':') != std::string::npos;
    if (!looks_like_url) {
      throw Error(ErrorKind::not_found, "no git remote named '" + name + "'",
                  "add one with 'git remote add " + name + " URL', or give a URL");
    }
    check(git_remote_create_anonymous(&raw, r.get(), name.c_str()), "invalid remote URL " + redact_url(name));
    out.label = redact_url(name);
    out.tracking_prefix = "refs/mlops/remotes/_url/exps/";
  }
  out.remote.reset(raw);
  return out;
}

[[noreturn]] void remote_failure(const Error& e, const std::string& label) {
  if (e.kind() == ErrorKind::interrupted) throw e;
  std::string why = e.what();
  // libgit2 says "unsupported URL protocol" of a local path that does not exist.
  if (const std::string path = label.rfind("file://", 0) == 0 ? label.substr(7) : label; !path.empty() && path[0] == '/') {
    std::error_code ec;
    if (!stdfs::exists(path, ec)) why = "no repository at that path";
  }
  // Keeps the retry class (auth stays auth) of a remote error; any other kind becomes remote.
  throw Error(e.kind() == ErrorKind::remote ? e.remote_failure() : RemoteFailure::unspecified,
              std::string("cannot reach ") + label + ": " + why,
              "check the remote's URL and your access (git ls-remote works the same way)");
}

std::map<std::string, std::string> remote_runs(Remote& rem) {
  git_remote_callbacks cb;
  git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
  set_remote_callbacks(cb);
  try {
    check(git_remote_connect(rem.remote.get(), GIT_DIRECTION_PUSH, &cb, nullptr, nullptr), "connect");
  } catch (const Error& e) {
    check_interrupted();
    remote_failure(e, rem.label);
  }
  const git_remote_head** heads = nullptr;
  size_t n = 0;
  check(git_remote_ls(&heads, &n, rem.remote.get()), "cannot list the remote's refs");
  std::map<std::string, std::string> out;
  const std::string prefix = k_ref_prefix;
  for (size_t i = 0; i < n; ++i) {
    const std::string name = heads[i]->name;
    if (name.rfind(prefix, 0) == 0) out[name.substr(prefix.size())] = oid_hex(heads[i]->oid);
  }
  git_remote_disconnect(rem.remote.get());
  return out;
}

struct PushState {
  std::vector<std::string> rejected;
  size_t accepted = 0;
};

int on_push_update(const char* ref, const char* status, void* payload) {
  auto* st = static_cast<PushState*>(payload);
  if (status != nullptr) {
    st->rejected.push_back(std::string(ref) + ": " + status);
  } else {
    ++st->accepted;
  }
  return 0;
}

bool has_object(Repo& r, const std::string& commit) {
  const git_oid id = parse_oid(commit);
  git_object* obj = nullptr;
  if (git_object_lookup(&obj, r.get(), &id, GIT_OBJECT_COMMIT) != 0) return false;
  git_object_free(obj);
  return true;
}

// True when `ancestor` is reachable from `commit` within k_max_walk commits, breadth first:
// a run's records are a short chain near its tip, and a remote's run may sit on an enormous
// history that must not be walked to the end. Beyond the bound the answer is "no", which
// makes pull merge (both records stay ancestors of the merge, so nothing is lost).
bool descendant_of(Repo& r, const std::string& commit, const std::string& ancestor) {
  constexpr size_t k_max_walk = 10000;
  const git_oid target = parse_oid(ancestor);
  std::deque<git_oid> todo{parse_oid(commit)};
  std::set<std::string> seen{commit};
  while (!todo.empty() && seen.size() <= k_max_walk) {
    const git_oid id = todo.front();
    todo.pop_front();
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, r.get(), &id) != 0) continue;
    CommitPtr owner(c);
    for (unsigned i = 0; i < git_commit_parentcount(c); ++i) {
      const git_oid* p = git_commit_parent_id(c, i);
      if (p == nullptr) continue;
      if (git_oid_equal(p, &target)) return true;
      if (seen.insert(oid_hex(*p)).second) todo.push_back(*p);
    }
  }
  return false;
}

// "ID" for a ref under `prefix` (its name, made printable, when it is not an id).
std::string ref_label(const std::string& ref, const std::string& prefix) { return printable(ref.substr(prefix.size())); }

// Local and remote copies of one run diverged (each annotated separately): a merge commit
// whose run.json has both sides' tags, the furthest status and both notes.
std::string merge_runs(Repo& r, const std::string& local, const std::string& remote) {
  Run a = read_run(r, local);
  const Run b = read_run(r, remote);
  for (const auto& t : b.tags) {
    if (std::find(a.tags.begin(), a.tags.end(), t) == a.tags.end()) a.tags.push_back(t);
  }
  if (!b.note.empty() && a.note.find(b.note) == std::string::npos) a.note = a.note.empty() ? b.note : a.note + "\n" + b.note;
  if (a.status == "running" && b.status != "running") return remote;  // theirs is the finished record
  const std::string rewritten = rewrite_run_json(r, local, a);
  // Re-parent onto both sides so each is an ancestor and pushes fast-forward.
  return make_merge_commit(r, rewritten, {local, remote});
}

}  // namespace

std::vector<std::string> push_refspecs(Repo& r, const std::string& remote_name, const std::vector<std::string>& specs_in) {
  if (specs_in.empty()) return {};
  Remote rem = open_remote(r, remote_name);
  std::vector<std::string> specs = specs_in;
  std::vector<char*> ptrs;
  for (auto& s : specs) ptrs.push_back(s.data());
  git_strarray arr{ptrs.data(), ptrs.size()};
  git_push_options po;
  check(git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION), "libgit2");
  set_remote_callbacks(po.callbacks);
  PushState st;
  po.callbacks.push_update_reference = on_push_update;
  po.callbacks.payload = &st;
  try {
    check(git_remote_push(rem.remote.get(), &arr, &po), "push");
  } catch (const Error& e) {
    check_interrupted();
    remote_failure(e, rem.label);
  }
  return st.rejected;
}

void fetch_refspecs(Repo& r, const std::string& remote_name, const std::vector<std::string>& specs_in) {
  if (specs_in.empty()) return;
  Remote rem = open_remote(r, remote_name);
  std::vector<std::string> specs = specs_in;
  std::vector<char*> ptrs;
  for (auto& s : specs) ptrs.push_back(s.data());
  git_strarray arr{ptrs.data(), ptrs.size()};
  git_fetch_options fo;
  check(git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION), "libgit2");
  set_remote_callbacks(fo.callbacks);
  fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  fo.update_fetchhead = 0;  // FETCH_HEAD would keep the URL
  try {
    // Our own reflog message: libgit2's default ("fetch URL") would keep the URL.
    check(git_remote_fetch(rem.remote.get(), &arr, &fo, "mlops: fetch"), "fetch");
  } catch (const Error& e) {
    check_interrupted();
    remote_failure(e, rem.label);
  }
}

void check_reachable(Repo* r, const std::string& remote_name) {
  Remote rem;
  if (r != nullptr) {
    rem = open_remote(*r, remote_name);
  } else {
    git_remote* raw = nullptr;
    check(git_remote_create_detached(&raw, remote_name.c_str()), "invalid remote URL " + redact_url(remote_name));
    rem.remote.reset(raw);
    rem.label = redact_url(remote_name);
  }
  git_remote_callbacks cb;
  check(git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION), "libgit2");
  set_remote_callbacks(cb);
  try {
    // Read-only: the fetch direction's handshake and ref listing are all a task's first step needs.
    check(git_remote_connect(rem.remote.get(), GIT_DIRECTION_FETCH, &cb, nullptr, nullptr), "connect");
    const git_remote_head** heads = nullptr;
    size_t n = 0;
    check(git_remote_ls(&heads, &n, rem.remote.get()), "cannot list the remote's refs");
  } catch (const Error& e) {
    check_interrupted();
    remote_failure(e, rem.label);
  }
  git_remote_disconnect(rem.remote.get());
}

SyncResult push(const stdfs::path& cwd, const std::string& remote_name) {
  Repo r = open_repo(cwd, false);
  return push_runs(r, remote_name, nullptr);
}

SyncResult push_runs(Repo& r, const std::string& remote_name, const std::set<std::string>* only) {
  Remote rem = open_remote(r, remote_name);
  const auto theirs = remote_runs(rem);
  std::vector<std::string> specs;
  SyncResult res;
  // Only valid runs leave: the listing's checks, then the files of each run to be sent.
  const RunIndex index = load_runs(r, false);
  for (const auto& bad : index.invalid) {
    if (only == nullptr) res.rejected.push_back(ref_label(bad.ref, k_ref_prefix) + ": " + bad.reason);
  }
  for (const auto& c : index.runs) {
    const RefEntry e{c.id, c.commit};
    if (only != nullptr && only->count(e.id) == 0) continue;
    auto it = theirs.find(e.id);
    if (it != theirs.end() && it->second == e.commit) {
      ++res.unchanged;
      continue;
    }
    if (const auto problem = check_run_commit(r, e.commit, e.id); !problem.empty()) {
      res.rejected.push_back(e.id + ": " + problem);
      continue;
    }
    // Only fast-forwards: a run annotated on both sides is merged by `exp pull` first.
    if (it != theirs.end() && !has_object(r, it->second)) {
      res.rejected.push_back(e.id + ": the remote has a newer record; run 'mlops exp pull' first");
      continue;
    }
    if (it != theirs.end() && !descendant_of(r, e.commit, it->second)) {
      res.rejected.push_back(e.id + ": diverged from the remote; run 'mlops exp pull' first");
      continue;
    }
    specs.push_back(std::string(k_ref_prefix) + e.id + ":" + k_ref_prefix + e.id);
    res.updated.push_back(e.id);
  }
  if (specs.empty()) return res;
  for (const auto& ref_rej : push_refspecs(r, remote_name, specs)) {
    std::string rej = ref_rej;
    if (rej.rfind(k_ref_prefix, 0) == 0) rej = rej.substr(std::string(k_ref_prefix).size());
    res.rejected.push_back(rej);  // refused by the server
    const std::string id = rej.substr(0, rej.find(':'));
    res.updated.erase(std::remove(res.updated.begin(), res.updated.end(), id), res.updated.end());
  }
  return res;
}

SyncResult pull(const stdfs::path& cwd, const std::string& remote_name) {
  Repo r = open_repo(cwd, false);
  return pull_runs(r, remote_name);
}

SyncResult pull_runs(Repo& r, const std::string& remote_name, PullExtras* extras) {
  Remote rem = open_remote(r, remote_name);
  std::vector<std::string> specs{std::string("+") + k_ref_prefix + "*:" + rem.tracking_prefix + "*"};
  if (extras != nullptr) specs.insert(specs.end(), extras->specs.begin(), extras->specs.end());
  std::vector<char*> ptrs;
  for (auto& spec : specs) ptrs.push_back(spec.data());
  git_strarray arr{ptrs.data(), ptrs.size()};
  git_fetch_options fo;
  check(git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION), "libgit2");
  set_remote_callbacks(fo.callbacks);
  fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  fo.prune = GIT_FETCH_PRUNE;
  try {
    check(git_remote_fetch(rem.remote.get(), &arr, &fo, "mlops: pull runs"), "fetch");
  } catch (const Error& e) {
    check_interrupted();
    remote_failure(e, rem.label);
  }
  if (extras != nullptr && !extras->list_prefix.empty()) {
    // The refs the fetch's connection advertised stay readable after it ends.
    const git_remote_head** heads = nullptr;
    size_t n = 0;
    if (git_remote_ls(&heads, &n, rem.remote.get()) == 0) {
      for (size_t i = 0; i < n; ++i) {
        if (std::string_view(heads[i]->name).rfind(extras->list_prefix, 0) == 0) extras->listed.insert(heads[i]->name);
      }
    }
  }
  std::map<std::string, std::string> local;
  std::set<std::string> local_invalid;
  {
    const RunIndex index = load_runs(r, false);
    for (const auto& c : index.runs) local[c.id] = c.commit;
    for (const auto& bad : index.invalid) local_invalid.insert(bad.ref);
  }

  SyncResult res;
  // What the fetch brought, refs the remote may have named anything included.
  std::vector<std::pair<std::string, std::string>> fetched;
  if (auto refs = read_refs(r.gitdir, rem.tracking_prefix)) {
    for (auto& [name, oid] : refs->refs) fetched.emplace_back(name.substr(rem.tracking_prefix.size()), std::move(oid));
    for (const auto& [name, why] : refs->bad) {
      res.rejected.push_back(ref_label(name, rem.tracking_prefix) + ": " + why);
      delete_ref_checked(r, name, "", rem.tracking_prefix);
    }
  } else {
    git_reference_iterator* it_raw = nullptr;
    const std::string glob = rem.tracking_prefix + "*";
    check(git_reference_iterator_glob_new(&it_raw, r.get(), glob.c_str()), "cannot list fetched runs");
    ReferenceIteratorPtr it(it_raw);
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, it_raw) == 0) {
      ReferencePtr owner(ref);
      if (git_reference_target(ref) == nullptr) continue;
      fetched.emplace_back(std::string(git_reference_name(ref)).substr(rem.tracking_prefix.size()), oid_hex(*git_reference_target(ref)));
    }
  }
  // A run is taken only when its commit holds a valid record of that id; the refs of the
  // others are deleted, so that nothing keeps their objects.
  std::erase_if(fetched, [&](const std::pair<std::string, std::string>& f) {
    const auto l = local.find(f.first);
    if (l != local.end() && l->second == f.second) return false;  // ours already: checked
    std::string problem = check_run_commit(r, f.second, f.first);
    if (problem.empty() && local_invalid.count(k_ref_prefix + f.first)) {
      problem = "a ref here with that id holds no valid run ('mlops exp gc --prune-invalid' removes it)";
    }
    if (problem.empty()) return false;
    res.rejected.push_back(printable(f.first) + ": " + problem);
    delete_ref_checked(r, rem.tracking_prefix + f.first, f.second, rem.tracking_prefix);
    return true;
  });
  if (extras != nullptr) {
    for (const auto& f : fetched) extras->run_ids.insert(f.first);
  }
  for (const auto& [id, theirs] : fetched) {
    auto l = local.find(id);
    if (l == local.end()) {
      create_run_ref(r, id, theirs);
      res.updated.push_back(id);
    } else if (l->second == theirs || descendant_of(r, l->second, theirs)) {
      ++res.unchanged;  // ours is the same or newer: push sends it
    } else if (descendant_of(r, theirs, l->second)) {
      if (move_run_ref(r, id, theirs, l->second)) res.updated.push_back(id);
      else res.rejected.push_back(id + ": changed locally during the pull");
    } else {
      const std::string merged = merge_runs(r, l->second, theirs);
      if (move_run_ref(r, id, merged, l->second)) res.updated.push_back(id);
      else res.rejected.push_back(id + ": changed locally during the pull");
    }
  }
  maybe_pack_refs(r);
  return res;
}

}  // namespace mlops::exp
