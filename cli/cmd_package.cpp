// SPDX-License-Identifier: MIT
// mlops package: build, list, inspect, verify, sign, unpack, tag, rm, gc, export, import.
#include "commands.hpp"
#include "exit_codes.hpp"
#include "progress.hpp"

#include <mlops/ci.hpp>
#include <mlops/error.hpp>
#include <mlops/package.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace mlops::cli {
namespace {

namespace stdfs = std::filesystem;

using package::human_size;

std::string short_digest(const std::string& d) { return d.size() > 7 ? d.substr(7, 12) : d; }

struct Opts {
  std::string store;  // --store; default package::default_store()
  package::BuildOptions build;
  std::string ref, target, dir, file, key;
  std::vector<std::string> refs, filters;
  bool force = false, repair = false;
  stdfs::path store_path() const { return store.empty() ? package::default_store() : stdfs::path(store); }
};

int run_build(Opts& o, Context& ctx) {
  if (!o.build.from_exp.empty()) {
    // The model card lists the run's gates; a gates: section check refuses does not stop a build.
    try {
      o.build.gates = ci::card_gates(stdfs::current_path(), o.build.from_exp);
    } catch (const Error& e) {
      o.build.gates_error = e.what();
      ctx.out.warn(std::string("the gates of mlops.yaml were not checked for the model card: ") + e.what());
    }
  }
  package::BuildEvents ev;
  ProgressLine line(ctx.out, "build");
  if (ctx.global.verbose > 0 && !ctx.out.quiet()) ev.status = [&line](const std::string& l) { line.print(l); };
  ev.progress = &line;
  const auto r =
      with_progress(ctx, line, "nothing was tagged; the blobs written so far serve the next build, which also removes partial ones",
                    [&] { return package::build(stdfs::current_path(), o.store_path(), o.build, ev); });
  for (const auto& w : r.warnings) ctx.out.warn(w);
  if (ctx.out.json()) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : r.layers) {
      layers.push_back({{"path", l.path},
                        {"mediaType", l.media_type},
                        {"digest", l.digest},
                        {"size", l.size},
                        {"reused", l.reused},
                        {"cached", l.cached}});
    }
    nlohmann::json excluded = nlohmann::json::array();
    for (const auto& x : r.excluded) excluded.push_back({{"path", x.path}, {"rule", x.rule}});
    ctx.out.print_json({{"ref", r.ref},
                        {"digest", r.digest},
                        {"size", r.size},
                        {"new_blobs", r.new_blobs},
                        {"bytes_read", r.bytes_read},
                        {"layers", layers},
                        {"excluded", excluded}});
    return 0;
  }
  if (ctx.global.verbose > 0) {
    for (const auto& x : r.excluded) ctx.out.status("left out " + x.path + " (" + x.rule + ")");
  }
  ctx.out.status("built " + r.ref + ": " + std::to_string(r.layers.size()) + " layers, " + human_size(r.size) + ", " +
                 std::to_string(r.new_blobs) + " new blob" + (r.new_blobs == 1 ? "" : "s") + ", " + human_size(r.bytes_read) + " read");
  ctx.out.print(r.ref + " " + r.digest + "\n");
  return 0;
}

int run_list(Opts& o, Context& ctx) {
  const auto all = package::list(o.store_path());
  if (ctx.out.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& p : all)
      arr.push_back(
          {{"ref", p.ref}, {"digest", p.digest}, {"size", p.size}, {"created", p.created}, {"title", p.title}, {"signed", p.signed_}});
    ctx.out.print_json(arr);
    return 0;
  }
  if (ctx.out.quiet()) {
    std::string s;
    for (const auto& p : all) s += (p.ref.empty() ? p.digest : p.ref) + "\n";
    ctx.out.print(s);
    return 0;
  }
  std::vector<std::vector<std::string>> rows{{"REF", "DIGEST", "SIZE", "CREATED", "SIGNED"}};
  for (const auto& p : all)
    rows.push_back({p.ref.empty() ? "<none>" : p.ref, short_digest(p.digest), human_size(p.size), p.created, p.signed_ ? "yes" : ""});
  ctx.out.print(format_table(rows, ctx.out));
  return 0;
}

