// SPDX-License-Identifier: MIT
// `exp run --executor slurm` and what follows it: the sweep manifest under
// refs/mlops/sweeps/<SWEEP> (docs/formats.md), one array job per sweep through
// lib/executor, status/wait/resume/cancel from any clone that sees the repository, and the
// task body that runs on the node.
#include "exp/sweep_remote.hpp"

#include "config/project.hpp"
#include "core/log.hpp"
#include "core/url.hpp"
#include "core/yaml_limits.hpp"
#include "executor/executor.hpp"
#include "exp/live.hpp"
#include "exp/query.hpp"
#include "exp/run_parts.hpp"
#include "exp/sweep_manifest.hpp"
#include "exp/sync.hpp"
#include "exp/ulid.hpp"
#include "exp/values.hpp"

#include <mlops/error.hpp>
#include <mlops/executor.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/version.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <set>
#include <thread>

namespace mlops::exp {

using namespace mlops::git;

namespace {

const auto& k_default_exports = executor::k_default_exports;  // never the whole environment

struct Manifest {
  std::string commit;  // of the ref, for compare-and-swap
  SweepManifest doc;
  // Sweeps with a git remote, once status_of asked it: the snapshot refs the remote advertised.
  std::optional<std::set<std::string>> remote_snapshots;
};

std::string job_name(const std::string& sweep) { return "mlops-" + sweep; }

// Where a point's snapshot waits on a sweep's git remote until its task fetches it (a server
// gives out only what a ref reaches); also kept here, so that git gc keeps the snapshot.
std::string snapshot_ref(const std::string& sweep, size_t index) { return "refs/mlops/snapshots/" + sweep + "/" + std::to_string(index); }

// Why a task of a sweep with a git remote has no run there (its run could not be pushed back,
// its snapshot could not be checked out): left by the task under a ref of its own, which a
// remote that refuses refs/mlops/exps/* may still take, so that `exp status` in any clone can
// say it; removed with the snapshot ref once the point has a run.
std::string failure_prefix(const std::string& sweep) { return "refs/mlops/sweep-failures/" + sweep + "/"; }
std::string failure_ref(const std::string& sweep, size_t index) { return failure_prefix(sweep) + std::to_string(index); }
constexpr size_t k_failure_reason_max = 4096;

// A sweep's git remote as given (a git remote's name or a URL) -> the URL the tasks use.
std::string sweep_remote_url(Repo& r, const std::string& spec) {
  std::string url = spec;
  git_remote* raw = nullptr;
  if (git_remote_lookup(&raw, r.get(), spec.c_str()) == 0) {
    RemotePtr owner(raw);
    const char* u = git_remote_url(raw);
    url = u == nullptr ? "" : u;
  }
  if (const std::string why = git_remote_url_problem(url); !why.empty()) {
    throw Error(ErrorKind::usage, "the sweep's git remote '" + redact_url(url) + "' " + why,
                "give a git remote's name or a URL the nodes reach with their own credentials (ssh keys or agent); a password "
                "in the URL would travel in the manifest and the batch script");
  }
  return url;
}

void delete_ref_if_there(Repo& r, const std::string& name) {
  git_reference* ref = nullptr;
  if (git_reference_lookup(&ref, r.get(), name.c_str()) != 0) return;
  ReferencePtr owner(ref);
  (void)git_reference_delete(ref);
}

// The one file `name` of the commit `id`'s tree, at most `max` bytes. What it may come from
// is anyone's repository (git fetch): the id may name a blob or a tree, the file may be huge;
// checked before use, its size before it is read. Empty with `why` set when it is not so.
std::optional<std::string> read_one_file(Repo& r, const git_oid& id, const char* name, size_t max, std::string& why) {
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, r.get(), &id) != 0) return why = "does not name a commit", std::nullopt;
  CommitPtr commit(c);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, c) != 0) return why = "has no tree", std::nullopt;
  TreePtr tree(t);
  const git_tree_entry* e = git_tree_entry_byname(t, name);
  if (e == nullptr || git_tree_entry_type(e) != GIT_OBJECT_BLOB) return why = std::string("holds no ") + name, std::nullopt;
  git_odb* odb_raw = nullptr;
  check(git_repository_odb(&odb_raw, r.get()), "cannot open the object database");
  OdbPtr odb(odb_raw);
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&size, &type, odb_raw, git_tree_entry_id(e)) != 0)
    return why = std::string("holds no readable ") + name, std::nullopt;
  if (size > max) {
    const bool mib = max % (1u << 20) == 0;
    return why = std::string("holds a ") + name + " over " + std::to_string(mib ? max >> 20 : max) + (mib ? " MiB" : " bytes"),
           std::nullopt;
  }
  git_blob* bl = nullptr;
  if (git_blob_lookup(&bl, r.get(), git_tree_entry_id(e)) != 0) return why = std::string("holds no readable ") + name, std::nullopt;
  BlobPtr blob(bl);
  return std::string(static_cast<const char*>(git_blob_rawcontent(bl)), static_cast<size_t>(git_blob_rawsize(bl)));
}

std::optional<Manifest> read_manifest(Repo& r, const std::string& sweep) {
  git_oid id;
  const std::string ref = k_sweep_ref_prefix + sweep;
  if (git_reference_name_to_id(&id, r.get(), ref.c_str()) != 0) return std::nullopt;
  Manifest m;
  m.commit = oid_hex(id);
  std::string why;
  const auto text = read_one_file(r, id, "sweep.json", k_sweep_manifest_max_bytes, why);
  if (!text) throw Error(ErrorKind::invalid_input, "sweep " + sweep + ": " + ref + " " + why, "'git update-ref -d " + ref + "' removes it");
  m.doc = parse_sweep_manifest(*text, sweep);
  return m;
}

// A clone of a sweep's git remote has no refs/mlops/sweeps/* until it fetches one: a sweep
// not here is looked for on `origin` (read as hostile like any manifest).
void fetch_missing_manifest(Repo& r, const std::string& sweep) {
  git_oid id;
  const std::string ref = k_sweep_ref_prefix + sweep;
  if (git_reference_name_to_id(&id, r.get(), ref.c_str()) == 0) return;
  git_remote* raw = nullptr;
  if (git_remote_lookup(&raw, r.get(), "origin") != 0) return;
  git_remote_free(raw);
  try {
    fetch_refspecs(r, "origin", {"+" + ref + ":" + ref});
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    log::warn("sweep {} is not here and origin could not be asked: {}", sweep, e.what());
  }
}

Manifest need_manifest(Repo& r, const std::string& sweep) {
  fetch_missing_manifest(r, sweep);
  auto m = read_manifest(r, sweep);
  if (!m) throw Error(ErrorKind::not_found, "no sweep " + sweep, "sweep ids are printed by 'mlops exp run --executor ...'");
  return *m;
}

// A new manifest commit (parent: the previous one; `merged`: the remote's too) and the ref
// moved by compare-and-swap.
void write_manifest(Repo& r, Manifest& m, const std::string& merged = {}) {
  const std::string& sweep = m.doc.id;
  const git_oid commit = write_file_commit(r, "sweep.json", sweep_manifest_text(m.doc),
                                           "mlops sweep " + sweep + "\n\nSweep-Id: " + sweep + "\n", m.commit, merged);
  const std::string ref = k_sweep_ref_prefix + sweep;
  git_reference* out = nullptr;
  int rc = 0;
  if (m.commit.empty()) {
    rc = git_reference_create(&out, r.get(), ref.c_str(), &commit, 0, "mlops: sweep");
  } else {
    const git_oid old = parse_oid(m.commit);
    rc = git_reference_create_matching(&out, r.get(), ref.c_str(), &commit, 1, &old, "mlops: sweep");
  }
  if (rc == GIT_EEXISTS || rc == GIT_EMODIFIED) {
    throw Error(ErrorKind::conflict, ref + " changed meanwhile (another mlops on the same sweep?)", "run the command again");
  }
  check(rc, "cannot write " + ref);
  git_reference_free(out);
  m.commit = oid_hex(commit);
}

