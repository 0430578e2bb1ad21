// SPDX-License-Identifier: MIT
// Renders a template into a staging directory and moves the finished project into place,
// so a failure at any point leaves nothing half-made.
#include "core/process.hpp"
#include "git/repo.hpp"
#include "scaffold/answers_file.hpp"
#include "scaffold/links.hpp"
#include "scaffold/names.hpp"
#include "scaffold/render.hpp"
#include "scaffold/temp_dirs.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/scaffold.hpp>
#include "core/log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>

namespace mlops::scaffold {
namespace {

namespace stdfs = std::filesystem;

struct Planned {
  std::string out_path;       // relative to the project root
  std::string template_path;  // for messages
  const TemplateFile* file = nullptr;
  bool render = true;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The output path of a template file, or nullopt when a path component renders empty (the
// way conditional files are written). The path is rendered as one string because a section
// may span components ("[[#x]]dir[[/x]]/f" is stored as "[[#x]]dir[[" / "x]]/f" on disk);
// separators are marked first so that '/' coming from an answer cannot create new ones.
// Anything that could land outside the project, or a name with a control character, is refused.
std::optional<std::string> render_path(const Renderer& r, const std::string& tpath, const std::string& open, const std::string& origin) {
  if (has_control_character(tpath)) throw Error(ErrorKind::invalid_input, origin + ": control character in a file name");
  auto mark = [&](char sep) {
    std::string marked;
    for (size_t i = 0; i < tpath.size(); ++i) {
      const char c = tpath[i];
      const bool closes_tag = i >= open.size() && tpath.compare(i - open.size(), open.size(), open) == 0;
      marked += (c == '/' && !closes_tag) ? sep : c;
    }
    return r.render(marked, origin + " (file name)");
  };
  // The template path has no control character, so every one in the rendering came from an
  // answer, except the markers. An answer holding the marker itself shows when the path is
  // rendered again with another marker: the marker appears there too.
  constexpr char k_sep = '\x01', k_other_sep = '\x02';
  const std::string rendered = mark(k_sep);
  const bool control_from_answer = std::any_of(rendered.begin(), rendered.end(),
                                               [&](char c) { return c != k_sep && (static_cast<unsigned char>(c) < 0x20 || c == 0x7f); });
  if (control_from_answer || (rendered.find(k_sep) != std::string::npos && mark(k_other_sep).find(k_sep) != std::string::npos)) {
    throw Error(ErrorKind::invalid_input, origin + ": renders to a name with a control character (from an answer)",
                "file names cannot hold control characters; check the answers used in this file's name");
  }
  std::string out;
  for (const auto& component : split(rendered, k_sep)) {
    if (component.empty()) return std::nullopt;
    for (const auto& piece : split(component, '/')) {
      if (piece.empty() || piece == "." || piece == "..") {
        throw Error(ErrorKind::invalid_input,
                    origin + ": renders to '" + printable(component) + "', which is not a name inside the project");
      }
      if (lowercase(piece) == ".git") throw Error(ErrorKind::invalid_input, origin + ": a template may not write into .git");
      out += (out.empty() ? "" : "/") + piece;
    }
  }
  return out;
}

bool looks_binary(const std::string& data) {
  // git's heuristic: a NUL byte in the first 8000 bytes.
  return data.find('\0') < 8000;
}

void write_new_file(const stdfs::path& path, const std::string& data, bool executable) {
  std::error_code ec;
  stdfs::create_directories(path.parent_path(), ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + path.parent_path().string() + ": " + ec.message());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, executable ? 0777 : 0666);
  if (fd < 0) throw_errno("cannot create " + path.string());
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw_errno("cannot write " + path.string());
    }
    off += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) throw_errno("cannot write " + path.string());
}

// Every template symlink must lead inside the project as it will be once published (the
// plan, plus what an existing target keeps), which is judged before anything is written.
void check_links(const std::vector<Planned>& plan, const stdfs::path& existing) {
  ProjectEntries entries;
  entries.existing = existing;
  for (const auto& p : plan) {
    add_parents(entries, p.out_path);
    if (p.file->kind == TemplateFile::Kind::symlink) {
      entries.links[p.out_path] = p.file->content;
    } else {
      entries.files.insert(p.out_path);
    }
  }
  entries.files.insert(k_answers_file);
  add_parents(entries, k_answers_file);
  for (const auto& p : plan) {
    if (p.file->kind != TemplateFile::Kind::symlink) continue;
    if (auto problem = link_problem(entries, p.out_path)) {
      throw Error(ErrorKind::invalid_input, p.template_path + ": symlink to '" + printable(p.file->content) + "' " + *problem);
    }
  }
}

std::map<std::string, std::string> hook_env(const Answers& answers, const stdfs::path& template_dir, const stdfs::path& target) {
  std::map<std::string, std::string> env;
  for (const auto& [name, value] : answers.values) {
    std::string key = "MLOPS_ANSWER_";
    for (char c : name) key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    env[key] = to_display(value);
  }
  env["MLOPS_TEMPLATE_DIR"] = template_dir.string();
  env["MLOPS_PROJECT_DIR"] = target.string();
  return env;
}

// Hooks may run scripts that ship with the template, so the whole template must be on disk.
stdfs::path materialize(const Template& tpl, std::optional<fs::TempDir>& holder) {
  if (tpl.origin.kind == TemplateOrigin::Kind::path) return tpl.origin.location;
  holder.emplace(make_owned_temp_dir({}, "mlops-template-"));
  for (const auto& f : tpl.files) {
    const stdfs::path p = holder->path() / f.path;
    if (f.kind == TemplateFile::Kind::symlink) {
      stdfs::create_directories(p.parent_path());
      stdfs::create_symlink(f.content, p);
    } else {
      write_new_file(p, f.content, f.executable);
    }
  }
  return holder->path();
}

void run_hooks(const std::vector<Hook>& hooks, const char* phase, const stdfs::path& cwd, const stdfs::path& template_dir,
               const std::map<std::string, std::string>& env, const std::string& hint) {
  for (const auto& h : hooks) {
    check_interrupted();
    std::vector<std::string> argv = h.argv;
    if (argv[0].find('/') != std::string::npos && argv[0][0] != '/') argv[0] = (template_dir / argv[0]).string();
    log::info("running {} hook: {}", phase, printable(describe(h)));
    const ProcessResult r = run_process(argv, cwd, env);
    check_interrupted();
    if (!r.ok()) {
      throw Error(ErrorKind::invalid_input, std::string(phase) + " hook '" + printable(describe(h)) + "' failed with " + r.describe(),
                  hint);
    }
  }
}

// What is under `dir` (not in .git), to tell what hooks changed.
std::map<std::string, std::string> snapshot(const stdfs::path& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(dir, stdfs::directory_options::skip_permission_denied, ec);
       !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;
    out[it->path().lexically_relative(dir).generic_string()] =
        std::to_string(st.st_mode) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
        std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_ctim.tv_nsec);
  }
  return out;
}

