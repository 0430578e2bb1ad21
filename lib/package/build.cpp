// SPDX-License-Identifier: MIT
// mlops package build: the package section of mlops.yaml -> layers in the store -> a
// ModelPack manifest tagged NAME:TAG. Files are hashed on every core, each read once.
#include "config/project.hpp"
#include "core/worker_pool.hpp"
#include "package/archive_io.hpp"
#include "package/card.hpp"
#include "package/digest_cache.hpp"
#include "package/ignore.hpp"
#include "package/layers.hpp"
#include "package/lineage.hpp"
#include "package/spec.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/package.hpp>

#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace mlops::package {
namespace {

// One layer to produce.
struct Job {
  std::string kind;
  std::string path;  // org.cncf.model.filepath: the file, or the directory of a tar
  bool tar = false;
  stdfs::path source;          // raw: the file
  std::vector<TarItem> items;  // tar: its entries, sorted
  std::uint64_t bytes = 0;     // to schedule big jobs first
  bool executable = false;
  PackedLayer result;
};

// The package.exclude glob that matches `rel` (or its base name), or nullptr.
const std::string* excluded(const std::string& rel, const std::vector<std::string>& patterns) {
  const std::string base = rel.substr(rel.rfind('/') + 1);
  for (const auto& p : patterns) {
    if (::fnmatch(p.c_str(), rel.c_str(), 0) == 0 || ::fnmatch(p.c_str(), base.c_str(), 0) == 0) return &p;
  }
  return nullptr;
}

// Paths left out are remembered for `package inspect -v`, up to this many.
constexpr std::size_t k_max_excluded = 10'000;

// Names go into tar headers, JSON annotations and the signed statement, which hold UTF-8
// only, and unpack refuses control characters: such a name is refused before anything is
// written (storing the raw bytes would make a package that no JSON reader and no unpack
// could take).
void check_name(const std::string& rel, const std::string& target = {}) {
  const auto bad = [](std::string_view s) {
    return !valid_utf8(s) || std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  };
  const std::string hint = "rename it, or leave it out with package.exclude or .mlopsignore";
  if (bad(rel)) {
    throw Error(ErrorKind::invalid_input, "'" + printable(rel) + "': the name is not UTF-8 or holds a control character", hint);
  }
  if (bad(target)) {
    throw Error(ErrorKind::invalid_input,
                rel + " is a symlink to '" + printable(target) + "', which is not UTF-8 or holds a control character", hint);
  }
}

const std::vector<std::string> k_default_exclude = {"__pycache__", "*.pyc", ".git", ".DS_Store", ".ipynb_checkpoints"};

// A symlink in the package must point at something the package also holds.
void check_symlink(const Spec& spec, const std::string& rel, const std::string& target) {
  const auto outside = [&] {
    return Error(ErrorKind::invalid_input, rel + " is a symlink to '" + target + "', outside the package",
                 "list its target in mlops.yaml's package section, or replace the link with the file");
  };
  if (target.empty() || target[0] == '/') throw outside();
  const stdfs::path resolved = (stdfs::path(rel).parent_path() / target).lexically_normal();
  const std::string r = resolved.generic_string();
  if (r.empty() || r == "." || r.rfind("..", 0) == 0) throw outside();
  for (const auto& e : spec.entries) {
    if (r == e.path || r.rfind(e.path + "/", 0) == 0) return;
  }
  throw outside();
}

struct Planner {
  const Spec& spec;
  std::vector<std::string> exclude;
  const Exclusions& ignores;
  std::vector<Job> jobs;
  std::vector<ExcludedPath> left_out;
  std::vector<std::string> warnings;

  void leave_out(const std::string& rel, bool is_dir, std::string rule) {
    if (left_out.size() < k_max_excluded) left_out.push_back({rel + (is_dir ? "/" : ""), std::move(rule)});
  }