// The array jobs that exist (entries still `submitting` have no job).
std::vector<executor::Submission> submissions_of(const Manifest& m) {
  std::vector<executor::Submission> out;
  for (const auto& s : m.doc.submissions) {
    if (s.job.empty()) continue;
    out.push_back(executor::Submission{s.job, s.offset, s.indexes});
  }
  return out;
}

bool valid_env_name(const std::string& s) { return executor::valid_export_name(s); }

// executors.<name> in mlops.yaml over the user's config.yaml (lib/executor/settings.cpp reads it for repro too).
using ExecutorConfig = executor::Settings;
ExecutorConfig executor_config(const Repo& r, const std::string& name) {
  return executor::read_settings(r.project / config::k_project_file, name, config::user_config_file());
}

executor::Resources merged_resources(const executor::Resources& base, const std::map<std::string, std::string>& over) {
  executor::Resources r = base;
  for (const auto& [k, v] : over) {
    // The CLI's map holds every resource option, the ones not given empty: those keep the
    // value of executors.<name>.
    if (v.empty()) continue;
    if (!executor::safe_value(v) || v.size() > 256) throw Error(ErrorKind::usage, "--" + k + " holds a character Slurm cannot take");
    if (!r.set(k, v)) throw Error(ErrorKind::usage, "unknown resource '" + k + "'", "cpus, mem, gpus, time, partition, account or qos");
  }
  return r;
}

std::string self_exe() { return executor::this_program(); }

std::string host_name() {
  char h[256] = {};
  if (::gethostname(h, sizeof h - 1) != 0) return {};
  return h;
}

// A `submitting` entry whose client is still at it: on this host, its process alive. One
// written elsewhere, or by a process that is gone, stays as it is until --resume.
bool client_alive(const SweepSubmission& s) {
  if (s.pid <= 0 || s.host.empty() || s.host != host_name()) return false;
  return ::kill(static_cast<pid_t>(s.pid), 0) == 0 || errno == EPERM;
}

// The manifest (and, the first time, every point's snapshot) sent to the sweep's git remote.
// Fast-forward only: a clone whose manifest is behind the remote's (another clone resumed the
// sweep) never overwrites it. Error{remote} when it cannot be reached or refuses.
void publish(Repo& r, const Manifest& m, bool with_snapshots) {
  const std::string ref = k_sweep_ref_prefix + m.doc.id;
  std::vector<std::string> specs{ref + ":" + ref};
  if (with_snapshots) {
    for (const auto& p : m.doc.points) {
      if (!p.snapshot.empty()) specs.push_back(snapshot_ref(m.doc.id, p.index) + ":" + snapshot_ref(m.doc.id, p.index));
    }
  }
  const auto refused = push_refspecs(r, m.doc.remote, specs);
  if (!refused.empty()) {
    throw Error(RemoteFailure::rejected, "the sweep's git remote " + redact_url(m.doc.remote) + " refused " + printable(refused.front()),
                "check that you may push refs/mlops/* there");
  }
}

// After a submission: the job ids sent along, so that a clone of the remote follows the sweep
// (`exp status` there). Best effort: the tasks need only what publish() sent first.
void publish_jobs(Repo& r, const Manifest& m) {
  if (m.doc.remote.empty()) return;
  try {
    publish(r, m, false);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    log::warn("sweep {}: its job ids are not on {} ({}); clones of it cannot follow the sweep until 'mlops exp status {}' here sends them",
              m.doc.id, redact_url(m.doc.remote), e.what(), m.doc.id);
  }
}

// Submits `indexes` of the sweep. Each array job is recorded twice: as `submitting` before
// sbatch runs, and with its id as soon as sbatch answers; a client killed in between leaves
// an entry that says so, which `exp status` shows and `--resume` resolves (the job adopted
// by name, or the points submitted again).
void submit_indexes(Repo& r, Manifest& m, const std::vector<size_t>& indexes, const executor::Resources& res, size_t parallel) {
  const std::string sweep = m.doc.id;
  const auto& row = executor::find(m.doc.executor);
  auto ex = row.make();
  executor::TaskBatch b;
  b.name = job_name(sweep);
  b.indexes = indexes;
  b.parallel = parallel;
  b.command = {self_exe(), "exp", "__task", "--sweep", sweep, "--offset", "{offset}"};
  b.export_vars = m.doc.exports;
  b.workdir = r.workdir / m.doc.cwd;
  b.log_dir = r.mlops_dir / "sweeps" / sweep;
  if (!m.doc.remote.empty()) {
    // No shared filesystem: the task fetches from the remote (its URL holds no password:
    // sweep_remote_url refused one) and starts, and logs, in the node's /tmp.
    b.command.insert(b.command.end(), {"--remote", m.doc.remote});
    b.workdir = "/tmp";
    b.log_dir = "/tmp";
    b.log_prefix = "mlops-" + sweep + "-";
  }
  b.resources = res;
  const std::set<size_t> again(indexes.begin(), indexes.end());
  std::erase_if(m.doc.cancelled, [&](size_t i) { return again.count(i) != 0; });
  // An unfinished submission whose job nobody found (status_of adopts the ones squeue
  // knows) is replaced by this one.
  std::erase_if(m.doc.submissions, [](const SweepSubmission& s) { return s.job.empty(); });
  const std::string host = host_name();
  const long pid = static_cast<long>(::getpid());
  try {
    ex->submit(
        b,
        [&](const executor::Submission& s) {
          m.doc.submissions.push_back(SweepSubmission{"", s.offset, s.indexes, "", true, host, pid});
          write_manifest(r, m);
        },
        [&](const executor::Submission& s) {
          SweepSubmission& e = m.doc.submissions.back();  // the entry `submitting` wrote
          e = SweepSubmission{s.job, s.offset, s.indexes, now_rfc3339(), false, "", 0};
          write_manifest(r, m);
          log::info("submitted array job {} ({} points)", s.job, s.indexes.size());
        });
  } catch (const Error& e) {
    // sbatch refused: no job exists for the entry written before it (best effort; the
    // error that stopped us is the one to report).
    if (!m.doc.submissions.empty() && m.doc.submissions.back().job.empty() && e.kind() == ErrorKind::remote) {
      m.doc.submissions.pop_back();
      try {
        write_manifest(r, m);
      } catch (const Error&) {
      }
    }
    throw;
  }
}

// Jobs the scheduler knows by the sweep's name that the manifest does not record (the client
// was killed between sbatch and the manifest write): recorded now, in place of the
// `submitting` entry of the same offset when there is one, so that sacct, cancel and any
// clone find them. Best effort: another mlops updating the manifest meanwhile wins.
void adopt_jobs(Repo& r, Manifest& m, const std::vector<executor::Submission>& subs, const std::map<size_t, executor::TaskState>& sched) {
  std::map<std::string, executor::Submission> found;
  for (const auto& entry : sched) {  // no structured binding: clang 14 cannot capture one in a lambda
    const std::size_t index = entry.first;
    const executor::TaskState& t = entry.second;
    if (t.job.empty() || std::any_of(subs.begin(), subs.end(), [&](const executor::Submission& s) { return s.job == t.job; })) continue;
    auto& s = found[t.job];
    s.job = t.job;
    s.offset = t.offset;
    if (index < m.doc.points.size() && index >= t.offset) s.indexes.push_back(index);
  }
  if (found.empty()) return;
  for (const auto& entry : found) {
    const executor::Submission& s = entry.second;
    log::warn("sweep {}: array job {} was not recorded (the client stopped after submitting it): recorded now", m.doc.id, s.job);
    const auto pending = std::find_if(m.doc.submissions.begin(), m.doc.submissions.end(),
                                      [&](const SweepSubmission& x) { return x.job.empty() && x.offset == s.offset; });
    if (pending != m.doc.submissions.end()) {
      // The entry lists every index sbatch was given; squeue shows only those it still has.
      pending->job = s.job;
      pending->submitting = false;
      pending->host.clear();
      pending->pid = 0;
    } else {
      m.doc.submissions.push_back(SweepSubmission{s.job, s.offset, s.indexes, "", false, "", 0});
    }
  }
  try {
    write_manifest(r, m);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::conflict) throw;
  }
}