std::vector<std::string> changed(const std::map<std::string, std::string>& before, const std::map<std::string, std::string>& after) {
  std::vector<std::string> out;
  for (const auto& [path, id] : after) {
    auto it = before.find(path);
    if (it == before.end() || it->second != id) out.push_back(path);
  }
  for (const auto& entry : before) {
    if (after.count(entry.first) == 0) out.push_back(entry.first);
  }
  std::sort(out.begin(), out.end());
  return out;
}

enum class TargetState { missing, empty, only_git, non_empty };

TargetState inspect_target(const stdfs::path& target) {
  struct stat st {};
  if (::lstat(target.c_str(), &st) != 0) {
    if (errno == ENOENT) return TargetState::missing;
    throw_errno("cannot inspect " + target.string());
  }
  if (!S_ISDIR(st.st_mode)) throw Error(ErrorKind::conflict, target.string() + " exists and is not a directory");
  bool any = false, only_git = true;
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(target, ec)) {
    any = true;
    if (e.path().filename() != ".git") only_git = false;
  }
  if (ec) throw Error(ErrorKind::io, "cannot list " + target.string() + ": " + ec.message());
  if (!any) return TargetState::empty;
  return only_git ? TargetState::only_git : TargetState::non_empty;
}

// For --force into an existing directory: every path we will write must go through real
// directories only (never through a symlink out of the project) and must not replace a
// directory with a file.
void precheck_merge(const stdfs::path& target, const std::vector<std::string>& paths) {
  for (const auto& rel : paths) {
    stdfs::path cur = target;
    const auto parts = split(rel, '/');
    for (size_t i = 0; i < parts.size(); ++i) {
      cur /= parts[i];
      struct stat st {};
      if (::lstat(cur.c_str(), &st) != 0) break;  // does not exist: created fresh
      const bool last = i + 1 == parts.size();
      if (S_ISLNK(st.st_mode)) {
        throw Error(ErrorKind::conflict, cur.string() + " is a symlink; refusing to write " + (last ? "over" : "through") + " it");
      }
      if (!last && !S_ISDIR(st.st_mode)) throw Error(ErrorKind::conflict, cur.string() + " exists and is not a directory");
      if (last && S_ISDIR(st.st_mode)) throw Error(ErrorKind::conflict, cur.string() + " is a directory; the template writes a file there");
    }
  }
}