// The text of j[key] for a person: escaped, whatever type a hostile manifest gave it.
std::string shown(const nlohmann::json& j, const char* key, const std::string& fallback = "") {
  if (!j.is_object()) return fallback;
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return escape_controls(it->is_string() ? it->get<std::string>() : it->dump());
}

int run_inspect(Opts& o, Context& ctx) {
  const auto j = package::inspect(o.store_path(), o.ref);
  if (ctx.out.json()) {
    ctx.out.print_json(j);
    return 0;
  }
  const auto& m = j["manifest"];
  std::string text = ctx.out.bold(shown(j, "ref").empty() ? shown(j, "digest") : shown(j, "ref")) + "\n";
  text += "digest:        " + shown(j, "digest") + "\n";
  text += "artifactType:  " + shown(m, "artifactType") + "\n";
  if (j.contains("config") && j["config"].is_object()) {
    const auto& d = j["config"].value("descriptor", nlohmann::json::object());
    if (d.is_object() && d.contains("createdAt")) text += "created:       " + shown(d, "createdAt") + "\n";
  }
  text += "\nLayers:\n";
  std::vector<std::vector<std::string>> rows{{"PATH", "MEDIA TYPE", "SIZE", "DIGEST"}};
  const nlohmann::json layers = m.contains("layers") ? m["layers"] : nlohmann::json::array();
  for (const auto& l : layers) {
    const nlohmann::json ann = l.contains("annotations") ? l["annotations"] : nlohmann::json::object();
    const auto& size = l.contains("size") ? l["size"] : nlohmann::json();
    rows.push_back({shown(ann, "org.cncf.model.filepath", shown(ann, "org.opencontainers.image.title")), shown(l, "mediaType"),
                    size.is_number_unsigned() ? human_size(size.get<std::uint64_t>()) : shown(l, "size"),
                    short_digest(shown(l, "digest", std::string(19, ' ')))});
  }
  text += format_table(rows, ctx.out);
  text += "\nAnnotations:\n";
  const nlohmann::json annotations =
      m.contains("annotations") && m["annotations"].is_object() ? m["annotations"] : nlohmann::json::object();
  for (const auto& [k, v] : annotations.items()) {
    std::string s = escape_controls(v.is_string() ? v.get<std::string>() : v.dump());
    if (s.size() > 100) {
      // Cut before a UTF-8 continuation byte, never inside a character.
      std::size_t cut = 97;
      while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
      s = s.substr(0, cut) + "...";
    }
    text += "  " + escape_controls(k) + ": " + s + "\n";
  }
  if (!j["referrers"].empty()) {
    text += "\nSignatures:\n";
    for (const auto& r : j["referrers"]) text += "  " + shown(r, "digest") + " key " + shown(r, "key_id", "?") + "\n";
  }
  const auto& excluded = j["excluded"];
  if (!excluded.empty() && ctx.global.verbose > 0) {
    text += "\nLeft out by its last build here:\n";
    std::vector<std::vector<std::string>> ex{{"PATH", "RULE"}};
    for (const auto& x : excluded) ex.push_back({shown(x, "path"), shown(x, "rule")});
    text += format_table(ex, ctx.out);
  } else if (!excluded.empty()) {
    text += "\n" + std::to_string(excluded.size()) + " path" + (excluded.size() == 1 ? " was" : "s were") +
            " left out by ignore rules (-v lists them)\n";
  }
  ctx.out.print(text);
  return 0;
}