bool ref_exists(Repo& r, const std::string& name) {
  git_oid id;
  return git_reference_name_to_id(&id, r.get(), name.c_str()) == 0;
}

// The remote's manifest, fetched beside the runs: this clone follows what others wrote there.
std::string remote_manifest_ref(const std::string& sweep) { return "refs/mlops/sweep-remote/" + sweep; }

bool names_commit(Repo& r, const git_oid& id) {
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, r.get(), &id) != 0) return false;
  const CommitPtr owner(c);
  return true;
}

// The refs the fetch mirrors from the remote (its manifest, the sweep's failure refs) may hold
// anything. Deleted here at once: every failure ref that is not a point's (a plain index below
// the number of points), and every mirrored ref that does not name a commit (a ref on a blob
// makes libgit2's next fetch fail: "object is not a committish"). Returns, by point, why a
// failure ref was dropped as unreadable.
std::map<size_t, std::string> drop_unusable_mirrors(Repo& r, const Manifest& m) {
  std::map<size_t, std::string> unreadable;
  std::vector<std::string> drop;
  git_oid id;
  if (git_reference_name_to_id(&id, r.get(), remote_manifest_ref(m.doc.id).c_str()) == 0 && !names_commit(r, id))
    drop.push_back(remote_manifest_ref(m.doc.id));
  const std::string prefix = failure_prefix(m.doc.id);
  git_reference_iterator* raw = nullptr;
  const std::string glob = prefix + "*";
  if (git_reference_iterator_glob_new(&raw, r.get(), glob.c_str()) == 0) {
    ReferenceIteratorPtr it(raw);
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, raw) == 0) {
      const ReferencePtr owner(ref);
      const std::string name = git_reference_name(ref);
      if (name.rfind(prefix, 0) != 0) continue;
      const std::string rest = name.substr(prefix.size());
      size_t index = 0;
      const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), index);
      const bool canonical = ec == std::errc() && end == rest.data() + rest.size() && (rest == "0" || rest.front() != '0');
      if (!canonical || index >= m.doc.points.size()) {
        drop.push_back(name);
      } else if (const git_oid* target = git_reference_target(ref); target == nullptr || !names_commit(r, *target)) {
        drop.push_back(name);
        unreadable[index] = "(the reason left on the remote is unreadable: it does not name a commit)";
      }
    }
  }
  for (const auto& n : drop) delete_ref_if_there(r, n);
  return unreadable;
}

// Two manifests of one sweep: equal but for the jobs submitted and the points cancelled, the
// only things clones add after the submission.
bool same_sweep(SweepManifest a, SweepManifest b) {
  a.submissions.clear();
  a.cancelled.clear();
  b.submissions.clear();
  b.cancelled.clear();
  return sweep_manifest_text(a) == sweep_manifest_text(b);
}

// This clone's manifest kept as one with the remote's (fetched into remote_manifest_ref):
// theirs newer (another clone resumed or cancelled), this clone moves to it; ours newer, it is
// sent; the two diverged, a merge of both (every job, every cancelled point) is written with both
// as parents and sent. The remote's is read as hostile: one that changes anything but jobs and
// cancelled points (the remote, the command, the exports, the resources, the points) is not used.
// Sending is fast-forward only and best effort.
void sync_manifest(Repo& r, Manifest& m) {
  git_oid theirs;
  if (m.commit.empty() || git_reference_name_to_id(&theirs, r.get(), remote_manifest_ref(m.doc.id).c_str()) != 0) return;
  if (oid_hex(theirs) == m.commit) return;
  std::string why;
  const auto text = read_one_file(r, theirs, "sweep.json", k_sweep_manifest_max_bytes, why);
  SweepManifest doc;
  try {
    if (!text) throw Error(ErrorKind::invalid_input, "it " + why);
    doc = parse_sweep_manifest(*text, m.doc.id);
    if (!same_sweep(doc, m.doc)) throw Error(ErrorKind::invalid_input, "it changes more than the sweep's jobs and cancelled points");
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    log::warn("sweep {}: the manifest on {} is not used: {}", m.doc.id, redact_url(m.doc.remote), e.what());
    return;
  }
  const git_oid ours = parse_oid(m.commit);
  if (git_graph_descendant_of(r.get(), &theirs, &ours) == 1) {
    git_reference* out = nullptr;
    const std::string ref = k_sweep_ref_prefix + m.doc.id;
    if (git_reference_create_matching(&out, r.get(), ref.c_str(), &theirs, 1, &ours, "mlops: sweep from its remote") != 0) return;
    git_reference_free(out);
    m.commit = oid_hex(theirs);
    m.doc = std::move(doc);
    return;
  }
  if (git_graph_descendant_of(r.get(), &ours, &theirs) != 1) {
    for (const auto& s : doc.submissions) {
      if (s.job.empty()) continue;  // a `submitting` entry is its own clone's business
      if (std::none_of(m.doc.submissions.begin(), m.doc.submissions.end(), [&](const SweepSubmission& x) { return x.job == s.job; }))
        m.doc.submissions.push_back(s);
    }
    for (const size_t i : doc.cancelled) {
      if (std::find(m.doc.cancelled.begin(), m.doc.cancelled.end(), i) == m.doc.cancelled.end()) m.doc.cancelled.push_back(i);
    }
    try {
      write_manifest(r, m, oid_hex(theirs));
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::conflict) throw;
      return;  // another mlops here wrote it meanwhile: the next round merges again
    }
  }
  publish_jobs(r, m);
}

// The reasons the tasks left on the remote (mirrored by the fetch) for points that ended
// without a run; each read as hostile: a commit holding reason.txt of at most 4 KiB, shown
// through printable(). A point queued or running again (--resume) has none to show.
void show_failure_reasons(Repo& r, const Manifest& m, SweepStatus& st, const std::map<std::string, std::string>& runs,
                          const std::map<size_t, std::string>& unreadable) {
  for (auto& p : st.points) {
    if (runs.count(p.run) || !p.final) continue;
    if (const auto u = unreadable.find(p.index); u != unreadable.end()) {
      p.reason = u->second;
      continue;
    }
    git_oid id;
    if (git_reference_name_to_id(&id, r.get(), failure_ref(m.doc.id, p.index).c_str()) != 0) continue;
    std::string why;
    const auto text = read_one_file(r, id, "reason.txt", k_failure_reason_max, why);
    p.reason = text ? printable(*text) : "(the reason left on the remote is unreadable: it " + why + ")";
  }
}