// For --force inside a git repository: a tracked file we would replace must hold no
// uncommitted change, or the edit would be overwritten and then buried under our commit.
void check_uncommitted(const stdfs::path& target, const std::vector<std::string>& paths) {
  const auto worktree = git::enclosing_worktree(target);
  if (!worktree) return;
  const std::string rel = target.lexically_relative(*worktree).generic_string();
  std::vector<std::string> in_repo;
  for (const auto& p : paths) in_repo.push_back(rel == "." || rel.empty() ? p : rel + "/" + p);
  const auto changed = git::uncommitted_changes(*worktree, in_repo);
  if (changed.empty()) return;
  std::string list;
  for (std::size_t i = 0; i < changed.size() && i < 10; ++i) list += (list.empty() ? "" : ", ") + printable(changed[i]);
  if (changed.size() > 10) list += " and " + std::to_string(changed.size() - 10) + " more";
  throw Error(ErrorKind::conflict, "uncommitted changes in files the template would replace: " + list,
              "commit or stash them first; --force replaces only what git can give back");
}

// Moves staging/<rel> to target/<rel> for every entry of a staged tree, merging directories.
void merge_into(const stdfs::path& from, const stdfs::path& to, const std::string& prefix, std::vector<std::string>& overwritten) {
  std::vector<stdfs::path> entries;
  for (const auto& e : stdfs::directory_iterator(from)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const auto& src : entries) {
    const stdfs::path dst = to / src.filename();
    const std::string rel = prefix + src.filename().string();
    struct stat sst {
    }, dst_st{};
    ::lstat(src.c_str(), &sst);
    const bool dst_exists = ::lstat(dst.c_str(), &dst_st) == 0;
    if (S_ISDIR(sst.st_mode) && dst_exists && S_ISDIR(dst_st.st_mode)) {
      merge_into(src, dst, rel + "/", overwritten);
      continue;
    }
    if (dst_exists) overwritten.push_back(rel);
    if (::rename(src.c_str(), dst.c_str()) != 0) throw_errno("cannot move " + rel + " into " + to.string());
  }
}

void sync_filesystem(const stdfs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open " + dir.string());
  const int rc = ::syncfs(fd);
  ::close(fd);
  if (rc != 0) throw_errno("cannot sync " + dir.string());
}

constexpr const char* k_nothing_written = "nothing was written; fix the template or run without --trust";

std::string hooks_commit_message(const Template& tpl) {
  return "Apply the post_generate hooks of mlops template " + tpl.manifest.name + "\n";
}

std::string commit_message(const Template& tpl) {
  std::string msg = "Initialize project from mlops template " + tpl.manifest.name;
  if (!tpl.manifest.version.empty()) msg += " " + tpl.manifest.version;
  msg += "\n\nTemplate: " + std::string(to_string(tpl.origin.kind)) + " " + tpl.origin.location;
  if (!tpl.origin.ref.empty()) msg += "@" + tpl.origin.ref;
  if (!tpl.origin.commit.empty()) msg += " (commit " + tpl.origin.commit + ")";
  return msg + "\n";
}

Renderer make_renderer(const Template& tpl, const Answers& answers, const Builtins& builtins) {
  const Manifest& m = tpl.manifest;
  Renderer r(m.open_delimiter, m.close_delimiter);
  r.add_builtins(builtins, m);
  for (const auto& q : m.questions) {
    const Value* v = answers.find(q.name);
    if (v == nullptr) throw Error(ErrorKind::internal, "no answer for '" + q.name + "'");
    if (std::find(answers.secrets.begin(), answers.secrets.end(), q.name) != answers.secrets.end()) {
      r.add_secret(q.name);
    } else {
      r.set(q, *v);
    }
  }
  return r;
}