  void add_entry(const SpecEntry& e) {
    const stdfs::path abs = spec.project / e.path;
    struct stat st {};
    if (::lstat(abs.c_str(), &st) != 0) {
      throw Error(ErrorKind::not_found, e.path + " is listed in mlops.yaml's package section but does not exist",
                  e.kind == "weight" ? "train the model first, e.g. 'mlops exp run -- make train'" : "");
    }
    if (S_ISREG(st.st_mode)) {
      Job j;
      j.kind = e.kind;
      j.path = e.path;
      j.source = abs;
      j.bytes = static_cast<std::uint64_t>(st.st_size);
      j.executable = (st.st_mode & 0111) != 0;
      jobs.push_back(std::move(j));
    } else if (S_ISDIR(st.st_mode)) {
      add_directory(e, abs);
    } else if (S_ISLNK(st.st_mode)) {
      Job j;
      j.kind = e.kind;
      j.path = e.path;
      j.tar = true;
      j.items.push_back(symlink_item(e.path, abs));
      jobs.push_back(std::move(j));
    } else {
      throw Error(ErrorKind::invalid_input, e.path + " is not a regular file, directory or symlink");
    }
  }

  TarItem symlink_item(const std::string& rel, const stdfs::path& abs) {
    std::error_code ec;
    const std::string target = stdfs::read_symlink(abs, ec).string();
    if (ec) throw Error(ErrorKind::io, "cannot read the symlink " + rel + ": " + ec.message());
    check_name(rel, target);
    check_symlink(spec, rel, target);
    TarItem i;
    i.type = TarItem::symlink;
    i.name = rel;
    i.source = abs;
    i.target = target;
    return i;
  }

  void add_directory(const SpecEntry& e, const stdfs::path& root) {
    Job tar;
    tar.kind = e.kind;
    tar.path = e.path;
    tar.tar = true;
    bool has_content = false;
    const std::size_t jobs_before = jobs.size(), left_out_before = left_out.size();
    // .gitignore applies to what lives in git (code, docs); weights and datasets are most
    // often git-ignored as a whole, so only .mlopsignore applies to them.
    const bool git_rules = e.kind == "code" || e.kind == "doc";
    struct Dir {
      std::string rel;
      stdfs::path path;
      Exclusions::LevelPtr level;
    };
    std::vector<Dir> stack{{e.path, root, ignores.listed(e.path, git_rules)}};
    {
      TarItem d;
      d.type = TarItem::directory;
      d.name = e.path;
      tar.items.push_back(d);
    }
    while (!stack.empty()) {
      check_interrupted();
      const Dir here = stack.back();
      stack.pop_back();
      const std::string& rel_dir = here.rel;
      std::error_code ec;
      for (stdfs::directory_iterator it(here.path, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const std::string rel = rel_dir + "/" + name;
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0) throw_errno("cannot read " + rel);
        if (const std::string* glob = excluded(rel, exclude)) {
          leave_out(rel, S_ISDIR(st.st_mode), "package.exclude: " + *glob);
          continue;
        }
        if (auto rule = ignores.excluded(here.level, rel, S_ISDIR(st.st_mode))) {
          leave_out(rel, S_ISDIR(st.st_mode), std::move(*rule));
          continue;
        }
        check_name(rel);
        if (S_ISDIR(st.st_mode)) {
          TarItem d;
          d.type = TarItem::directory;
          d.name = rel;
          tar.items.push_back(d);
          stack.push_back({rel, it->path(), ignores.enter(here.level, rel)});
        } else if (S_ISREG(st.st_mode)) {
          if (static_cast<std::uint64_t>(st.st_size) >= spec.raw_threshold) {
            Job j;
            j.kind = e.kind;
            j.path = rel;
            j.source = it->path();
            j.bytes = static_cast<std::uint64_t>(st.st_size);
            j.executable = (st.st_mode & 0111) != 0;
            jobs.push_back(std::move(j));
          } else {
            TarItem f;
            f.type = TarItem::file;
            f.name = rel;
            f.source = it->path();
            f.executable = (st.st_mode & 0111) != 0;
            f.key = file_key(st);
            tar.bytes += f.key.size + 512;
            tar.items.push_back(std::move(f));
            has_content = true;
          }
        } else if (S_ISLNK(st.st_mode)) {
          tar.items.push_back(symlink_item(rel, it->path()));
          has_content = true;
        } else {
          throw Error(ErrorKind::invalid_input, rel + " is not a regular file, directory or symlink", "exclude it with package.exclude");
        }
      }
      if (ec) throw Error(ErrorKind::io, "cannot list " + rel_dir + ": " + ec.message());
    }
    if (!has_content) {
      if (jobs.size() == jobs_before && left_out.size() > left_out_before) {
        warnings.push_back(e.path + "/: every file in it is left out by ignore rules, so the package has nothing of it (-v lists what)");
      }
      return;
    }
    std::sort(tar.items.begin(), tar.items.end(), [](const TarItem& a, const TarItem& b) { return a.name < b.name; });
    jobs.push_back(std::move(tar));
  }
};

// Runs the jobs on `threads` threads, biggest first; the first error stops the others.
void run_jobs(std::vector<Job>& jobs, Store& store, DigestCache& cache, const std::string& compression, int threads,
              const BuildEvents& events) {
  std::vector<std::size_t> order(jobs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return jobs[a].bytes > jobs[b].bytes; });
  const Progress progress(events.progress);
  std::uint64_t total = 0;
  for (const auto& j : jobs) total += j.tar ? content_bytes(j.items) : j.bytes;
  progress.phase("hashing", total);
  std::mutex mutex;
  parallel_for(
      order.size(),
      [&](std::size_t k, unsigned) {
        Job& j = jobs[order[k]];
        progress.item(j.path);
        j.result = j.tar ? pack_tar(store, cache, j.items, compression, progress) : pack_raw(store, cache, j.source, j.path, progress);
        progress.item({});
        if (events.status && !j.result.cached) {
          std::lock_guard lock(mutex);
          events.status("packed " + j.path + (j.tar ? "/ (tar)" : ""));
        }
      },
      PoolOptions{static_cast<unsigned>(std::max(1, threads)), {}});
}