// Snapshot and failure refs of points whose run the remote holds are needed no more (a run
// commit has its snapshot as parent): deleted on the remote in one push, then here, except
// those the remote refused to delete (tried again next time). Points without a run there keep
// theirs, for --resume. Only refs that exist are deleted (the snapshot refs the remote
// advertised or this clone pushed, the failure refs it mirrors), so a round with nothing to
// remove costs nothing. Best effort.
void tidy_remote_refs(Repo& r, const Manifest& m, const SweepStatus& st, const std::set<std::string>& on_remote) {
  std::vector<std::string> names;
  for (const auto& p : st.points) {
    if (!on_remote.count(p.run)) continue;
    const std::string snap = snapshot_ref(m.doc.id, p.index);
    if (ref_exists(r, snap) || (m.remote_snapshots && m.remote_snapshots->count(snap))) names.push_back(snap);
    if (ref_exists(r, failure_ref(m.doc.id, p.index))) names.push_back(failure_ref(m.doc.id, p.index));
  }
  if (names.empty()) return;
  std::vector<std::string> specs;
  for (const auto& n : names) specs.push_back(":" + n);
  std::set<std::string> kept;
  try {
    for (const auto& rej : push_refspecs(r, m.doc.remote, specs)) {
      kept.insert(rej.substr(0, rej.find(": ")));
      log::info("sweep {}: {} stays on its git remote: {}", m.doc.id, printable(rej.substr(0, rej.find(": "))),
                printable(rej.find(": ") == std::string::npos ? rej : rej.substr(rej.find(": ") + 2)));
    }
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    log::info("sweep {}: {} refs of finished points stay on {} for now: {}", m.doc.id, names.size(), redact_url(m.doc.remote), e.what());
    return;
  }
  for (const auto& n : names) {
    if (!kept.count(n)) delete_ref_if_there(r, n);
  }
}

// The points --resume submits again need their snapshots on the remote (it may have lost them)
// and no reason left by the attempt before: both in one push, before anything is submitted. A
// point whose snapshot is neither in this repository nor advertised by the remote is left out,
// with a warning.
void republish_points(Repo& r, const Manifest& m, std::vector<size_t>& todo) {
  git_odb* odb_raw = nullptr;
  check(git_repository_odb(&odb_raw, r.get()), "cannot open the object database");
  OdbPtr odb(odb_raw);
  std::vector<std::string> specs;
  std::vector<size_t> kept;
  for (const size_t i : todo) {
    const SweepManifestPoint& p = m.doc.points[i];
    git_oid id;
    const std::string snap = snapshot_ref(m.doc.id, i);
    if (p.snapshot.empty() || git_oid_fromstr(&id, p.snapshot.c_str()) != 0 || git_odb_exists(odb_raw, &id) == 0) {
      if (m.remote_snapshots && m.remote_snapshots->count(snap)) {  // not here, but there: sent as it is
        specs.push_back(":" + failure_ref(m.doc.id, i));
        delete_ref_if_there(r, failure_ref(m.doc.id, i));
        kept.push_back(i);
        continue;
      }
      log::warn(
          "sweep {}: point {} is not submitted again: its snapshot is not in this repository (resume it from the clone that "
          "submitted the sweep)",
          m.doc.id, i);
      continue;
    }
    git_reference* out = nullptr;
    check(git_reference_create(&out, r.get(), snap.c_str(), &id, 1, "mlops: sweep snapshot"), "cannot write " + snap);
    git_reference_free(out);
    specs.push_back("+" + snap + ":" + snap);
    specs.push_back(":" + failure_ref(m.doc.id, i));
    delete_ref_if_there(r, failure_ref(m.doc.id, i));
    kept.push_back(i);
  }
  todo = std::move(kept);
  if (specs.empty()) return;
  for (const auto& rej : push_refspecs(r, m.doc.remote, specs)) {
    if (rej.rfind("refs/mlops/snapshots/", 0) == 0) {
      throw Error(RemoteFailure::rejected, "the sweep's git remote " + redact_url(m.doc.remote) + " refused " + printable(rej),
                  "nothing was submitted again; check that you may push refs/mlops/* there");
    }
    log::warn("sweep {}: {}", m.doc.id, printable(rej));
  }
}

SweepStatus status_of(Repo& r, Manifest& m) {
  std::optional<std::set<std::string>> on_remote;  // the runs the remote holds, when it answered
  std::map<size_t, std::string> unreadable;        // failure refs of the remote that were no commit
  if (!m.doc.remote.empty()) {
    // The tasks pushed their runs to the sweep's git remote: one fetch per round brings them
    // (checked as `exp pull` checks them), the reasons tasks left, and the remote's manifest;
    // then the run refs decide, as with a shared repository.
    const std::string fail = failure_prefix(m.doc.id);
    const std::string manifest = k_sweep_ref_prefix + m.doc.id;
    PullExtras x;
    x.specs = {"+" + fail + "*:" + fail + "*", "+" + manifest + ":" + remote_manifest_ref(m.doc.id)};
    x.list_prefix = "refs/mlops/snapshots/" + m.doc.id + "/";
    try {
      for (const auto& rej : pull_runs(r, m.doc.remote, &x).rejected) log::warn("not pulled: {}", rej);
      on_remote = std::move(x.run_ids);
      m.remote_snapshots = std::move(x.listed);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::interrupted) throw;
      log::warn("sweep {}: cannot fetch its runs from {}: {}; states from the runs here", m.doc.id, redact_url(m.doc.remote), e.what());
    }
    unreadable = drop_unusable_mirrors(r, m);
    sync_manifest(r, m);
  }
  SweepStatus st;
  st.id = m.doc.id;
  st.executor = m.doc.executor;
  const auto subs = submissions_of(m);
  std::map<size_t, std::string> job_of;
  for (const auto& s : subs) {
    for (const size_t i : s.indexes) job_of[i] = s.job + "_" + std::to_string(i - s.offset);
  }
  auto refs_now = [&] {
    std::map<std::string, std::string> refs;
    for (const auto& e : list_run_refs(r)) refs[e.id] = e.commit;
    return refs;
  };
  std::map<std::string, std::string> refs = refs_now();
  bool ask = false;
  for (const auto& p : m.doc.points) {
    SweepPoint sp;
    sp.index = p.index;
    sp.run = p.run;
    sp.name = p.name;
    if (job_of.count(sp.index)) sp.job = job_of[sp.index];
    if (auto it = refs.find(sp.run); it != refs.end()) {
      const Run run = read_run(r, it->second);
      sp.state = run.status;
      sp.exit_code = run.exit_code;
      sp.final = run.status != "running";
    }
    ask = ask || (sp.state != "completed" && sp.state != "failed" && sp.state != "timeout");
    st.points.push_back(std::move(sp));
  }
  std::set<size_t> cancelled;
  cancelled.insert(m.doc.cancelled.begin(), m.doc.cancelled.end());
  std::map<size_t, executor::TaskState> sched;
  if (ask) {
    const auto& row = executor::find(st.executor);
    // Only the points without a final run: a recorded point the scheduler forgot is no
    // reason to ask accounting as well.
    std::set<size_t> open;
    for (const auto& sp : st.points) {
      if (!sp.final || sp.state == "interrupted") open.insert(sp.index);
    }
    auto asked = subs;
    for (auto& s : asked) std::erase_if(s.indexes, [&](size_t i) { return !open.count(i); });
    std::erase_if(asked, [](const executor::Submission& s) { return s.indexes.empty(); });
    if (row.make) sched = row.make()->poll(job_name(st.id), asked);  // one query per round
    adopt_jobs(r, m, subs, sched);
    refs = refs_now();  // a task may have finished since the refs were read
  }
  for (auto& sp : st.points) {
    if (sp.final && sp.state != "interrupted") continue;
    const auto s = sched.find(sp.index);
    if (sp.job.empty() && s != sched.end() && !s->second.job.empty())
      sp.job = s->second.job + "_" + std::to_string(sp.index - s->second.offset);
    if (sp.state == "interrupted") {
      // The run says how it ended; the scheduler says why (scancel, time limit).
      if (s != sched.end() && s->second.state != "running" && s->second.state != "completed" && s->second.state != "queued")
        sp.state = s->second.state;
      else if (cancelled.count(sp.index))
        sp.state = "cancelled";  // `exp cancel` said so; the scheduler may have forgotten it (no accounting)
      continue;
    }
    if (sp.state.empty() && refs.count(sp.run)) {
      const Run run = read_run(r, refs[sp.run]);
      sp.state = run.status;
      sp.exit_code = run.exit_code;
      sp.final = run.status != "running";
      if (sp.final) continue;
    }
    if (s == sched.end()) {
      if (sp.state == "running") continue;  // recorded as running; the scheduler lost track of it
      // Slurm drops a pending array task cancelled before it started without a trace (no
      // squeue line, no jobcomp record): `exp cancel` wrote it into the manifest.
      sp.state = cancelled.count(sp.index) ? "cancelled" : sp.job.empty() ? "unsubmitted" : "lost";
      sp.final = true;
      if (sp.job.empty()) {
        // In a submission that never got its job id, and no job of the sweep's name holds it:
        // sbatch may not have run. Final unless its client is still at it; --resume submits it.
        for (const auto& entry : m.doc.submissions) {
          if (!entry.job.empty() || !std::binary_search(entry.indexes.begin(), entry.indexes.end(), sp.index)) continue;
          sp.state = "submitting";
          sp.final = !client_alive(entry);
        }
      }
      continue;
    }
    const std::string& t = s->second.state;
    if (t == "queued" || t == "running") {
      sp.state = t;
      sp.final = false;
    } else {
      sp.state = t == "completed" ? "lost" : t;  // ended without recording a run
      if (!sp.exit_code) sp.exit_code = s->second.exit_code;
      sp.final = true;
    }
  }
  if (!m.doc.remote.empty()) {
    show_failure_reasons(r, m, st, refs, unreadable);
    if (on_remote) tidy_remote_refs(r, m, st, *on_remote);
  }
  st.finished = std::all_of(st.points.begin(), st.points.end(), [](const SweepPoint& p) { return p.final; });
  st.ok = std::all_of(st.points.begin(), st.points.end(), [](const SweepPoint& p) { return p.state == "completed"; });
  return st;
}