// Every file the template produces with the answers in `r`, and where.
std::vector<Planned> plan_files(const Template& tpl, const Renderer& r) {
  const Manifest& m = tpl.manifest;
  const git::Pathspec raw_globs(m.copy_without_render);
  const git::Pathspec excluded(m.exclude);
  const std::string files_prefix = stdfs::path(m.files_dir).lexically_normal().generic_string() + "/";

  std::vector<Planned> plan;
  std::map<std::string, std::string> seen{{k_answers_file, "mlops itself"}};  // output path -> template path
  for (const auto& f : tpl.files) {
    if (f.path.rfind(files_prefix, 0) != 0) continue;
    const std::string tpath = f.path.substr(files_prefix.size());
    if (!excluded.empty() && excluded.matches(tpath)) continue;
    const std::string origin = m.files_dir + "/" + tpath;
    auto out = render_path(r, tpath, m.open_delimiter, origin);
    if (!out) continue;
    if (*out == k_answers_file) throw Error(ErrorKind::invalid_input, origin + ": " + k_answers_file + " is written by mlops itself");
    auto [it, inserted] = seen.emplace(*out, origin);
    if (!inserted) throw Error(ErrorKind::invalid_input, "two template files render to " + *out + ": " + it->second + " and " + origin);
    Planned p{*out, origin, &f, true};
    if (f.kind != TemplateFile::Kind::symlink) p.render = !(raw_globs.matches(tpath) || looks_binary(f.content));
    plan.push_back(std::move(p));
  }
  // A path cannot be both a file and a directory.
  for (const auto& [path, origin] : seen) {
    auto next = seen.lower_bound(path + "/");
    if (next != seen.end() && next->first.rfind(path + "/", 0) == 0) {
      throw Error(ErrorKind::invalid_input, origin + " renders to " + path + ", which " + next->second + " needs as a directory");
    }
  }
  return plan;
}

// For --force over an earlier project of this template: the files its recorded answers
// produce, this plan does not, and the target still has. Best effort: when the earlier
// answers no longer resolve (the template changed), nothing is reported.
std::vector<std::string> left_behind(const Template& tpl, const Builtins& builtins, const Answers& answers,
                                     const std::vector<Planned>& plan, const stdfs::path& target) {
  std::error_code ec;
  const stdfs::path file = target / k_answers_file;
  if (!stdfs::is_regular_file(stdfs::symlink_status(file, ec))) return {};
  try {
    const AnswersFile previous = load_answers_file(file);
    if (previous.recorded && !previous.recorded->name.empty() && previous.recorded->name != tpl.manifest.name) return {};
    AnswerSources sources;
    sources.use_defaults = true;
    for (const auto& q : tpl.manifest.questions) {
      if (auto it = previous.answers.find(q.name); it != previous.answers.end()) sources.file.insert(*it);
    }
    for (const auto& name : answers.secrets) sources.set[name] = {to_display(*answers.find(name))};  // never recorded
    const Answers earlier = resolve_answers(tpl, builtins, sources);
    std::set<std::string> now;
    for (const auto& p : plan) now.insert(p.out_path);
    std::vector<std::string> out;
    for (const auto& p : plan_files(tpl, make_renderer(tpl, earlier, builtins))) {
      if (now.count(p.out_path) == 0 && stdfs::exists(stdfs::symlink_status(target / p.out_path, ec))) out.push_back(p.out_path);
    }
    return out;
  } catch (const Error& e) {
    log::debug("cannot tell which files the earlier answers produced: {}", e.what());
    return {};
  }
}

}  // namespace

std::string describe(const Hook& h) {
  if (h.argv.size() == 3 && h.argv[0] == "/bin/sh" && h.argv[1] == "-c") return h.argv[2];
  std::string s;
  for (const auto& a : h.argv) {
    const bool plain =
        !a.empty() && a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-") == std::string::npos;
    std::string quoted = "'";
    for (char c : a) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    s += (s.empty() ? "" : " ") + (plain ? a : quoted + "'");
  }
  return s;
}