int run_verify(Opts& o, Context& ctx) {
  package::VerifyOptions vo;
  if (!o.key.empty()) vo.public_key = o.key;
  vo.repair = o.repair;
  ProgressLine line(ctx.out, "verify");
  vo.progress = &line;
  const auto r = with_progress(ctx, line, "nothing was changed", [&] { return package::verify(o.store_path(), o.ref, vo); });
  for (std::size_t i = 0; i < r.problems.size(); ++i) {
    std::string hint;
    if (i + 1 == r.problems.size()) {
      if (!r.moved_aside.empty()) {
        hint = "moved " + std::to_string(r.moved_aside.size()) + " corrupt blob" + (r.moved_aside.size() == 1 ? "" : "s") +
               " aside (into the store's mlops/corrupt/; 'mlops package gc' deletes them): run 'mlops package build' in the "
               "package's project, or 'mlops package import' its tarball again, to make them anew";
      } else if (!o.repair && !r.corrupt.empty()) {
        hint = "'mlops package verify " + o.ref +
               " --repair' moves corrupt blobs aside; then 'mlops package build' (or 'mlops "
               "package import FILE') makes them anew";
      } else if (r.corrupt.empty() && r.problems[i].rfind("no signature by key", 0) == 0) {
        hint = "sign it with the private key of that pair: 'mlops package sign " + o.ref + " --key KEY'";
      }
    }
    ctx.out.error(r.problems[i], hint);
  }
  if (ctx.out.json()) {
    ctx.out.print_json({{"ok", r.ok},
                        {"problems", r.problems},
                        {"blobs_checked", r.blobs_checked},
                        {"bytes_checked", r.bytes_checked},
                        {"signature_checked", r.signature_checked},
                        {"key_id", r.key_id},
                        {"corrupt", r.corrupt},
                        {"moved_aside", r.moved_aside}});
  } else if (r.ok) {
    ctx.out.print("ok: " + std::to_string(r.blobs_checked) + " blobs, " + human_size(r.bytes_checked) + " re-hashed" +
                  (r.signature_checked ? ", signature by " + r.key_id.substr(0, 16) + " valid" : "") + "\n");
  }
  return r.ok ? k_exit_ok : k_exit_negative;
}

int run_sign(Opts& o, Context& ctx) {
  ProgressLine line(ctx.out, "sign");
  const auto r = with_progress(ctx, line, "nothing was signed", [&] { return package::sign(o.store_path(), o.ref, o.key, &line); });
  if (ctx.out.json()) {
    ctx.out.print_json({{"signature", r.digest}, {"key_id", r.key_id}, {"files", r.files}});
  } else {
    ctx.out.print("signed " + o.ref + " (" + std::to_string(r.files) + " files) with key " + r.key_id.substr(0, 16) + ": " + r.digest +
                  "\n");
  }
  return 0;
}

int run_unpack(Opts& o, Context& ctx) {
  package::UnpackOptions uo;
  uo.filters = o.filters;
  uo.overwrite = o.force;
  ProgressLine line(ctx.out, "unpack");
  uo.progress = &line;
  const auto r =
      with_progress(ctx, line, "nothing was written to " + o.dir, [&] { return package::unpack(o.store_path(), o.ref, o.dir, uo); });
  if (ctx.out.json()) {
    ctx.out.print_json({{"files", r.files}, {"bytes", r.bytes}, {"paths", r.paths}});
  } else {
    ctx.out.status("unpacked " + std::to_string(r.files) + " files (" + human_size(r.bytes) + ") into " + o.dir);
    if (ctx.global.verbose > 0) {
      std::string s;
      for (const auto& p : r.paths) s += p + "\n";
      ctx.out.print(s);
    }
  }
  return 0;
}

int run_tag(Opts& o, Context& ctx) {
  package::tag(o.store_path(), o.ref, o.target);
  if (ctx.out.json()) ctx.out.print_json({{"source", o.ref}, {"target", o.target}});
  return 0;
}

int run_rm(Opts& o, Context& ctx) {
  const auto removed = package::remove(o.store_path(), o.refs);
  if (ctx.out.json()) {
    ctx.out.print_json({{"removed", removed}});
  } else {
    for (const auto& r : removed) ctx.out.status("removed " + r);
    ctx.out.status("blobs stay until 'mlops package gc'");
  }
  return 0;
}

int run_gc(Opts& o, Context& ctx) {
  const auto r = package::gc(o.store_path());
  if (ctx.out.json()) {
    ctx.out.print_json(
        {{"blobs_removed", r.blobs_removed}, {"partial_blobs_removed", r.partial_blobs_removed}, {"bytes_freed", r.bytes_freed}});
  } else {
    ctx.out.print("removed " + std::to_string(r.blobs_removed) + " blobs" +
                  (r.partial_blobs_removed > 0
                       ? " and " + std::to_string(r.partial_blobs_removed) + " partial ones left by interrupted builds"
                       : "") +
                  ", " + human_size(r.bytes_freed) + " freed\n");
  }
  return 0;
}