std::string normal_sweep_id(const std::string& s) {
  std::string u = s;
  std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return u;
}

}  // namespace

void check_executor(const std::string& name) { (void)executor::find(name); }

std::string submit_sweep(Repo& r, const RunOptions& o, const std::string& sweep, const std::vector<Job>& jobs, const std::string& rel_cwd,
                         int parallel) {
  const ExecutorConfig cfg = executor_config(r, o.executor);
  const executor::Resources res = merged_resources(cfg.resources, o.resources);
  Manifest m;
  if (const std::string& spec = o.remote.empty() ? cfg.remote : o.remote; !spec.empty()) m.doc.remote = sweep_remote_url(r, spec);
  std::set<std::string> seen;
  for (const char* v : k_default_exports) {
    if (seen.insert(v).second) m.doc.exports.emplace_back(v);
  }
  for (const auto& v : cfg.exports) {
    if (!valid_env_name(v))
      throw Error(ErrorKind::invalid_input, "executors." + o.executor + ".export: '" + v + "' is not a variable name");
    if (seen.insert(v).second) m.doc.exports.push_back(v);
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    const Run& run = jobs[i].run;
    m.doc.points.push_back(SweepManifestPoint{i, run.id, run.name, run.snapshot, run.baseline, run.dirty});
  }
  m.doc.id = sweep;
  m.doc.executor = o.executor;
  m.doc.argv = o.argv;
  m.doc.cwd = rel_cwd;
  m.doc.tags = o.tags;
  m.doc.note = o.note;
  m.doc.created = now_rfc3339();
  m.doc.parallel = static_cast<size_t>(std::max(parallel, 0));
  m.doc.resources = res.as_map();
  // The manifest exists before sbatch runs, so a client killed in between leaves a sweep
  // that `exp status` can find its job for (by the job name, mlops-<SWEEP>).
  write_manifest(r, m);
  if (!m.doc.remote.empty()) {
    // The tasks find the sweep on the remote only: sent before anything is submitted, and when
    // it cannot be, the sweep is undone here and nothing is submitted.
    for (const auto& p : m.doc.points) {
      if (p.snapshot.empty()) continue;
      const git_oid id = parse_oid(p.snapshot);
      git_reference* out = nullptr;
      check(git_reference_create(&out, r.get(), snapshot_ref(sweep, p.index).c_str(), &id, 1, "mlops: sweep snapshot"),
            "cannot write " + snapshot_ref(sweep, p.index));
      git_reference_free(out);
    }
    try {
      publish(r, m, true);
    } catch (const Error& e) {
      delete_ref_if_there(r, k_sweep_ref_prefix + sweep);
      for (const auto& p : m.doc.points) delete_ref_if_there(r, snapshot_ref(sweep, p.index));
      if (e.kind() != ErrorKind::remote) throw;
      throw Error(e.remote_failure(), e.what(), "nothing was submitted; " + e.hint());
    }
  }
  std::vector<size_t> all(jobs.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  submit_indexes(r, m, all, res, static_cast<size_t>(std::max(parallel, 0)));
  publish_jobs(r, m);
  return sweep;
}

SweepStatus sweep_status(const stdfs::path& cwd, const std::string& sweep_in) {
  Repo r = open_repo(cwd);
  Manifest m = need_manifest(r, normal_sweep_id(sweep_in));
  return status_of(r, m);
}

SweepStatus sweep_wait(const stdfs::path& cwd, const std::string& sweep_in, const std::function<void(const SweepStatus&)>& progress) {
  Repo r = open_repo(cwd);
  const std::string sweep = normal_sweep_id(sweep_in);
  int delay = 2;
  for (;;) {
    Manifest m = need_manifest(r, sweep);
    const SweepStatus st = status_of(r, m);
    if (progress) progress(st);
    if (st.finished) return st;
    for (int i = 0; i < delay * 10; ++i) {
      check_interrupted();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    delay = std::min(delay * 2, 60);
  }
}

size_t sweep_resume(const stdfs::path& cwd, const std::string& sweep_in, const RunOptions& over) {
  Repo r = open_repo(cwd);
  Manifest m = need_manifest(r, normal_sweep_id(sweep_in));
  const SweepStatus st = status_of(r, m);
  std::vector<size_t> todo;
  const auto refs = list_run_refs(r);
  std::set<std::string> recorded;
  for (const auto& e : refs) recorded.insert(e.id);
  for (const auto& p : st.points) {
    if (recorded.count(p.run) || p.state == "queued" || p.state == "running") continue;  // has a run, or will
    todo.push_back(p.index);
  }
  if (todo.empty()) return 0;
  executor::Resources base;
  const auto res = [&](const char* k) {
    const auto it = m.doc.resources.find(k);
    return it == m.doc.resources.end() ? std::string() : it->second;
  };
  base.cpus = res("cpus");
  base.mem = res("mem");
  base.gpus = res("gpus");
  base.time = res("time");
  base.partition = res("partition");
  base.account = res("account");
  base.qos = res("qos");
  const size_t parallel = over.jobs > 0 ? static_cast<size_t>(over.jobs) : m.doc.parallel;
  if (!m.doc.remote.empty()) {
    // Without the remote's runs, points that finished there would be run again.
    if (!m.remote_snapshots)
      throw Error(RemoteFailure::unspecified, "sweep " + m.doc.id + ": its git remote " + redact_url(m.doc.remote) + " could not be asked",
                  "nothing was submitted again; try again once it answers");
    const size_t asked = todo.size();
    republish_points(r, m, todo);
    if (todo.empty() && asked > 0)
      throw Error(ErrorKind::not_found, "sweep " + m.doc.id +
                                            ": no point can be submitted again (their snapshots are neither here nor on " +
                                            redact_url(m.doc.remote) + ")");
  }
  submit_indexes(r, m, todo, merged_resources(base, over.resources), parallel);
  publish_jobs(r, m);
  return todo.size();
}

std::string sweep_cancel(const stdfs::path& cwd, const std::string& spec) {
  Repo r = open_repo(cwd);
  // Cancelled points are written into the manifest after scancel succeeded (Slurm forgets a
  // pending task it cancelled); a point that had started also has its interrupted run.
  auto mark = [&r](Manifest& m, const std::vector<size_t>& indexes) {
    std::set<size_t> have(m.doc.cancelled.begin(), m.doc.cancelled.end());
    for (const size_t i : indexes) {
      if (have.insert(i).second) m.doc.cancelled.push_back(i);
    }
    write_manifest(r, m);
    publish_jobs(r, m);  // clones of the sweep's git remote see the cancelled points
  };
  if (is_ulid(normal_sweep_id(spec))) fetch_missing_manifest(r, normal_sweep_id(spec));
  if (auto m = read_manifest(r, normal_sweep_id(spec))) {
    auto ex = executor::find(m->doc.executor).make();
    (void)status_of(r, *m);  // records a job the client submitted but never wrote down
    const auto subs = submissions_of(*m);
    ex->cancel(job_name(normal_sweep_id(spec)), subs, std::nullopt);
    std::vector<size_t> all;
    for (const auto& s : subs) all.insert(all.end(), s.indexes.begin(), s.indexes.end());
    mark(*m, all);
    return "sweep " + normal_sweep_id(spec);
  }
  // A run: recorded (its run.json names the sweep), or still queued (found in the manifests).
  std::string sweep, run_id;
  try {
    std::string commit;
    run_id = resolve_run(r, spec, &commit);
    sweep = read_run(r, commit).sweep;
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::not_found) throw;
    git_reference_iterator* raw = nullptr;
    check(git_reference_iterator_glob_new(&raw, r.get(), "refs/mlops/sweeps/*"), "cannot list the sweeps");
    ReferenceIteratorPtr it(raw);
    git_reference* ref = nullptr;
    while (sweep.empty() && git_reference_next(&ref, raw) == 0) {
      ReferencePtr owner(ref);
      const std::string name = std::string(git_reference_name(ref)).substr(std::string(k_sweep_ref_prefix).size());
      std::optional<Manifest> m;
      try {
        m = read_manifest(r, name);
      } catch (const Error& bad) {
        // One bad manifest (fetched from elsewhere) does not hide the run in another.
        if (bad.kind() != ErrorKind::invalid_input) throw;
        log::warn("{}", bad.what());
        continue;
      }
      for (const auto& p : m->doc.points) {
        if (p.run == normal_sweep_id(spec) || p.name == spec) {
          sweep = name;
          run_id = p.run;
        }
      }
    }
    if (sweep.empty()) throw;
  }
  if (sweep.empty())
    throw Error(ErrorKind::usage, "run " + run_id + " is not part of a sweep", "only runs sent to a scheduler can be cancelled");
  Manifest m = need_manifest(r, sweep);
  (void)status_of(r, m);  // records the jobs the client submitted but never wrote down
  for (const auto& p : m.doc.points) {
    if (p.run != run_id) continue;
    const size_t index = p.index;
    executor::find(m.doc.executor).make()->cancel(job_name(sweep), submissions_of(m), index);
    const std::string name = p.name.empty() ? run_id : p.name;
    mark(m, {index});
    return "run " + name;
  }
  throw Error(ErrorKind::not_found, "run " + run_id + " is not in sweep " + sweep);
}

namespace {

size_t task_index(size_t offset) {
  const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
  if (task == nullptr) task = std::getenv("MLOPS_TASK_INDEX");
  size_t t = 0;
  const std::string_view tv = task == nullptr ? "" : task;
  if (tv.empty() || std::from_chars(tv.data(), tv.data() + tv.size(), t).ec != std::errc()) {
    throw Error(ErrorKind::usage, "no task index (SLURM_ARRAY_TASK_ID)", "this command runs inside a scheduler's task");
  }
  return offset + t;
}

stdfs::path scratch_base() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? stdfs::path(tmp) : stdfs::path("/tmp");
}

// The point `index` of the sweep, in `r`: checked out into local scratch, claimed, run, recorded.
RunResult run_task(Repo& r, const Manifest& m, size_t index, const RunEvents& events) {
  const std::string& sweep = m.doc.id;
  if (index >= m.doc.points.size()) throw Error(ErrorKind::invalid_input, "sweep " + sweep + " has no point " + std::to_string(index));
  const SweepManifestPoint& p = m.doc.points[index];
  const std::string run_id = p.run;
  RunResult result;
  for (const auto& e : list_run_refs(r)) {
    if (e.id == run_id) {
      log::warn("run {} is recorded already: not run again", run_id);
      return result;
    }
  }
  RunOptions o;
  o.argv = m.doc.argv;
  o.tags = m.doc.tags;
  o.note = m.doc.note;
  const std::string rel_cwd = m.doc.cwd;  // checked: inside the repository
  Job job;
  job.run = new_run(r, o, r.workdir / rel_cwd, p.name);
  job.run.id = run_id;
  job.run.sweep = sweep;
  job.run.snapshot = p.snapshot;
  job.run.baseline = p.baseline;
  job.run.dirty = p.dirty;
  // Local scratch on the node: the checkout never lands in the shared repository.
  const stdfs::path scratch = scratch_base() / ("mlops-task-" + run_id);
  std::error_code ec;
  stdfs::remove_all(scratch, ec);
  job.cwd = rel_cwd.empty() ? scratch : scratch / rel_cwd;
  job.project = r.project_rel.empty() ? scratch : scratch / r.project_rel;
  job.live_dir = r.mlops_dir / "live" / run_id;
  job.keep_outputs = true;
  std::vector<Job> jobs;
  jobs.push_back(std::move(job));
  bool claimed = false;  // the run ref exists: finalize records how the command ended
  auto prepare = [&](Job& j) {
    checkout_into(r, j.run.snapshot, scratch);
    std::error_code e2;
    stdfs::create_directories(j.cwd, e2);
    stdfs::create_directories(j.live_dir, e2);
    *j.run.params = nlohmann::json::object();
    for (auto& [k, v] : read_params(j.project, r.config.params, j.run.warnings)) (*j.run.params)[k] = recordable(v);
    j.first_commit = write_run_commit(r, j.run, {});
    create_run_ref(r, j.run.id, j.first_commit);  // the claim: a second task for this point stops here
    claimed = true;
    j.run.commit = j.first_commit;
  };
  auto done = [&](Job&) {
    std::error_code e2;
    stdfs::remove_all(scratch, e2);
  };
  try {
    execute(r, jobs, 1, events, prepare, done);
  } catch (const Error& e) {
    // The warning during the checkout (which stops at a signal): recorded below.
    if (e.kind() != ErrorKind::interrupted || !time_limit_reached() || claimed) throw;
  }
  auto& j = jobs.front();
  if (!claimed && time_limit_reached()) {
    // The time limit's warning came before the command started (the task waited in the
    // queue, then the checkout or the repository was slow): execute started nothing. The
    // point is recorded `timeout`, never run, instead of left without a run for the
    // scheduler to call lost or, once it forgets the task, for --resume to submit blindly.
    stdfs::remove_all(scratch, ec);
    j.run.status = "timeout";
    j.run.ended = now_rfc3339();
    j.run.duration = 0;
    j.run.pid = 0;
    j.run.warnings.push_back("the scheduler's time limit came before the command started; it did not run");
    const std::string commit = write_run_commit(r, j.run, {});
    create_run_ref(r, j.run.id, commit);
    j.run.commit = commit;
    log::warn("run {}: the time limit came before the command started; recorded timeout", j.run.name.empty() ? j.run.id : j.run.name);
    result.exit_code = 128 + SIGTERM;
  }
  if (j.run.exit_code) result.exit_code = *j.run.exit_code;
  result.runs.push_back(std::move(j.run));
  return result;
}

// Removes a task's scratch repository however the task ends.
struct ScratchDir {
  stdfs::path path;
  ~ScratchDir() {
    std::error_code ec;
    stdfs::remove_all(path, ec);
  }
};

// The task's run sent to the sweep's git remote through `exp push`'s checks; a failure to
// reach it is tried again after 2, 4 and 8 s, a refusal is final. Error{remote} in the end.
void push_run_back(Repo& r, const std::string& remote, const Run& run) {
  const std::set<std::string> only{run.id};
  const std::string label = run.name.empty() ? run.id : run.name;
  int delay = 2;
  for (int attempt = 1;; ++attempt) {
    try {
      const SyncResult res = push_runs(r, remote, &only);
      if (!res.rejected.empty()) {
        throw Error(RemoteFailure::rejected,
                    "run " + label + " ran, but " + redact_url(remote) + " refused its record: " + printable(res.rejected.front()),
                    "the run is lost with this task's scratch; check that you may push refs/mlops/exps/* there");
      }
      return;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::interrupted) throw;
      const bool final = e.kind() != ErrorKind::remote || e.remote_failure() == RemoteFailure::auth ||
                         e.remote_failure() == RemoteFailure::rejected || attempt >= 4;
      if (final) {
        if (e.remote_failure() == RemoteFailure::rejected) throw;
        throw Error(e.kind() == ErrorKind::remote ? e.remote_failure() : RemoteFailure::unspecified,
                    "run " + label + " ran, but its record could not be pushed to " + redact_url(remote) + " (" + std::to_string(attempt) +
                        " attempts): " + e.what(),
                    "the run is lost with this task's scratch");
      }
      log::warn("run {}: pushing its record failed ({}); trying again in {} s", label, e.what(), delay);
      for (int i = 0; i < delay * 10; ++i) {
        check_interrupted();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      delay *= 2;
    }
  }
}

// The reason a point has no run on the sweep's remote, pushed under failure_ref() for `exp
// status`; when that fails too, the task's log (on the node) is all there is. Never throws.
void leave_failure_reason(Repo& r, const std::string& remote, const std::string& sweep, size_t index, const Error& failure) {
  try {
    std::string text = failure.what();
    if (!failure.hint().empty()) text += " (" + failure.hint() + ")";
    if (text.size() > k_failure_reason_max) text.resize(k_failure_reason_max);
    const std::string ref = failure_ref(sweep, index);
    const git_oid commit = write_file_commit(
        r, "reason.txt", text, "mlops sweep task failure\n\nSweep-Id: " + sweep + "\nIndex: " + std::to_string(index) + "\n", "");
    git_reference* out = nullptr;
    check(git_reference_create(&out, r.get(), ref.c_str(), &commit, 1, "mlops: sweep task failure"), "cannot write " + ref);
    git_reference_free(out);
    const auto refused = push_refspecs(r, remote, {"+" + ref + ":" + ref});
    if (!refused.empty()) log::warn("the reason was not left on {} either: {}", redact_url(remote), printable(refused.front()));
  } catch (const Error& e) {
    log::warn("the reason was not left on {} either: {}", redact_url(remote), e.what());
  } catch (const std::exception& e) {
    log::warn("the reason was not left on {} either: {}", redact_url(remote), e.what());
  }
}

}  // namespace

