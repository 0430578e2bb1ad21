// SPDX-License-Identifier: MIT
// status, repro and dag: the decisions of decide.cpp over the graph of stages.cpp, with the
// stages that must run started on the worker pool as soon as their upstream is done.
#include "core/log.hpp"
#include "core/worker_pool.hpp"
#include "package/store.hpp"
#include "pipeline/busy_lock.hpp"
#include "pipeline/child.hpp"
#include "pipeline/data.hpp"
#include "pipeline/decide.hpp"
#include "pipeline/dispatch.hpp"
#include "pipeline/restore.hpp"
#include "pipeline/started.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/pipeline.hpp>

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>

namespace mlops::pipeline {
namespace {

void save_quietly(Hasher& h, const stdfs::path& state) {
  try {
    stdfs::create_directories(state);
    h.save();
  } catch (const std::exception& e) {  // derived data: the next run hashes again
    log::debug("pipeline: stat cache not saved: {}", e.what());
  }
}

std::vector<std::string> order_of(const Pipeline& p) {
  std::vector<std::string> r;
  for (const Stage& s : p.stages) r.push_back(s.name);
  return r;
}

struct Completion {
  std::size_t index = 0;
  bool ran = false, ok = true, restored = false;
  bool left = false;  // restore_only: must run and was not restored; left to the caller
  std::string detail;
  LockEntry entry;
  std::exception_ptr error;
  StartedEntry started;  // held until the main loop has dealt with this completion
};

enum class St { waiting, running, ran, skipped, failed, blocked, left };

// The outputs an earlier run with the same input key wrote, when the run cache names each of
// the stage's outputs once and the store has every blob; nullopt otherwise.
std::optional<std::vector<LockedPath>> run_cache_hit(const package::Store& store, const Stage& s, const std::string& key) {
  auto outs = run_cache_get(store, key);
  if (!outs || outs->size() != s.outs.size()) return std::nullopt;
  for (const LockedPath& out : *outs) {
    const bool listed = std::any_of(s.outs.begin(), s.outs.end(), [&](const Out& o) { return o.path == out.path; });
    if (!listed || !restorable(store, out)) return std::nullopt;
  }
  // Each output exactly once: an entry naming one twice would leave another stale.
  for (const Out& o : s.outs)
    if (std::count_if(outs->begin(), outs->end(), [&](const LockedPath& x) { return x.path == o.path; }) != 1) return std::nullopt;
  return outs;
}

// Puts back the outputs of a run-cache hit; false (the command runs) when a blob turns out
// corrupt or the disk refuses.
bool restore_hit(const package::Store& store, const Pipeline& p, const Stage& s, const std::vector<LockedPath>& outs, const Decision& d,
                 Completion& c) {
  try {
    for (const LockedPath& out : outs) restore(store, p.root, out);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    log::warn("stage '{}': not restored from the run cache: {}", s.name, e.what());
    return false;
  } catch (const stdfs::filesystem_error& e) {
    log::warn("stage '{}': not restored from the run cache: {}", s.name, e.what());
    return false;
  }
  c.entry = d.inputs;
  c.entry.outs = outs;
  return true;
}

bool restore_from_run_cache(const package::Store& store, const Pipeline& p, const Stage& s, const std::string& key, const Decision& d,
                            Completion& c) {
  const auto outs = run_cache_hit(store, s, key);
  return outs && restore_hit(store, p, s, *outs, d, c);
}

// The pipeline lock, waiting for it (polled, so that Ctrl-C ends the wait).
template <class Event>
package::FileLock wait_for_lock(const stdfs::path& state, const Event& event) {
  stdfs::create_directories(state);
  bool said = false;
  for (;;) {
    if (auto t = package::FileLock::try_exclusive(state / "lock")) return std::move(*t);
    if (!said) event("", "waiting", "another mlops repro is running in this project; waiting for it");
    said = true;
    check_interrupted();
    ::usleep(50'000);
  }
}

// The lock on a run-cache key, taken around looking it up, running and recording it.
template <class Said>
BusyLock wait_for_key(const package::Store& store, const std::string& key, const Said& say) {
  const stdfs::path dir = store.state_dir() / "busy";
  stdfs::create_directories(dir);
  bool said = false;
  for (;;) {
    if (auto t = BusyLock::try_take(dir / key)) return std::move(*t);
    if (!said) say();
    said = true;
    check_interrupted();
    ::usleep(50'000);
  }
}

// The filesystem's errors as Error{io} (std::filesystem throws its own type).
template <class F>
auto io_errors(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const stdfs::filesystem_error& e) {
    throw Error(ErrorKind::io, e.what());
  }
}

std::vector<StageState> status_impl(const stdfs::path& project, const std::vector<std::string>& targets, std::size_t* files_hashed) {
  const Pipeline p = load_pipeline(project);
  const std::vector<std::size_t> sel = select(p, targets);
  const LockFile lock = read_lock(project);
  const stdfs::path state = state_dir(project);
  Hasher hasher(state / "digests");
  // Every stage is decided against the lock, not against what another stage does now, so
  // they are decided in parallel (most of a status is stat()ing the deps' files). A failure
  // is reported for the first stage in order that failed, as a serial status would.
  std::vector<StageState> r(sel.size());
  std::vector<std::exception_ptr> failed(sel.size());
  parallel_for(sel.size(), [&](std::size_t k, unsigned) {
    const Stage& s = p.stages[sel[k]];
    try {
      const Started j = started(state, s.name);
      if (j == Started::running) {  // nothing to compare: its outputs are being written
        r[k] = StageState{s.name, true, s.frozen, "it is running now (mlops repro); its outputs are not final yet", true};
        return;
      }
      const auto it = lock.stages.find(s.name);
      const Decision d = decide(p, s, it == lock.stages.end() ? nullptr : &it->second, j == Started::unfinished, hasher);
      r[k] = StageState{s.name, !d.reason.empty(), s.frozen, d.reason};
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::interrupted) throw;
      failed[k] = std::current_exception();
    } catch (...) {
      failed[k] = std::current_exception();
    }
  });
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
  log::debug("pipeline: status read {} files", hasher.files_read());
  if (files_hashed) *files_hashed = hasher.files_read();
  save_quietly(hasher, state);
  return r;
}

ReproResult repro_impl(const stdfs::path& project, const ReproOptions& o) {
  const Pipeline p = load_pipeline(project);
  const std::vector<std::size_t> sel = select(p, o.targets,
                                              o.downstream    ? Selection::downstream
                                              : o.single_item ? Selection::single
                                                              : Selection::upstream);
  const stdfs::path state = state_dir(project);
  const auto event = [&](const std::string& stage, const std::string& what, const std::string& detail) {
    if (o.on_event) o.on_event(stage, what, detail);
  };
  std::optional<package::FileLock> lock;
  if (!o.dry) {
    stdfs::create_directories(state / "started");
    lock.emplace(wait_for_lock(state, event));
    // Holding the lock, this run is the one writer: a temporary lock file is a killed one's.
    if (const std::size_t n = clean_lock_temps(project, true)) log::debug("pipeline: removed {} stale temporary lock file(s)", n);
    // A started entry of a stage mlops.yaml no longer has (renamed, a foreach item dropped),
    // or a temporary name a kill left while one was written, can never be cleared by a run.
    std::error_code ec;
    for (stdfs::directory_iterator it(state / "started", ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (std::none_of(p.stages.begin(), p.stages.end(), [&](const Stage& s) { return s.name == name; })) {
        std::error_code rm;
        stdfs::remove(it->path(), rm);
      }
    }
  }
  LockFile lockf = read_lock(project);  // read under the lock: another repro may just have written it
  Hasher hasher(state / "digests");
  // The store, opened (and its writer lock taken) when a stage first runs: a no-op repro
  // does neither.
  std::optional<package::Store> store_slot;
  std::optional<package::FileLock> store_lock;
  std::once_flag store_once;
  bool want_store = false;
  // A dry restore_only run looks the run cache up too (read only, no writer lock).
  if ((!o.dry || o.restore_only) && !o.store.empty())
    for (std::size_t i : sel)
      for (const Out& out : p.stages[i].outs) want_store = want_store || out.cache;
  const auto open_store = [&]() -> package::Store* {
    if (!want_store) return nullptr;
    std::call_once(store_once, [&] {
      if (o.dry) {
        store_slot.emplace(o.store, package::StoreAccess::read);
        return;
      }
      store_slot.emplace(o.store, package::StoreAccess::write);
      store_lock.emplace(store_slot->writer_lock());
      // Busy files a killed repro left (their flock is free); a live one's stays.
      if (const std::size_t n = clean_dead_busy(store_slot->state_dir() / "busy"))
        log::debug("pipeline: removed {} busy file(s) left by killed runs", n);
    });
    return &*store_slot;
  };

  const std::size_t n = p.stages.size();
  const std::vector<std::string> order = order_of(p);
  const std::set<std::string> names(order.begin(), order.end());
  std::vector<St> st(n, St::waiting);
  std::vector<bool> in_sel(n, false), forced(n, false);
  for (std::size_t i : sel) in_sel[i] = true, forced[i] = o.force;
  std::mutex m;
  std::condition_variable cv;
  std::deque<Completion> done;
  const unsigned jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  unsigned running = 0;
  std::map<std::string, int> pool_use;
  bool stop = false, lock_renamed = false;
  std::exception_ptr fatal;
  ReproResult result;

  const auto task = [&](std::size_t i, std::optional<LockEntry> locked, bool upstream_would_run) {
    Completion c;
    c.index = i;
    const Stage& s = p.stages[i];
    try {
      Decision d = decide(p, s, locked ? &*locked : nullptr, started(state, s.name) != Started::no, hasher);
      if (s.frozen) {
        event(s.name, "skipped", "frozen");
      } else if (o.restore_only && o.dry && upstream_would_run) {
        c.left = true;  // its deps are an upstream's outputs, not restored in a dry run: unknown
      } else if (d.reason.empty() && !forced[i] && !(o.dry && upstream_would_run)) {
        event(s.name, "skipped", "up to date");
      } else if (o.restore_only) {
        // Restored (and recorded below as a run is) on a hit; otherwise left as it is.
        package::Store* const store = open_store();
        const bool cacheable = store && !o.no_run_cache && !forced[i] && run_cache_eligible(s);
        const std::string key = cacheable ? run_key(s, d.inputs) : std::string();
        std::optional<BusyLock> busy;
        if (cacheable && !o.dry)
          busy.emplace(wait_for_key(*store, key, [&] {
            event(s.name, "waiting", "stage '" + s.name + "': the same inputs are running elsewhere; waiting for them");
          }));
        auto hit = cacheable ? run_cache_hit(*store, s, key) : std::nullopt;
        if (cacheable && !hit && !o.dry && o.fetch_run && !run_cache_get(*store, key) && o.fetch_run(key))
          hit = run_cache_hit(*store, s, key);  // one request to the remote's run cache
        if (hit && o.dry) {
          c.ran = c.restored = true;
          event(s.name, "would restore", "outputs of an earlier run with the same inputs (run cache)");
        } else if (hit) {
          // The journal only now: a stage left alone keeps its reason (the caller reports it).
          c.started = StartedEntry::write(state, s.name, d.reason + "\n");
          c.restored = restore_hit(*store, p, s, *hit, d, c);
        }
        if (c.restored && !o.dry) {
          c.ran = true;
          event(s.name, "restored", "outputs of an earlier run with the same inputs (run cache)");
        }
        c.left = !c.restored;
      } else if (o.dry) {
        c.ran = true;
        event(s.name, "would run", d.reason.empty() ? (forced[i] ? "--force" : "an upstream stage would run") : d.reason);
      } else {
        c.ran = true;
        event(s.name, "running", d.reason.empty() ? "--force" : d.reason);
        c.started = StartedEntry::write(state, s.name, d.reason + "\n");  // not synced: see below
        package::Store* const store = open_store();
        const bool cacheable = store && !o.no_run_cache && run_cache_eligible(s);
        const std::string key = cacheable ? run_key(s, d.inputs) : std::string();
        // One process at a time runs a given input key (sweep points in their worktrees, two
        // clones): the others wait, then find its outputs in the run cache.
        std::optional<BusyLock> busy;
        if (cacheable && !forced[i]) {  // --force runs
          busy.emplace(wait_for_key(*store, key, [&] {
            event(s.name, "waiting", "stage '" + s.name + "': the same inputs are running elsewhere; waiting for them");
          }));
          c.restored = restore_from_run_cache(*store, p, s, key, d, c);
          if (!c.restored && o.fetch_run && !run_cache_get(*store, key) && o.fetch_run(key))
            c.restored = restore_from_run_cache(*store, p, s, key, d, c);  // one request to the remote's run cache
        }
        if (c.restored) {
          event(s.name, "restored", "outputs of an earlier run with the same inputs (run cache)");
        } else {
          for (const Out& out : s.outs) {
            if (!out.persist) stdfs::remove_all(p.root / out.path);
            stdfs::create_directories((p.root / out.path).parent_path());
          }
          std::map<std::string, std::string> env = s.env;
          env["MLOPS_STAGE"] = s.name;
          env["MLOPS_ROOT"] = p.root.string();
          for (const std::string& cmd : s.cmd) {
            const ProcessResult r = run_shell(cmd, p.root / s.wdir, env, [&](const std::string& line, bool err) {
              if (o.on_line) o.on_line(s.name, line, err);
            });
            check_interrupted();
            if (!r.ok()) {
              c.ok = false;
              c.detail = "'" + cmd + "' failed with " + r.describe();
              break;
            }
          }
          if (c.ok) {
            c.entry = std::move(d.inputs);
            for (const Out& out : s.outs) {
              const stdfs::path full = p.root / out.path;
              const auto dg = ((out.cache || cacheable) && store) ? hasher.store(full, *store) : hasher.hash(full);
              if (!dg) {
                c.ok = false;
                c.detail = "the command succeeded but did not write output " + out.path;
                break;
              }
              c.entry.outs.push_back(
                  LockedPath{out.path, dg->sha256, dg->size, dg->dir ? std::optional<std::uint64_t>(dg->nfiles) : std::nullopt});
            }
            std::sort(c.entry.outs.begin(), c.entry.outs.end(), [](const LockedPath& a, const LockedPath& b) { return a.path < b.path; });
            if (cacheable && c.ok) run_cache_put(*store, key, c.entry.outs);
          }
        }
      }
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::interrupted) c.error = std::current_exception();
      else c.ok = false, c.detail = e.what();
    } catch (const stdfs::filesystem_error& e) {  // removing or creating an output's place
      c.ok = false;
      c.detail = e.what();
    } catch (...) {
      c.error = std::current_exception();
    }
    {
      const std::lock_guard g(m);
      done.push_back(std::move(c));
    }
    cv.notify_one();
  };

  // After `task`: the pool's destructor waits for running tasks, which use it.
  WorkerPool pool(PoolOptions{jobs, {}}, jobs + 1);
  std::vector<bool> would_run(n, false);
  for (;;) {
    if (!stop && !interrupted()) {
      for (std::size_t i : sel) {
        if (st[i] != St::waiting) continue;
        const Stage& s = p.stages[i];
        bool ready = true, blocked = false, up_runs = false;
        for (std::size_t u : s.upstream) {
          if (!in_sel[u]) continue;
          if (st[u] == St::failed || st[u] == St::blocked || st[u] == St::left) blocked = true;
          else if (st[u] != St::ran && st[u] != St::skipped) ready = false;
          up_runs = up_runs || would_run[u];
        }
        if (blocked) {
          st[i] = St::blocked;
          result.not_run.push_back(s.name);
          continue;
        }
        if (!ready || running >= jobs) continue;
        bool pool_ok = true;
        for (const auto& [name, cap] : s.pool) pool_ok = pool_ok && pool_use[name] < cap;
        if (!pool_ok) continue;
        for (const auto& [name, cap] : s.pool) ++pool_use[name];
        st[i] = St::running;
        ++running;
        std::optional<LockEntry> locked;
        if (const auto it = lockf.stages.find(s.name); it != lockf.stages.end()) locked = it->second;
        pool.submit([&task, i, locked, up_runs](unsigned) { task(i, locked, up_runs); });
      }
    }
    if (running == 0) break;
    // Crash safety with few syncs. A stage's journal entry (state/started/NAME) is written
    // before its command starts and removed only once a lock naming its new outputs has been
    // renamed into place; every completion that arrived together goes into one lock write.
    // This process flocks the entry all along (started.hpp), so `status` reads it as running.
    // - kill -9: what was written before it stays (page cache) and a rename is atomic, so the
    //   lock is whole, old or new, and a stage cut short still has its journal entry: stale.
    // - Power loss: the lock's bytes are fdatasync'd before each rename, so it is whole; a
    //   rename not yet durable leaves an older lock. An entry lost that way, or a lost journal
    //   entry (those are not synced), can only make repro compare the recorded digests with
    //   the deps and outputs on disk, by content: the stage runs again, it is never taken as
    //   up to date against outputs its entry does not describe.
    // The directory is synced once, at the end, making the run's last lock durable. That is
    // one fdatasync per round instead of four syncs per stage (journal and lock, each a file
    // and a directory).
    std::deque<Completion> batch;
    {
      std::unique_lock g(m);
      // The pool drops a queued task once a signal arrived, so after one, the wait ends here
      // and pool.wait() below waits for the tasks that did start.
      if (!cv.wait_for(g, std::chrono::milliseconds(100), [&] { return !done.empty(); })) {
        if (!interrupted()) continue;
        stop = true;
        break;
      }
      batch.swap(done);
    }
    std::vector<std::string> recorded;  // stages the next lock write records
    for (Completion& c : batch) {
      --running;
      const Stage& s = p.stages[c.index];
      for (const auto& [name, cap] : s.pool) --pool_use[name];
      if (c.error) {
        st[c.index] = St::failed;
        result.failed.push_back(s.name);
        if (!fatal) fatal = c.error;
        stop = true;
        continue;
      }
      if (!c.ok && o.restore_only) {  // the caller runs it (it could not be restored)
        log::warn("stage '{}': not restored: {}", s.name, c.detail);
        c.left = true;
      }
      if (c.left) {
        st[c.index] = St::left;
        result.not_run.push_back(s.name);
        continue;
      }
      if (!c.ok) {
        st[c.index] = St::failed;
        result.failed.push_back(s.name);
        event(s.name, "failed", c.detail);
        if (!o.keep_going) stop = true;
        continue;
      }
      if (!c.ran) {
        st[c.index] = St::skipped;
        result.skipped.push_back(s.name);
        continue;
      }
      st[c.index] = St::ran;
      would_run[c.index] = true;
      (c.restored ? result.restored : result.ran).push_back(s.name);
      if (o.dry) continue;
      lockf.stages[s.name] = std::move(c.entry);
      recorded.push_back(s.name);
    }
    if (recorded.empty()) continue;
    for (auto it = lockf.stages.begin(); it != lockf.stages.end();)  // stages no longer in mlops.yaml
      it = names.contains(it->first) ? std::next(it) : lockf.stages.erase(it);
    write_lock(project, lockf, order, false);
    lock_renamed = true;
    ++result.lock_writes;
    for (const std::string& name : recorded) {
      std::error_code ec;
      stdfs::remove(started_path(state, name), ec);
      event(name, "done", "");
    }
  }
  try {
    pool.wait();
  } catch (...) {
    if (!fatal) fatal = std::current_exception();
  }
  try {
    if (lock_renamed) fs::fsync_dir(project);  // the last rename of mlops.lock, durable
  } catch (...) {
    if (!fatal) fatal = std::current_exception();  // never in place of the error that stopped the run
  }
  for (std::size_t i : sel)
    if (st[i] == St::waiting) result.not_run.push_back(p.stages[i].name);
  if (!o.dry) save_quietly(hasher, state);
  log::debug("pipeline: repro read {} files", hasher.files_read());
  result.files_hashed = hasher.files_read();
  if (fatal) std::rethrow_exception(fatal);
  check_interrupted();
  return result;
}

CheckoutResult checkout_impl(const stdfs::path& project, const std::vector<std::string>& targets, const stdfs::path& store_root,
                             bool force) {
  const Pipeline p = load_pipeline(project);
  const std::vector<std::size_t> sel = select(p, targets);
  const stdfs::path state = state_dir(project);
  const package::FileLock lock = wait_for_lock(state, [](const std::string&, const std::string&, const std::string&) {});
  const LockFile lockf = read_lock(project);
  const package::Store store(store_root, package::StoreAccess::read);
  Hasher hasher(state / "digests");
  std::vector<LockedPath> todo;
  std::vector<std::string> unsaved;
  CheckoutResult r;
  for (std::size_t i : sel) {
    const Stage& s = p.stages[i];
    const auto it = lockf.stages.find(s.name);
    if (it == lockf.stages.end()) continue;
    for (const LockedPath& out : it->second.outs) {
      const auto o = std::find_if(s.outs.begin(), s.outs.end(), [&](const Out& x) { return x.path == out.path; });
      if (o == s.outs.end() || !o->cache) continue;
      clean_restore_temps(p.root / out.path);  // what a checkout killed midway left beside it
      const auto now = hasher.hash(p.root / out.path);
      if (now && now->sha256 == out.sha256) {
        r.unchanged.push_back(out.path);
        continue;
      }
      if (!restorable(store, out))
        throw Error(
            ErrorKind::not_found,
            "output " + out.path + " of stage '" + s.name + "' (sha256:" + out.sha256 + ") is not in the store " + store_root.string(),
            "run 'mlops repro " + s.name + "' to make it again");
      // Present bytes that no store holds (a hand edit) would be lost by the replacement.
      if (now && !force &&
          !restorable(store, LockedPath{out.path, now->sha256, now->size, now->dir ? std::optional(now->nfiles) : std::nullopt}))
        unsaved.push_back(out.path);
      todo.push_back(out);
    }
  }
  if (!unsaved.empty()) {
    std::string list;
    for (const std::string& u : unsaved) list += (list.empty() ? "" : ", ") + u;
    throw Error(ErrorKind::conflict, "checkout would overwrite changes to " + list + " that are in no store; nothing changed",
                "save them elsewhere first, or 'mlops checkout --force' to discard them");
  }
  for (const LockedPath& out : todo) {  // every blob checked present first: all or nothing missing
    restore(store, p.root, out);
    r.restored.push_back(out.path);
  }
  save_quietly(hasher, state);
  return r;
}

}  // namespace

std::vector<StageState> status(const stdfs::path& project, const std::vector<std::string>& targets, std::size_t* files_hashed) {
  return io_errors([&] { return status_impl(project, targets, files_hashed); });
}
std::map<std::string, std::string> recorded_metrics(const stdfs::path& project) {
  return io_errors([&] {
    const Pipeline p = load_pipeline(project);
    const LockFile lock = read_lock(project);
    const stdfs::path state = state_dir(project);
    std::map<std::string, std::string> r;
    for (const Stage& s : p.stages) {
      if (s.frozen) continue;  // not run by this pipeline: its recorded outputs are older
      const auto it = lock.stages.find(s.name);
      if (it == lock.stages.end() || started(state, s.name) != Started::no) continue;
      for (const Out& o : s.outs) {
        if (!o.metric) continue;
        for (const LockedPath& lp : it->second.outs)
          if (lp.path == o.path && !lp.nfiles) r[lp.path] = lp.sha256;  // a file, not a directory
      }
    }
    return r;
  });
}

ReproResult repro(const stdfs::path& project, const ReproOptions& o) {
  if (!o.executor.empty() && o.executor != "local") return io_errors([&] { return dispatch(project, o); });
  return io_errors([&] { return repro_impl(project, o); });
}
CheckoutResult checkout(const stdfs::path& project, const std::vector<std::string>& targets, const stdfs::path& store, bool force) {
  return io_errors([&] { return checkout_impl(project, targets, store, force); });
}

std::vector<std::string> stage_names(const stdfs::path& project) { return order_of(load_pipeline(project)); }

std::string dag(const stdfs::path& project, DagFormat format) {
  const Pipeline p = load_pipeline(project);
  std::string r;
  const auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  if (format == DagFormat::dot) {
    r = "digraph pipeline {\n";
    for (const Stage& s : p.stages) r += "  " + quoted(s.name) + ";\n";
    for (const Stage& s : p.stages)
      for (std::size_t u : s.upstream) r += "  " + quoted(p.stages[u].name) + " -> " + quoted(s.name) + ";\n";
    return r + "}\n";
  }
  if (format == DagFormat::mermaid) {
    r = "flowchart TD\n";
    for (std::size_t i = 0; i < p.stages.size(); ++i) r += "  s" + std::to_string(i) + "[" + quoted(p.stages[i].name) + "]\n";
    for (std::size_t i = 0; i < p.stages.size(); ++i)
      for (std::size_t u : p.stages[i].upstream) r += "  s" + std::to_string(u) + " --> s" + std::to_string(i) + "\n";
    return r;
  }
  for (const Stage& s : p.stages) {
    r += s.name;
    if (!s.upstream.empty()) {
      r += " <-";
      for (std::size_t u : s.upstream) r += " " + p.stages[u].name;
    }
    r += "\n";
  }
  return r;
}

}  // namespace mlops::pipeline