int run_export(Opts& o, Context& ctx) {
  ProgressLine line(ctx.out, "export");
  with_progress(ctx, line, o.file + " was not written", [&] {
    package::export_tar(o.store_path(), o.ref, o.file, &line);
    return 0;
  });
  if (ctx.out.json()) ctx.out.print_json({{"ref", o.ref}, {"file", o.file}});
  else ctx.out.status("exported " + o.ref + " to " + o.file);
  return 0;
}

int run_import(Opts& o, Context& ctx) {
  ProgressLine line(ctx.out, "import");
  const auto refs = with_progress(ctx, line, "nothing was imported; blobs already written stay for the next import or gc",
                                  [&] { return package::import_tar(o.store_path(), o.file, &line); });
  if (ctx.out.json()) {
    ctx.out.print_json({{"imported", refs}});
  } else {
    std::string s;
    for (const auto& r : refs) s += r + "\n";
    ctx.out.print(s);
  }
  return 0;
}

using Runner = int (*)(Opts&, Context&);

CLI::App* sub(CLI::App& cmd, Context& ctx, const std::shared_ptr<Opts>& o, const char* name, const char* summary, const char* examples,
              Runner run) {
  CLI::App* s = cmd.add_subcommand(name, summary);
  s->fallthrough();
  s->footer(std::string("\nExamples:\n") + examples);
  s->add_option("--store", o->store,
                "Package store (default $MLOPS_HOME, else `store` in the configuration, else $XDG_DATA_HOME/mlops/store)")
      ->type_name("DIR");
  s->callback([&ctx, o, run] { ctx.action = [o, run](Context& c) { return run(*o, c); }; });
  return s;
}

}  // namespace