RunResult sweep_task(const stdfs::path& cwd, const std::string& sweep, size_t offset, const RunEvents& events, const std::string& remote) {
  // sbatch --signal=B:USR2@60: the command gets SIGTERM and its run is recorded `timeout`.
  install_time_limit_handler(SIGUSR2);
  const size_t index = task_index(offset);
  if (remote.empty()) {
    Repo r = open_repo(cwd);
    const Manifest m = need_manifest(r, sweep);
    return run_task(r, m, index, events);
  }
  // No shared filesystem: a scratch repository on the node gets the manifest and this point's
  // snapshot from the sweep's git remote (nothing else), the point runs in it as above, and
  // its run is pushed back. The URL is the manifest's (no password: see sweep_remote_url).
  if (const std::string why = git_remote_url_problem(remote); !why.empty())
    throw Error(ErrorKind::usage, "--remote '" + redact_url(remote) + "' " + why);
  const ScratchDir scratch{scratch_base() / ("mlops-git-" + sweep + "-" + std::to_string(index) + "-" + std::to_string(::getpid()))};
  std::error_code ec;
  stdfs::remove_all(scratch.path, ec);
  const stdfs::path work = scratch.path / "work";
  git_repository_init_options init;
  check(git_repository_init_options_init(&init, GIT_REPOSITORY_INIT_OPTIONS_VERSION), "libgit2");
  init.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
  git_repository* raw = nullptr;
  check(git_repository_init_ext(&raw, work.c_str(), &init), "cannot create a scratch repository in " + work.string());
  Repo fetched;
  fetched.repo.reset(raw);
  fetched.workdir = work;  // for the identity of the commit leave_failure_reason may write
  fetched.gitdir = work / ".git";
  const std::string ref = k_sweep_ref_prefix + sweep;
  fetch_refspecs(fetched, remote, {"+" + ref + ":" + ref, "+" + snapshot_ref(sweep, index) + ":" + snapshot_ref(sweep, index)});
  const auto m = read_manifest(fetched, sweep);
  if (!m)
    throw Error(ErrorKind::not_found, "no sweep " + sweep + " on " + redact_url(remote),
                "it is sent there by 'mlops exp run --executor ... --remote'");
  if (index >= m->doc.points.size()) throw Error(ErrorKind::invalid_input, "sweep " + sweep + " has no point " + std::to_string(index));
  const std::string& snapshot = m->doc.points[index].snapshot;
  if (snapshot.empty()) throw Error(ErrorKind::invalid_input, "sweep " + sweep + ": point " + std::to_string(index) + " has no snapshot");
  try {
    checkout_into(fetched, snapshot, work);
    stdfs::create_directories(work / m->doc.cwd, ec);
    Repo r = open_repo(work / m->doc.cwd, false);
    RunResult result = run_task(r, *m, index, events);
    for (const auto& run : result.runs) push_run_back(r, remote, run);
    return result;
  } catch (const Error& e) {
    // Cancelled or out of time: the scheduler says so. Anything else leaves its reason.
    if (e.kind() != ErrorKind::interrupted) leave_failure_reason(fetched, remote, sweep, index, e);
    throw;
  }
}

