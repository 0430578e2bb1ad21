// SPDX-License-Identifier: MIT
// mlops data add|status|unprotect and mlops cache push|pull|fetch|gc|fsck: versioned data
// (PATH.mlops pointers) and the blobs and run cache behind pipelines, moved to and from a
// remote. The work is in lib/pipeline (mlops/data.hpp).
#include "commands.hpp"
#include "exit_codes.hpp"
#include "remote_flags.hpp"

#include <mlops/config.hpp>
#include <mlops/data.hpp>
#include <mlops/error.hpp>
#include <mlops/pipeline.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>

namespace mlops::cli {
namespace {

namespace stdfs = std::filesystem;

config::Settings settings_here() { return config::load_settings(stdfs::current_path()); }

struct CacheArgs {
  std::string remote;
  unsigned jobs = 0;
  bool run_cache = false, force = false, all_commits = false;
  std::vector<std::string> revs;
  std::string remote_gc;
  RemoteFlags flags;
};

// REMOTE|URL ("" is the default remote) → the URL and the options to reach it: the remote's
// settings from mlops.yaml under the flags, jobs from -j, else the configuration, else 16.
remote::NamedRemote cache_remote(const std::string& remote_or_url, const CacheArgs& a, const config::Settings& s) {
  if (remote_or_url.empty() && s.default_remote.empty())
    throw Error(ErrorKind::usage, "no remote given and no default remote",
                "give REMOTE or URL, or 'mlops remote add NAME URL --default' (file://, s3://, http(s)://, oci://)");
  remote::NamedRemote n = named_remote(remote_or_url, a.flags);
  n.options.jobs = a.jobs ? a.jobs : s.jobs && *s.jobs > 0 ? static_cast<unsigned>(*s.jobs) : 16;
  return n;
}

pipeline::CacheOptions cache_options(const CacheArgs& a, const remote::NamedRemote& n) {
  pipeline::CacheOptions o;
  static_cast<remote::TransferOptions&>(o) = n.options;
  o.run_cache = a.run_cache;
  return o;
}

nlohmann::json to_json(const pipeline::CacheResult& r) {
  return {{"url", r.url},
          {"blobs_sent", r.blobs_sent},
          {"blobs_fetched", r.blobs_fetched},
          {"blobs_present", r.blobs_present},
          {"runs_sent", r.runs_sent},
          {"runs_fetched", r.runs_fetched},
          {"bytes", r.bytes},
          {"missing", r.missing}};
}

void add_transfer_options(CLI::App* s, const std::shared_ptr<CacheArgs>& a) {
  s->add_option("-j,--jobs", a->jobs, "Parallel transfers (default: jobs in the configuration, else 16)")->check(CLI::Range(1, 64));
  add_remote_flags(s, a->flags);
}

int run_transfer(const std::string& what, const CacheArgs& a, Context& c) {
  const config::Settings s = settings_here();
  const remote::NamedRemote n = cache_remote(a.remote, a, s);
  const std::string& url = n.url;
  const pipeline::CacheOptions o = cache_options(a, n);
  pipeline::CacheResult r;
  if (what == "push") {
    r = pipeline::cache_push(s.project, s.store, url, o);
  } else {
    r = pipeline::cache_fetch(s.project, s.store, url, o);
  }
  nlohmann::json doc = to_json(r);
  if (what == "pull") {
    const auto data = pipeline::data_checkout(s.project, s.store, false, a.remote.empty() ? s.default_remote : a.remote);
    const bool pipeline_here = !s.project.empty() && std::filesystem::exists(s.project / "mlops.lock");
    const auto out = pipeline_here ? pipeline::checkout(s.project, {}, s.store, false) : pipeline::CheckoutResult{};
    std::vector<std::string> restored = out.restored;
    restored.insert(restored.end(), data.restored.begin(), data.restored.end());
    doc["restored"] = restored;
    if (!c.out.json())
      for (const auto& p : restored) c.out.print("restored " + escape_controls(p) + "\n");
  }
  if (c.out.json()) {
    c.out.print_json(doc);
  } else if (what == "push") {
    c.out.status("sent " + std::to_string(r.blobs_sent) + " blob(s) (" + std::to_string(r.bytes) + " bytes), " +
                 std::to_string(r.blobs_present) + " already there" +
                 (a.run_cache ? ", " + std::to_string(r.runs_sent) + " run-cache entries" : std::string()));
    if (!r.missing.empty())
      c.out.warn(std::to_string(r.missing.size()) +
                 " blob(s) named by mlops.lock or pointers are not in the store (first: " + r.missing.front() + "); not sent");
  } else {
    c.out.status("fetched " + std::to_string(r.blobs_fetched) + " blob(s) (" + std::to_string(r.bytes) + " bytes), " +
                 std::to_string(r.blobs_present) + " already in the store");
  }
  return k_exit_ok;
}

}  // namespace

void setup_data(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer(R"(
Data kept out of git: 'mlops data add' moves it into the store (linked back, no copy where the
filesystem allows) and writes PATH.mlops, a small pointer to commit. 'mlops checkout' puts data
back from the pointers; 'mlops cache push|pull' moves it to and from a remote.

Examples:
  mlops data add ref.csv
  mlops data status
  mlops data unprotect ref.csv)");
  auto path = std::make_shared<std::string>();

  auto* add = cmd.add_subcommand("add", "Version a file or directory: into the store, PATH.mlops and .gitignore");
  add->fallthrough();
  add->add_option("PATH", *path, "File or directory inside the project")->required()->type_name("FILE");
  add->footer(R"(
Examples:
  mlops data add ref.csv && git add ref.csv.mlops .gitignore)");
  add->callback([&ctx, path] {
    ctx.action = [path](Context& c) {
      const config::Settings s = settings_here();
      const auto r = pipeline::data_add(s.project, *path, s.store);
      if (c.out.json()) {
        c.out.print_json(
            {{"path", r.path}, {"pointer", r.pointer}, {"sha256", r.sha256}, {"size", r.size}, {"nfiles", r.nfiles}, {"link", r.link}});
      } else {
        c.out.print(escape_controls(r.pointer) + "\n");
        c.out.status("added " + escape_controls(r.path) + (r.dir ? " (" + std::to_string(r.nfiles) + " files)" : std::string()) + ", " +
                     r.link + " of the store's copy; commit " + escape_controls(r.pointer));
      }
      return static_cast<int>(k_exit_ok);
    };
  });

  auto* st = cmd.add_subcommand("status", "Show data whose content differs from its pointer, or is missing");
  st->fallthrough();
  st->footer(R"(
Examples:
  mlops data status
  mlops --json data status)");
  st->callback([&ctx] {
    ctx.action = [](Context& c) {
      const config::Settings s = settings_here();
      const auto states = pipeline::data_status(s.project, s.store);
      if (c.out.json()) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& d : states) arr.push_back({{"path", d.path}, {"state", d.state}});
        c.out.print_json({{"data", arr}});
        return static_cast<int>(k_exit_ok);
      }
      std::string text;
      bool changed = false;
      for (const auto& d : states) {
        if (d.state == "unchanged") continue;
        changed = true;
        text += escape_controls(d.path) + ": " + d.state + "\n";
      }
      c.out.print(text);
      if (!changed) c.out.status(states.empty() ? "no data pointers (mlops data add PATH)" : "all data matches its pointers");
      return static_cast<int>(k_exit_ok);
    };
  });

  auto* un = cmd.add_subcommand("unprotect", "Make linked data files private copies, safe to edit");
  un->fallthrough();
  un->add_option("PATH", *path, "File or directory")->required()->type_name("FILE");
  un->footer(R"(
Examples:
  mlops data unprotect ref.csv   # edit it, then 'mlops data add ref.csv' again)");
  un->callback([&ctx, path] {
    ctx.action = [path](Context& c) {
      const config::Settings s = settings_here();
      const std::size_t n = pipeline::data_unprotect(s.project, *path);
      if (c.out.json()) c.out.print_json({{"files", n}});
      else c.out.status(std::to_string(n) + " file(s) are private copies now");
      return static_cast<int>(k_exit_ok);
    };
  });
}