void setup_package(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer(R"(
Examples:
  mlops package build                          # the package section of mlops.yaml -> NAME:VERSION
  mlops package build -t churn:v2 --from-exp deeper
  mlops package list
  mlops package sign churn:v2 --key mlops-signing.key
  mlops package verify churn:v2 --key mlops-signing.key.pub
  mlops package unpack churn:v2 ./deploy --filter model
  skopeo inspect --raw oci:$MLOPS_HOME:churn:v2        # the manifest (skopeo 1.9 needs --raw)
  skopeo copy oci:$MLOPS_HOME:churn:v2 docker://registry/churn:v2

The store is a standard OCI image layout at $MLOPS_HOME (default $XDG_DATA_HOME/mlops/store).)");
  auto o = std::make_shared<Opts>();

  auto* build = sub(cmd, ctx, o, "build", "Package the model, code and docs listed in mlops.yaml", R"(  mlops package build
  mlops package build -t churn:rc1 --compression zstd
  mlops package build --from-exp deeper            # lineage: run id, params, metrics
  SOURCE_DATE_EPOCH=0 mlops package build --json)",
                    run_build);
  build->add_option("-t,--tag", o->build.tag, "NAME[:TAG] (default package.name:package.version)");
  build->add_option("--from-exp", o->build.from_exp, "Record this experiment run's id, params and metrics as lineage")->type_name("RUN");
  build->add_option("--compression", o->build.compression, "Compression of tar layers: none, gzip or zstd")
      ->check(CLI::IsMember({"none", "gzip", "zstd"}));
  build
      ->add_option("--created", o->build.created,
                   "Creation time to record, RFC 3339 (default SOURCE_DATE_EPOCH, else the HEAD commit's time)")
      ->type_name("TIME");
  build->add_option("-j,--jobs", o->build.jobs, "Hashing threads (default: MLOPS_JOBS or `jobs` in the configuration, else one per core)")
      ->check(CLI::Range(1, 256));

  sub(cmd, ctx, o, "list", "List packages in the store", R"(  mlops package list
  mlops package list --json | jq -r '.[].ref')",
      run_list)
      ->alias("ls");

  auto* inspect = sub(cmd, ctx, o, "inspect", "Show a package's layers, lineage and annotations", R"(  mlops package inspect churn:v2
  mlops package inspect -v churn:v2                # also what .gitignore/.mlopsignore left out
  mlops package inspect churn:v2 --json | jq .config)",
                      run_inspect);
  inspect->add_option("REF", o->ref, "NAME[:TAG], digest or digest prefix")->required();

  auto* verify = sub(cmd, ctx, o, "verify", "Re-hash every blob of a package; with --key, check its signature",
                     R"(  mlops package verify churn:v2                  # exit 1 and the bad blob on corruption
  mlops package verify churn:v2 --key mlops-signing.key.pub
  mlops package verify churn:v2 --repair && mlops package build   # a flipped byte: moved aside, then made anew)",
                     run_verify);
  verify->add_option("REF", o->ref, "NAME[:TAG], digest or digest prefix")->required();
  verify->add_option("--key", o->key, "Public key (PEM) the package must be signed with")->type_name("FILE");
  verify->add_flag("--repair", o->repair, "Move corrupt blobs aside, so the next build or import makes them anew");

  auto* sign =
      sub(cmd, ctx, o, "sign", "Sign a package's file digests (Ed25519, DSSE, stored as a referrer)", R"(  mlops key generate release.key
  mlops package sign churn:v2 --key release.key
  mlops package sign churn:v2 --key env:MLOPS_SIGNING_KEY   # PEM text in that variable (CI secrets))",
          run_sign);
  sign->add_option("REF", o->ref, "NAME[:TAG], digest or digest prefix")->required();
  sign->add_option("--key", o->key, "Private key (PEM file, or env:VARIABLE)")->required()->type_name("KEY");

  auto* unpack = sub(cmd, ctx, o, "unpack", "Write a package's files into a directory", R"(  mlops package unpack churn:v2 ./deploy
  mlops package unpack churn:v2 ./model-only --filter model --filter docs
  mlops package unpack churn:v2 ./deploy --filter 'src/*.py' --force)",
                     run_unpack);
  unpack->add_option("REF", o->ref, "NAME[:TAG], digest or digest prefix")->required();
  unpack->add_option("DIR", o->dir, "Target directory (created if missing)")->required();
  unpack->add_option("--filter", o->filters, "model, datasets, code, docs, or a glob on file paths (repeatable)");
  unpack->add_flag("-f,--force", o->force, "Replace files that exist");

  auto* tag = sub(cmd, ctx, o, "tag", "Give a package another NAME:TAG", R"(  mlops package tag churn:v2 churn:prod)", run_tag);
  tag->add_option("SOURCE", o->ref, "Existing NAME[:TAG] or digest")->required();
  tag->add_option("TARGET", o->target, "New NAME[:TAG]")->required();

  auto* rm = sub(cmd, ctx, o, "rm", "Remove tags (blobs go with 'gc')", R"(  mlops package rm churn:v1 churn:v2
  mlops package rm churn:rc1 && mlops package gc)",
                 run_rm);
  rm->alias("remove");
  rm->add_option("REF", o->refs, "NAME[:TAG] or digest")->required();

  sub(cmd, ctx, o, "gc", "Delete blobs no package in the store refers to", R"(  mlops package gc
  mlops package gc --json)",
      run_gc);

  auto* exp = sub(cmd, ctx, o, "export", "Write a package as an OCI layout tarball", R"(  mlops package export churn:v2 churn-v2.tar
  skopeo inspect --raw oci-archive:churn-v2.tar:churn:v2            # --raw and the tag: see docs/formats.md
  skopeo inspect --config --raw oci-archive:churn-v2.tar:churn:v2   # the ModelPack config
  skopeo copy oci-archive:churn-v2.tar:churn:v2 docker://registry/churn:v2)",
                  run_export);
  exp->add_option("REF", o->ref, "NAME[:TAG], digest or digest prefix")->required();
  exp->add_option("FILE", o->file, "Tarball to write")->required();

  auto* imp = sub(cmd, ctx, o, "import", "Add the packages of an OCI layout tarball to the store", R"(  mlops package import churn-v2.tar)",
                  run_import);
  imp->add_option("FILE", o->file, "Tarball to read")->required();
}

}  // namespace mlops::cli