namespace {

std::string shell_quoted(const std::string& w) {
  std::string o = "'";
  for (const char ch : w) o += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return o + "'";
}

// The probe's body: one `KEY: value` line per thing a task depends on. With a git remote
// (`remote_url` not empty) the node's own mlops also says whether it reaches the remote
// (`remote: ...`, probe_remote_line): the nodes may have no git CLI, and what counts is
// libgit2 with the node's credentials, as the tasks will use it.
std::string probe_script(const std::string& exe, const Repo& r, const std::string& remote_url) {
  const std::string git = shell_quoted(r.gitdir.string());
  std::string s = "echo \"mlops: $(" + shell_quoted(exe) + " version 2>&1 | head -n 1)\"; " +
                  "env -0 | tr '\\0' '\\n' | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/env: \\1/p'; " + "if [ -r " + git +
                  "/HEAD ]; then echo 'repo: readable'; fi; " + "if [ -w " + git + "/refs ] && [ -w " + git +
                  "/objects ]; then echo 'repo: writable'; fi";
  // The URL holds no password (sweep_remote_url refused one); `--` ends the options before it.
  if (!remote_url.empty()) s += "; " + shell_quoted(exe) + " executor __probe-remote -- " + shell_quoted(remote_url) + " 2>&1";
  return s;
}

// The git remote `executor test` checks: --remote, else executors.<name>.remote; the same
// rules as a sweep's (sweep_remote_url). Outside a repository only a URL can be named.
std::string probe_remote_url(std::optional<Repo>& r, const std::string& spec) {
  if (spec.empty()) return {};
  if (r) return sweep_remote_url(*r, spec);
  if (const std::string why = git_remote_url_problem(spec); !why.empty()) {
    throw Error(ErrorKind::usage, "the git remote '" + redact_url(spec) + "' " + why,
                "give a URL the nodes reach with their own credentials, or run it in the repository to name a git remote");
  }
  return spec;
}

// One line of a reason: what the node prints and the client shows in a fact.
std::string one_line(std::string text) {
  for (char& ch : text) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = ' ';
  }
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return text;
}

}  // namespace

