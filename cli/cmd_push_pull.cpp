// SPDX-License-Identifier: MIT
// mlops push / pull / copy: packages to and from remotes (oci://, s3://, http(s)://, file://).
#include "commands.hpp"
#include "progress.hpp"
#include "remote_flags.hpp"

#include <mlops/config.hpp>
#include <mlops/error.hpp>
#include <mlops/package.hpp>
#include <mlops/remote.hpp>

#include <filesystem>
#include <memory>

namespace mlops::cli {
namespace {

namespace stdfs = std::filesystem;

struct TransferOpts {
  std::string store, ref, remote, source, destination, tag;
  std::vector<std::string> only;
  unsigned jobs = 0;
  RemoteFlags flags;
  stdfs::path store_path() const { return store.empty() ? package::default_store() : stdfs::path(store); }
  // REMOTE|URL → the URL and how to reach it (the remote's settings under the flags).
  remote::NamedRemote find(const std::string& remote_or_url, ProgressObserver* progress) const {
    remote::NamedRemote n = named_remote(remote_or_url, flags);
    n.options.jobs = jobs;
    // No --jobs: MLOPS_JOBS, then mlops.yaml's and the user config's `jobs`.
    if (n.options.jobs == 0) {
      if (const auto configured = config::load_settings(stdfs::current_path()).jobs; configured && *configured > 0) {
        n.options.jobs = static_cast<unsigned>(*configured);
      }
    }
    n.options.progress = progress;
    return n;
  }
  // URL or REMOTE:REF → the package's URL (and the remote's settings when one is named).
  remote::NamedRemote find_package(const std::string& arg, ProgressObserver* progress) const {
    if (arg.find("://") != std::string::npos) return find(arg, progress);
    const auto colon = arg.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == arg.size()) {
      throw Error(ErrorKind::usage, "'" + escape_controls(arg) + "' names no remote package", "give URL/NAME[:TAG] or REMOTE:NAME[:TAG]");
    }
    remote::NamedRemote n = find(arg.substr(0, colon), progress);
    while (!n.url.empty() && n.url.back() == '/') n.url.pop_back();
    n.url += "/" + arg.substr(colon + 1);
    return n;
  }
};

void add_common(CLI::App* s, const std::shared_ptr<TransferOpts>& o) {
  s->add_option("-j,--jobs", o->jobs, "Parallel blob transfers (default 4)")->check(CLI::Range(1, 64));
  add_remote_flags(s, o->flags);
}

int run_push(TransferOpts& o, Context& ctx) {
  ProgressLine line(ctx.out, "push");
  const remote::NamedRemote to = o.find(o.remote, &line);
  const auto r = with_progress(ctx, line, "the tag was not set; blobs sent so far are not sent again",
                               [&] { return remote::push(o.store_path(), o.ref, to.url, to.options); });
  if (ctx.out.json()) {
    ctx.out.print_json({{"ref", r.ref},
                        {"digest", r.digest},
                        {"url", r.url},
                        {"bytes_sent", r.bytes_sent},
                        {"blobs_sent", r.blobs_sent},
                        {"blobs_skipped", r.blobs_skipped},
                        {"signatures", r.signatures}});
    return 0;
  }
  ctx.out.status("pushed " + r.ref + ": " + std::to_string(r.blobs_sent) + " blobs sent (" + package::human_size(r.bytes_sent) + "), " +
                 std::to_string(r.blobs_skipped) + " already there");
  ctx.out.print(r.url + "@" + r.digest + "\n");
  return 0;
}

int run_pull(TransferOpts& o, Context& ctx) {
  ProgressLine line(ctx.out, "pull");
  const remote::NamedRemote from = o.find_package(o.source, &line);
  const std::string& url = from.url;
  remote::PullOptions p;
  static_cast<remote::TransferOptions&>(p) = from.options;
  p.tag = o.tag;
  p.only = o.only;
  const auto r = with_progress(ctx, line, "nothing was tagged; the same command continues the downloads where they stopped",
                               [&] { return remote::pull(o.store_path(), url, p); });
  if (ctx.out.json()) {
    ctx.out.print_json({{"ref", r.ref},
                        {"digest", r.digest},
                        {"url", r.url},
                        {"bytes_received", r.bytes_received},
                        {"bytes_resumed", r.bytes_resumed},
                        {"blobs_fetched", r.blobs_fetched},
                        {"blobs_present", r.blobs_present},
                        {"layers_left_out", r.layers_left_out},
                        {"partial", r.layers_left_out > 0},
                        {"signatures", r.signatures}});
    return 0;
  }
  std::string status =
      "pulled " + r.url + ": " + std::to_string(r.blobs_fetched) + " blobs fetched (" + package::human_size(r.bytes_received) + ")";
  if (r.bytes_resumed > 0) status += ", " + package::human_size(r.bytes_resumed) + " resumed";
  if (r.layers_left_out > 0) status += ", " + std::to_string(r.layers_left_out) + " layers left out (--only)";
  ctx.out.status(status);
  ctx.out.print((r.ref.empty() ? r.digest : r.ref) + "\n");
  return 0;
}

int run_copy(TransferOpts& o, Context& ctx) {
  ProgressLine line(ctx.out, "copy");
  const remote::NamedRemote from = o.find_package(o.source, &line);
  const remote::NamedRemote to = o.find(o.destination, &line);
  const auto r = with_progress(ctx, line, "the destination's tag was not set",
                               [&] { return remote::copy(from.url, to.url, from.options, to.options); });
  if (ctx.out.json()) {
    ctx.out.print_json({{"source", r.source},
                        {"destination", r.destination},
                        {"digest", r.digest},
                        {"bytes_copied", r.bytes_copied},
                        {"blobs_copied", r.blobs_copied},
                        {"blobs_skipped", r.blobs_skipped},
                        {"signatures", r.signatures}});
    return 0;
  }
  ctx.out.status("copied " + r.source + ": " + std::to_string(r.blobs_copied) + " blobs (" + package::human_size(r.bytes_copied) + "), " +
                 std::to_string(r.blobs_skipped) + " already there");
  ctx.out.print(r.destination + "@" + r.digest + "\n");
  return 0;
}

template <typename Run>
void finish(CLI::App& cmd, Context& ctx, const std::shared_ptr<TransferOpts>& o, Run run) {
  cmd.add_option("--store", o->store, "Package store (default $MLOPS_HOME, else $XDG_DATA_HOME/mlops/store)")->type_name("DIR");
  add_common(&cmd, o);
  cmd.callback([&ctx, o, run] { ctx.action = [o, run](Context& c) { return run(*o, c); }; });
}

}  // namespace