std::string created_time(const BuildOptions& o, const Lineage& l) {
  if (!o.created.empty()) return normalise_time(o.created);
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH"); sde && *sde) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(sde, &end, 10);
    if (*end != '\0' || v < 0 || errno == ERANGE) throw Error(ErrorKind::usage, "SOURCE_DATE_EPOCH must be a number of seconds");
    return rfc3339(v);
  }
  return rfc3339(l.commit_time);
}

nlohmann::json file_metadata(const std::string& path, std::uint64_t size, bool executable) {
  return {{"name", stdfs::path(path).filename().string()},
          {"mode", executable ? 0755 : 0644},
          {"uid", 0},
          {"gid", 0},
          {"size", size},
          {"mtime", "1970-01-01T00:00:00Z"},
          {"typeflag", 48}};
}

void write_build_notes(const Store& store, const std::string& digest, const std::vector<ExcludedPath>& excluded) {
  const stdfs::path file = store.build_notes(digest);
  if (excluded.empty()) {
    ::unlink(file.c_str());
    return;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& x : excluded) list.push_back({{"path", x.path}, {"rule", x.rule}});
  std::error_code ec;
  stdfs::create_directories(file.parent_path(), ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + file.parent_path().string() + ": " + ec.message());
  // Derived and small: not worth an fsync.
  fs::write_file_atomic(file, nlohmann::json{{"excluded", list}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                        stdfs::perms(0644), /*durable=*/false);
}

}  // namespace

stdfs::path default_store() {
  stdfs::path store = config::load_settings(stdfs::current_path()).store;
  if (store.empty()) throw Error(ErrorKind::usage, "cannot find the package store: neither MLOPS_HOME nor HOME is set");
  return store;
}