void setup_cache(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer(R"(
The blobs that mlops.lock and the data pointers name, and the run cache, in the store and on a
remote (file://, s3://, http(s):// WebDAV, oci:// registries: the repository mlops-cache under
the remote's URL).

Examples:
  mlops cache push file://$HOME/models
  mlops cache pull file://$HOME/models
  mlops cache gc
  mlops cache fsck)");
  auto a = std::make_shared<CacheArgs>();
  for (const char* what : {"push", "pull", "fetch"}) {
    const std::string w = what;
    auto* s = cmd.add_subcommand(w, w == "push"   ? "Send the blobs mlops.lock and the pointers name to a remote"
                                    : w == "pull" ? "Fetch the blobs mlops.lock and the pointers name, and put them in place"
                                                  : "Fetch the blobs mlops.lock and the pointers name into the store");
    s->fallthrough();
    s->add_option("REMOTE", a->remote, "Remote name or URL (default: the default remote)");
    add_transfer_options(s, a);
    // Run-cache entries come back on demand: 'mlops repro --pull' asks the remote once per
    // stage that must run, so pull and fetch have no --run-cache.
    if (w == "push")
      s->add_flag("--run-cache", a->run_cache, "Also publish the store's run-cache entries (each after every blob it names)");
    s->footer(w == "push"   ? "\nExamples:\n  mlops cache push file://$HOME/models --run-cache\n"
              : w == "pull" ? "\nExamples:\n  mlops cache pull file://$HOME/models   # then: mlops status\n"
                            : "\nExamples:\n  mlops cache fetch file://$HOME/models\n");
    s->callback([&ctx, a, w] { ctx.action = [a, w](Context& c) { return run_transfer(w, *a, c); }; });
  }

  auto* gc = cmd.add_subcommand("gc", "Delete blobs nothing refers to (a dry run unless --force)");
  gc->fallthrough();
  gc->add_flag("-f,--force", a->force, "Delete; without it, only say what would go");
  gc->add_option("--rev", a->revs, "Also keep what mlops.lock and the pointers name at REV (repeatable)")->type_name("REV");
  gc->add_flag("--all-commits", a->all_commits, "Also keep what every commit of every branch and tag names");
  gc->add_option("--remote", a->remote_gc, "Collect the remote's cache instead of the store")->type_name("REMOTE");
  add_transfer_options(gc, a);
  gc->footer(R"(
Kept: what the workspace's mlops.lock and pointers name (and those of --rev/--all-commits), the
run cache, packages, and the pins other projects sharing the store left ('mlops package gc'
keeps the same). The pins of a project whose directory is gone keep nothing, and go with -f.

Examples:
  mlops cache gc                  # what would be deleted
  mlops cache gc --all-commits -f)");
  gc->callback([&ctx, a] {
    ctx.action = [a](Context& c) {
      const config::Settings s = settings_here();
      pipeline::CacheGcOptions o;
      o.force = a->force;
      o.revs = a->revs;
      o.all_commits = a->all_commits;
      if (!a->remote_gc.empty()) {
        const remote::NamedRemote n = cache_remote(a->remote_gc, *a, s);
        o.remote_url = n.url;
        o.transfer = n.options;
      }
      const auto r = pipeline::cache_gc(s.project, s.store, o);
      if (c.out.json()) {
        c.out.print_json({{"kept", r.kept},
                          {"removed", r.removed},
                          {"bytes", r.bytes},
                          {"dry_run", r.dry_run},
                          {"pins_dropped", r.pins_dropped},
                          {"lock_blobs_parsed", r.lock_blobs_parsed}});
      } else {
        for (const auto& p : r.pins_dropped)
          c.out.status((r.dry_run ? "would drop the pins of " : "dropped the pins of ") + escape_controls(p) + " (the directory is gone)");
        c.out.status((r.dry_run ? "would delete " : "deleted ") + std::to_string(r.removed) + " blob(s) (" + std::to_string(r.bytes) +
                     " bytes), kept " + std::to_string(r.kept) + (r.dry_run && r.removed ? "; --force deletes them" : ""));
      }
      return static_cast<int>(k_exit_ok);
    };
  });

  auto unpin_dir = std::make_shared<std::string>();
  auto* unpin = cmd.add_subcommand("unpin", "Forget the blobs a project pinned in the store, so gc may delete them");
  unpin->fallthrough();
  unpin->add_option("DIR", *unpin_dir, "The project's directory, which may be gone (default: this project)")->type_name("DIR");
  unpin->footer(R"(
A project pins what its mlops.lock and pointers name (repro, data add, cache gc write the pins),
and every gc of the shared store keeps it. Unpin a project you deleted or moved; this project
pins again at its next repro, data add or cache gc. 'mlops cache gc' drops the pins of projects
whose directory is gone by itself.

Examples:
  mlops cache unpin ../old-clone   # then: mlops cache gc)");
  unpin->callback([&ctx, unpin_dir] {
    ctx.action = [unpin_dir](Context& c) {
      const config::Settings s = settings_here();
      const stdfs::path dir = unpin_dir->empty() ? s.project : stdfs::path(*unpin_dir);
      const auto removed = pipeline::cache_unpin(s.store, dir);
      if (c.out.json()) {
        c.out.print_json({{"project", stdfs::absolute(dir).lexically_normal().string()}, {"pins_removed", removed}});
      } else {
        c.out.status(removed.empty() ? "no pins of " + escape_controls(dir.string()) + " in the store " + escape_controls(s.store.string())
                                     : "removed " + std::to_string(removed.size()) + " pin file(s) of " + escape_controls(dir.string()) +
                                           "; 'mlops cache gc -f' deletes what nothing else keeps");
      }
      return static_cast<int>(k_exit_ok);
    };
  });

  auto* fsck = cmd.add_subcommand("fsck", "Check every blob of the store against its digest (exit 1 naming corrupt ones)");
  fsck->fallthrough();
  fsck->footer(R"(
Examples:
  mlops cache fsck)");
  fsck->callback([&ctx] {
    ctx.action = [](Context& c) {
      const config::Settings s = settings_here();
      const auto r = pipeline::cache_fsck(s.store);
      if (c.out.json()) {
        c.out.print_json({{"checked", r.checked}, {"corrupt", r.corrupt}});
      } else {
        for (const auto& d : r.corrupt) c.out.print("corrupt " + d + "\n");
      }
      if (!r.corrupt.empty()) {
        c.out.error(std::to_string(r.corrupt.size()) + " corrupt blob(s) in the store " + s.store.string(),
                    "'mlops cache pull' fetches good copies; 'mlops repro' makes stage outputs again");
        return static_cast<int>(k_exit_negative);
      }
      if (!c.out.json()) c.out.status(std::to_string(r.checked) + " blob(s) checked, none corrupt");
      return static_cast<int>(k_exit_ok);
    };
  });
}

}  // namespace mlops::cli