void setup_push(CLI::App& cmd, Context& ctx) {
  auto o = std::make_shared<TransferOpts>();
  cmd.footer(R"(
Examples:
  mlops push churn:v2 file://$HOME/models              # -> file://$HOME/models/churn:v2
  mlops push churn:v2 file://$HOME/models/churn:prod   # the URL names the tag
  mlops push churn:v2 file://$HOME/models --json | jq .blobs_skipped

The package goes to URL/NAME:TAG, unless the URL already ends in the name or a tag. A remote
named with `mlops remote add` may stand for its URL; with none given, the default remote. Blobs the
remote has are not sent; signatures travel with the package; the tag is set last. Prints
URL@DIGEST (with --json: digest, url, bytes_sent, blobs_skipped).)");
  cmd.add_option("REF", o->ref, "NAME[:TAG], digest or digest prefix of a package in the store")->required();
  cmd.add_option("REMOTE", o->remote,
                 "Where to: a remote's name or a URL (oci://, s3://, http(s)://, file:///); default: the default remote")
      ->type_name("REMOTE|URL");
  finish(cmd, ctx, o, run_push);
}

void setup_pull(CLI::App& cmd, Context& ctx) {
  auto o = std::make_shared<TransferOpts>();
  cmd.footer(R"(
Examples:
  mlops pull file://$HOME/models/churn:v2 --store ./other-store
  mlops pull file://$HOME/models/churn:v2 -t churn:prod
  mlops pull file://$HOME/models/churn:v2 --only model --store ./weights-only   # only the weights

Every blob is checked against its digest before it lands; an interrupted pull continues where
it stopped when run again. A configured remote may be named: REMOTE:NAME[:TAG]. --only fetches the matching layers only (model, datasets, code,
docs, or a glob on package paths): a partial package (docs/formats.md). Prints the local
NAME:TAG: the package's repository path on the remote, without the host
(oci://HOST/team/demo:1.0 is team/demo:1.0 here); -t names it otherwise.)");
  cmd.add_option("URL", o->source, "SCHEME://.../NAME[:TAG][@sha256:DIGEST], or REMOTE:NAME[:TAG] for a configured remote")
      ->required()
      ->type_name("URL");
  cmd.add_option("-t,--tag", o->tag, "Local NAME[:TAG] (default: the remote's)");
  cmd.add_option("--only", o->only, "model, datasets, code, docs, or a glob on file paths (repeatable)")->type_name("KIND|GLOB");
  finish(cmd, ctx, o, run_pull);
}

void setup_copy(CLI::App& cmd, Context& ctx) {
  auto o = std::make_shared<TransferOpts>();
  cmd.footer(R"(
Examples:
  mlops copy file://$HOME/models/churn:v2 file://$HOME/backup
  mlops copy file://$HOME/models/churn:v2 file://$HOME/backup/churn:prod

Between any two remotes, with the addressing of push; the blobs are checked against their
digests on the way.)");
  cmd.add_option("SRC", o->source, "SCHEME://.../NAME[:TAG][@sha256:DIGEST] or REMOTE:NAME[:TAG]")->required()->type_name("URL");
  cmd.add_option("DST", o->destination, "SCHEME://... or a remote's name (the package goes to DST/NAME:TAG unless DST names it)")
      ->required()
      ->type_name("URL");
  finish(cmd, ctx, o, run_copy);
}

}  // namespace mlops::cli