BuildResult build(const stdfs::path& cwd, const stdfs::path& store_root, const BuildOptions& options, const BuildEvents& events) {
  const Spec spec = read_spec(cwd);
  std::string compression = options.compression.empty() ? spec.compression : options.compression;
  if (compression != "none" && compression != "gzip" && compression != "zstd") {
    throw Error(ErrorKind::usage, "invalid compression '" + compression + "'", "use none, gzip or zstd");
  }
  std::string tag = options.tag;
  if (tag.empty()) {
    if (spec.name.empty()) throw Error(ErrorKind::usage, "the package has no name", "set package.name in mlops.yaml or give -t NAME:TAG");
    tag = spec.name + ":" + (spec.version.empty() ? "latest" : spec.version);
  }
  const Reference ref = parse_reference(tag);

  Lineage lineage = git_lineage(spec.project);
  if (!options.from_exp.empty()) {
    add_run(lineage, cwd, options.from_exp);
    lineage.gates = options.gates;
    lineage.gates_error = options.gates_error;
  }
  const std::string created = created_time(options, lineage);

  const Exclusions ignores(spec.project);
  Planner planner{spec, spec.exclude.empty() ? k_default_exclude : spec.exclude, ignores, {}, {}, {}};
  for (const auto& e : spec.entries) {
    for (const auto& other : spec.entries) {
      if (&e != &other && e.path.rfind(other.path + "/", 0) == 0) {
        throw Error(ErrorKind::invalid_input, "mlops.yaml lists " + e.path + " and also " + other.path + ", which holds it",
                    "list each file once");
      }
    }
    planner.add_entry(e);
  }
  const bool user_card = std::any_of(planner.jobs.begin(), planner.jobs.end(), [](const Job& j) { return j.path == k_model_card; });

  Store store(store_root);
  const FileLock gc_guard = store.writer_lock();  // gc waits until our manifest is in the index
  DigestCache cache(store.state_dir() / "digests-v2");
  cache.load();
  // --jobs, else MLOPS_JOBS, mlops.yaml's or the user config's `jobs`, else one per core.
  const int threads = options.jobs > 0 ? options.jobs
                                       : config::resolve(config::load_file(spec.project / config::k_project_file))
                                             .jobs.value_or(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  run_jobs(planner.jobs, store, cache, compression, threads, events);
  cache.save();

  // Layers in a stable order: by kind as ModelPack lists them, then as mlops.yaml lists them.
  const std::vector<std::string> kinds = {"weight", "weight.config", "dataset", "code", "doc"};
  std::vector<const Job*> ordered;
  for (const auto& k : kinds) {
    std::vector<const Job*> of_kind;
    for (const auto& j : planner.jobs) {
      if (j.kind == k) of_kind.push_back(&j);
    }
    std::stable_sort(of_kind.begin(), of_kind.end(), [](const Job* a, const Job* b) { return a->path < b->path; });
    ordered.insert(ordered.end(), of_kind.begin(), of_kind.end());
  }

  BuildResult result;
  result.ref = ref.str();
  nlohmann::json layers = nlohmann::json::array();
  nlohmann::json diff_ids = nlohmann::json::array();
  std::vector<CardFile> card_files;
  auto add_layer = [&](const std::string& kind, const std::string& path, bool tar, const PackedLayer& p, bool executable) {
    Descriptor d;
    d.media_type = media::model_layer(kind, tar, tar ? compression : "none");
    d.digest = p.digest;
    d.size = p.size;
    d.annotations = {{annotation::filepath, path}, {annotation::title, path}};
    if (!tar) d.annotations[annotation::file_metadata] = canonical(file_metadata(path, p.size, executable));
    layers.push_back(to_json(d));
    diff_ids.push_back(p.diff_id);
    result.layers.push_back({path, d.media_type, p.digest, p.size, p.reused, p.cached});
    result.bytes_read += p.bytes_read;
    result.size += p.size;
    if (!p.reused) ++result.new_blobs;
  };
  for (const Job* j : ordered) {
    // Lineage is only worth something if the file is the one the run wrote.
    if (const auto a = lineage.artifacts.find(j->path);
        !j->tar && a != lineage.artifacts.end() && a->is_string() && "sha256:" + a->get<std::string>() != j->result.digest) {
      result.warnings.push_back(j->path + " is not the file run '" + lineage.run_name + "' produced (it has changed since)");
    }
    add_layer(j->kind, j->path, j->tar, j->result, j->executable);
    card_files.push_back({j->path + (j->tar ? "/" : ""), j->kind, j->result.digest, j->result.size});
  }
  if (!user_card) {
    const std::string card = model_card(spec, lineage, ref.str(), created, card_files);
    PackedLayer p;
    const bool had = store.has_blob("sha256:" + sha256_hex(card));
    p.digest = p.diff_id = store.put_blob(card);
    p.size = card.size();
    p.reused = had;
    add_layer("doc", k_model_card, false, p, false);
  }

  // Config: ModelPack's schema admits no other keys, so lineage goes into annotations.
  nlohmann::json descriptor{{"name", spec.name.empty() ? ref.name : spec.name}, {"createdAt", created}};
  if (!spec.version.empty()) descriptor["version"] = spec.version;
  if (!spec.description.empty()) descriptor["description"] = spec.description;
  if (!spec.authors.empty()) descriptor["authors"] = spec.authors;
  if (!spec.license.empty()) descriptor["licenses"] = nlohmann::json::array({spec.license});
  if (!spec.family.empty()) descriptor["family"] = spec.family;
  if (!spec.vendor.empty()) descriptor["vendor"] = spec.vendor;
  if (!spec.doc_url.empty()) descriptor["docURL"] = spec.doc_url;
  const std::string source = spec.source_url.empty() ? lineage.source : spec.source_url;
  if (!source.empty()) descriptor["sourceURL"] = source;
  if (!lineage.commit.empty()) descriptor["revision"] = lineage.commit;
  nlohmann::json config = nlohmann::json::object();
  std::string format = spec.format;
  for (const auto& e : spec.entries) {
    if (format.empty() && e.kind == "weight" && !e.format.empty()) format = e.format;
  }
  if (!format.empty()) config["format"] = format;
  if (!spec.architecture.empty()) config["architecture"] = spec.architecture;
  if (!spec.param_size.empty()) config["paramSize"] = spec.param_size;
  if (!spec.precision.empty()) config["precision"] = spec.precision;
  if (!spec.quantization.empty()) config["quantization"] = spec.quantization;
  const nlohmann::json model{{"descriptor", descriptor}, {"config", config}, {"modelfs", {{"type", "layers"}, {"diffIds", diff_ids}}}};
  const std::string config_bytes = canonical(model);
  const std::string config_digest = store.put_blob(config_bytes);
  result.size += config_bytes.size();

  nlohmann::json annotations{{annotation::created, created},
                             {"org.opencontainers.image.title", descriptor["name"]},
                             {"ai.mlops.git.dirty", lineage.dirty ? "true" : "false"}};
  if (!spec.version.empty()) annotations["org.opencontainers.image.version"] = spec.version;
  if (!spec.description.empty()) annotations["org.opencontainers.image.description"] = spec.description;
  if (!spec.license.empty()) annotations["org.opencontainers.image.licenses"] = spec.license;
  if (!spec.authors.empty()) {
    std::string a;
    for (const auto& x : spec.authors) a += (a.empty() ? "" : ", ") + x;
    annotations["org.opencontainers.image.authors"] = a;
  }
  if (!source.empty()) annotations["org.opencontainers.image.source"] = source;
  if (!lineage.commit.empty()) {
    annotations["org.opencontainers.image.revision"] = lineage.commit;
    annotations["ai.mlops.git.commit"] = lineage.commit;
  }
  if (!lineage.run_id.empty()) {
    annotations["ai.mlops.exp.id"] = lineage.run_id;
    annotations["ai.mlops.exp.name"] = lineage.run_name;
    annotations["ai.mlops.exp.status"] = lineage.run_status;
    annotations["ai.mlops.exp.snapshot"] = lineage.run_snapshot;
    annotations["ai.mlops.exp.params"] = canonical(lineage.params);
    annotations["ai.mlops.exp.metrics"] = canonical(lineage.metrics);
  }
  if (!spec.metadata.empty()) annotations["ai.mlops.metadata"] = canonical(spec.metadata);
  annotations["ai.mlops.package"] = canonical(spec.source);

  const nlohmann::json manifest{
      {"schemaVersion", 2},
      {"mediaType", media::manifest},
      {"artifactType", media::model_artifact},
      {"config", to_json(Descriptor{media::model_config, config_digest, config_bytes.size(), {}, nlohmann::json::object()})},
      {"layers", layers},
      {"annotations", annotations}};
  const std::string manifest_bytes = canonical(manifest);
  result.digest = store.put_blob(manifest_bytes);
  result.size += manifest_bytes.size();

  // What the build left out, for `package inspect -v`: beside the package, not in it, so
  // leftovers in the tree do not change its digest.
  result.excluded = planner.left_out;
  result.warnings.insert(result.warnings.end(), planner.warnings.begin(), planner.warnings.end());
  write_build_notes(store, result.digest, result.excluded);

  IndexEntry entry;
  entry.descriptor = Descriptor{media::manifest, result.digest, manifest_bytes.size(), media::model_artifact, nlohmann::json::object()};
  entry.ref = ref.str();
  store.update_index([&](std::vector<IndexEntry>& entries) { set_index_entry(entries, entry); });
  return result;
}

}  // namespace mlops::package