std::string probe_remote_line(const std::string& url) {
  if (const std::string why = git_remote_url_problem(url); !why.empty())
    return "remote: unreachable: the URL '" + one_line(redact_url(url)) + "' " + why;
  try {
    check_reachable(nullptr, url);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    return "remote: unreachable: " + one_line(redact_urls_in(e.what()));
  }
  return "remote: reachable";
}

ExecutorReport test_executor(const stdfs::path& cwd, const std::string& name, bool run_job, int timeout_s, const std::string& remote) {
  const auto& row = executor::find(name);
  ExecutorReport rep;
  rep.executor = std::string(row.name);
  if (row.in_process) {
    if (!remote.empty()) throw Error(ErrorKind::usage, "--remote is for a scheduler's nodes", "mlops executor test slurm --remote REMOTE");
    rep.reachable = true;
    rep.facts.push_back(
        {"reachable", "this machine (" + std::to_string(std::max(1u, std::thread::hardware_concurrency())) + " CPUs)", true, ""});
    rep.facts.push_back({"runs", "each point in a temporary worktree, --jobs at once, with this environment", true, ""});
    rep.ok = true;
    return rep;
  }
  // The repository first: its executors.<name> names the git remote, and a bad URL or a
  // password in it is a usage error before the scheduler is asked anything.
  std::optional<Repo> r;
  std::string no_repo;
  try {
    r.emplace(open_repo(cwd));
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    no_repo = e.what();
  }
  const ExecutorConfig cfg = r ? executor_config(*r, std::string(row.name)) : ExecutorConfig{};
  const std::string remote_url = probe_remote_url(r, remote.empty() ? cfg.remote : remote);
  auto ex = row.make();
  for (const auto& f : ex->describe()) rep.facts.push_back({f.name, f.value, f.ok, f.hint});
  rep.reachable = !rep.facts.empty() && rep.facts.front().ok;
  if (!remote_url.empty()) {
    // From here, with this machine's credentials: what `exp run` needs before it submits.
    try {
      if (r) check_reachable(&*r, remote_url);
      else check_reachable(nullptr, remote_url);
      rep.facts.push_back({"git remote", redact_url(remote_url) + " (reachable)", true, ""});
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::interrupted) throw;
      rep.facts.push_back({"git remote", redact_url(remote_url) + " unreachable: " + one_line(redact_urls_in(e.what())), false,
                           "exp run sends the sweep there first: check the URL and your access (git ls-remote works the same way)"});
    }
  }
  if (rep.reachable && run_job) {
    if (!r) rep.facts.push_back({"task", "not tested: " + no_repo, false, "run it in the repository whose sweeps it will run"});
    if (r) {
      executor::TaskBatch b;
      b.name = "mlops-executor-test";
      for (const char* v : k_default_exports) b.export_vars.push_back(v);
      for (const auto& v : cfg.exports) {
        if (valid_env_name(v) && std::find(b.export_vars.begin(), b.export_vars.end(), v) == b.export_vars.end())
          b.export_vars.push_back(v);
      }
      // With a git remote a task starts in the node's /tmp (submit_indexes): so does the probe.
      // Its output still comes back through the repository's log directory.
      b.workdir = remote_url.empty() ? r->workdir : stdfs::path("/tmp");
      b.log_dir = r->mlops_dir / "sweeps" / "executor-test";
      b.resources = cfg.resources;
      const std::string exe = self_exe();
      const auto out = ex->probe(b, probe_script(exe, *r, remote_url), std::chrono::seconds(std::max(timeout_s, 1)));
      if (!out) {
        rep.facts.push_back({"task", "did not start and end within " + std::to_string(timeout_s) + " s (cancelled)", false,
                             "the queue may be busy: see squeue; --timeout waits longer"});
      } else {
        std::string seen_version, remote_seen;
        std::vector<std::string> ours, slurm, other;
        bool readable = false, writable = false;
        for (size_t a = 0; a < out->size();) {
          size_t e = out->find('\n', a);
          if (e == std::string::npos) e = out->size();
          const std::string line = out->substr(a, e - a);
          a = e + 1;
          if (line.rfind("mlops: ", 0) == 0) seen_version = line.substr(7);
          else if (line == "repo: readable") readable = true;
          else if (line == "repo: writable") writable = true;
          else if (line.rfind("remote: ", 0) == 0) remote_seen = one_line(line.substr(8));
          else if (line.rfind("env: ", 0) == 0) {
            const std::string v = line.substr(5);
            if (v.rfind("SLURM_", 0) == 0) slurm.push_back(v);
            else if (std::find(b.export_vars.begin(), b.export_vars.end(), v) != b.export_vars.end()) ours.push_back(v);
            else other.push_back(v);
          }
        }
        const std::string here = "mlops " + std::string(version());
        const bool same = seen_version.rfind(here, 0) == 0;
        rep.facts.push_back({"task: mlops", seen_version.empty() ? exe + " did not run on the node" : seen_version, same,
                             same ? "" : "the node must run " + exe + " (" + here + "): a shared filesystem, or the same path"});
        const std::string repo_seen = r->gitdir.string() + (writable ? " (read and write)" : readable ? " (read only)" : " (not seen)");
        if (remote_url.empty()) {
          rep.facts.push_back({"task: repository", repo_seen, writable,
                               writable ? "" : "tasks record their runs there: it must be on a filesystem the nodes share, writable"});
        } else {
          // Informational: the tasks fetch from and push to the git remote, never this repository.
          rep.facts.push_back({"task: repository", repo_seen, true, "not needed: the tasks go through the git remote"});
          const bool reached = remote_seen == "reachable";
          rep.facts.push_back({"task: git remote",
                               redact_url(remote_url) + (reached               ? " (reachable)"
                                                         : remote_seen.empty() ? " not checked: the node's mlops did not answer"
                                                                               : " " + remote_seen),
                               reached,
                               reached ? ""
                                       : "each task fetches its point from there and pushes its run back with the node's own "
                                         "credentials (ssh keys or agent): give the nodes access, or a URL they reach"});
        }
        std::string names;
        for (const auto& v : ours) names += (names.empty() ? "" : ",") + v;
        rep.facts.push_back({"task: environment",
                             "allow-list " + (names.empty() ? std::string("(none set)") : names) + ", " + std::to_string(slurm.size()) +
                                 " SLURM_* variables",
                             true, ""});
        if (!other.empty()) {
          std::string o;
          for (const auto& v : other) o += (o.empty() ? "" : ",") + v;
          rep.facts.push_back(
              {"task: also set", o, true, "not from the allow-list: set by Slurm, slurmd or the node (none should hold a secret)"});
        }
      }
    }
  }
  rep.ok = rep.reachable && std::all_of(rep.facts.begin(), rep.facts.end(), [](const ExecutorFact& f) { return f.ok; });
  return rep;
}

}  // namespace mlops::exp