void check_target(const std::filesystem::path& target, bool force) {
  // An empty DIR (an unset variable in a script) is not the current directory: '.' says that.
  if (target.empty()) throw Error(ErrorKind::usage, "the target directory is empty", "give a directory, or '.' for the current one");
  // A killed run's staging directory inside an existing target would make it look non-empty.
  std::error_code ec;
  if (stdfs::is_directory(stdfs::symlink_status(target, ec))) remove_stale_temp_dirs(target, ".mlops-init-");
  const TargetState state = inspect_target(stdfs::absolute(target).lexically_normal());
  if (state == TargetState::non_empty && !force) {
    throw Error(ErrorKind::conflict, stdfs::absolute(target).lexically_normal().string() + " exists and is not empty",
                "choose a new directory, or --force to write into it (files the template produces are replaced)");
  }
}

GenerateResult generate(const Template& tpl, const Answers& answers, const Builtins& builtins, const GenerateOptions& options) {
  const Manifest& m = tpl.manifest;
  GenerateResult result;
  if (options.target.empty())
    throw Error(ErrorKind::usage, "the target directory is empty", "give a directory, or '.' for the current one");
  stdfs::path target = stdfs::absolute(options.target).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();
  result.target = target;

  // ---- what goes where ----
  const Renderer r = make_renderer(tpl, answers, builtins);
  const std::vector<Planned> plan = plan_files(tpl, r);

  // ---- where it goes ----
  check_target(target, options.force);
  const TargetState state = inspect_target(target);
  std::vector<std::string> out_paths;
  for (const auto& p : plan) out_paths.push_back(p.out_path);
  out_paths.push_back(k_answers_file);
  if (state != TargetState::missing) precheck_merge(target, out_paths);
  if (state != TargetState::missing && options.git) check_uncommitted(target, out_paths);
  check_links(plan, state == TargetState::missing ? stdfs::path() : target);
  if (state != TargetState::missing) result.left = left_behind(tpl, builtins, answers, plan, target);

  std::vector<stdfs::path> created_parents;  // removed again if anything fails
  struct ParentCleanup {
    std::vector<stdfs::path>& dirs;
    bool armed = true;
    ~ParentCleanup() {
      if (!armed) return;
      for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) ::rmdir(it->c_str());
    }
  } parent_cleanup{created_parents};
  if (state == TargetState::missing) {
    for (stdfs::path p = target.parent_path(); !p.empty() && !stdfs::exists(p); p = p.parent_path()) created_parents.push_back(p);
    std::reverse(created_parents.begin(), created_parents.end());
    for (const auto& p : created_parents) {
      if (::mkdir(p.c_str(), 0777) != 0) throw_errno("cannot create " + p.string());
    }
  }

  // Staging sits beside a new target (so one rename publishes it) or inside an existing one
  // (same filesystem, and the user's directory itself is never replaced).
  // Its name carries the owner, so the staging directory of a killed run is removed here.
  std::optional<fs::TempDir> staging_holder;
  const stdfs::path staging_parent = state == TargetState::missing ? target.parent_path() : target;
  const std::string staging_prefix = state == TargetState::missing ? "." + target.filename().string() + ".mlops-init-" : ".mlops-init-";
  remove_stale_temp_dirs(staging_parent, staging_prefix);
  staging_holder.emplace(make_owned_temp_dir(staging_parent, staging_prefix));
  const stdfs::path staging = staging_holder->path() / "project";
  if (::mkdir(staging.c_str(), 0777) != 0) throw_errno("cannot create " + staging.string());

  std::optional<fs::TempDir> template_copy;
  const bool has_hooks = !m.pre_generate.empty() || !m.post_generate.empty();
  stdfs::path template_dir;
  std::map<std::string, std::string> env;
  if (has_hooks && options.trust) {
    template_dir = materialize(tpl, template_copy);
    env = hook_env(answers, template_dir, target);
    run_hooks(m.pre_generate, "pre_generate", staging, template_dir, env, k_nothing_written);
  } else if (has_hooks) {
    for (const auto& h : m.pre_generate) result.hooks_skipped.push_back("pre_generate: " + printable(describe(h)));
    for (const auto& h : m.post_generate) result.hooks_skipped.push_back("post_generate: " + printable(describe(h)));
  }

  // ---- render ----
  for (const auto& p : plan) {
    check_interrupted();
    const stdfs::path dst = staging / p.out_path;
    if (p.file->kind == TemplateFile::Kind::symlink) continue;  // after all files, see below
    write_new_file(dst, p.render ? r.render(p.file->content, p.template_path) : p.file->content, p.file->executable);
    result.files.push_back(p.out_path);
  }
  // Links last: no file is ever written through a link the template created.
  for (const auto& p : plan) {
    if (p.file->kind != TemplateFile::Kind::symlink) continue;
    const stdfs::path dst = staging / p.out_path;
    std::error_code ec;
    stdfs::create_directories(dst.parent_path(), ec);
    if (::symlink(p.file->content.c_str(), dst.c_str()) != 0) throw_errno("cannot create symlink " + p.out_path);
    result.files.push_back(p.out_path);
  }
  std::error_code mkdir_ec;
  stdfs::create_directories((staging / k_answers_file).parent_path(), mkdir_ec);
  fs::write_file_atomic(staging / k_answers_file, answers_yaml(tpl, answers));
  result.files.push_back(k_answers_file);
  std::sort(result.files.begin(), result.files.end());
  result.message_after = r.render(m.message_after, "mlops-template.yaml (message_after)");

  // ---- git, and the post_generate hooks, which may use it ----
  // They run once the project is committed: in a new repository before it is published (their
  // changes are a second commit; a failure leaves nothing), in an enclosing one after its
  // commit (their changes are left for review), without git before publishing.
  const bool post_hooks = options.trust && !m.post_generate.empty();
  std::optional<stdfs::path> enclosing;
  if (options.git) enclosing = git::enclosing_worktree(state == TargetState::missing ? target.parent_path() : target);
  if (!options.git) {
    result.git_mode = "none";
    if (post_hooks) run_hooks(m.post_generate, "post_generate", staging, template_dir, env, k_nothing_written);
  } else if (!enclosing) {
    const git::Commit c = git::init_and_commit_all(staging, commit_message(tpl));
    result.git_mode = "new";
    result.git_commit = c.id;
    result.git_author = c.author.name + " <" + c.author.email + ">";
    result.git_identity_fallback = !c.author.configured;
    if (post_hooks) {
      run_hooks(m.post_generate, "post_generate", staging, template_dir, env, k_nothing_written);
      if (const auto h = git::commit_all_changes(staging, hooks_commit_message(tpl))) result.git_commit = result.git_hooks_commit = h->id;
    }
  }

  // ---- publish ----
  check_interrupted();
  if (options.durable) sync_filesystem(staging);
  if (state == TargetState::missing) {
    if (::rename(staging.c_str(), target.c_str()) != 0) {
      if (errno == EEXIST || errno == ENOTEMPTY) throw Error(ErrorKind::conflict, target.string() + " appeared while generating");
      throw_errno("cannot move the project into " + target.string());
    }
  } else {
    merge_into(staging, target, "", result.overwritten);
  }
  fs::fsync_dir(target.parent_path());
  parent_cleanup.armed = false;

  if (enclosing) {
    result.git_mode = "enclosing";
    const std::string rel = target.lexically_relative(*enclosing).generic_string();
    std::vector<std::string> paths;
    for (const auto& f : result.files) paths.push_back(rel == "." ? f : rel + "/" + f);
    try {
      const auto c = git::commit_paths(*enclosing, paths, commit_message(tpl));
      if (c) result.git_unchanged = c->unchanged;
      if (c && !c->unchanged) {
        result.git_commit = c->id;
        result.git_author = c->author.name + " <" + c->author.email + ">";
        result.git_identity_fallback = !c->author.configured;
      }
    } catch (const Error& e) {
      // The project is complete; only the commit is missing, and the user can make it.
      log::warn("project created, but committing it to {} failed: {}", enclosing->string(), e.what());
    }
    if (post_hooks) {
      staging_holder.reset();  // emptied by the move; the hooks should not see it
      const auto before = snapshot(target);
      run_hooks(m.post_generate, "post_generate", target, template_dir, env,
                "the project is in place" +
                    std::string(result.git_commit.empty() ? "" : " and committed (" + result.git_commit.substr(0, 12) + ")") +
                    "; what the hooks did before failing is left as it is");
      result.hooks_changed = changed(before, snapshot(target));
    }
  }
  return result;
}

}  // namespace mlops::scaffold
