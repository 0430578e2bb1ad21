// SPDX-License-Identifier: MIT
// Where templates come from: compiled in, a local directory, or a git repository.
#include "scaffold/source.hpp"
#include "core/url.hpp"
#include "core/xdg.hpp"
#include "git/merge.hpp"
#include "git/repo.hpp"
#include "scaffold/embedded.hpp"
#include "scaffold/names.hpp"
#include "scaffold/temp_dirs.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/scaffold.hpp>
#include "core/log.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace mlops::scaffold {
namespace {

namespace stdfs = std::filesystem;
constexpr const char* k_manifest = "mlops-template.yaml";
constexpr const char* k_temp_prefix = "mlops-template-";
// The most a template file (the manifest included) may hold: a file without end (a symlink to
// /dev/zero in a local template) stops here instead of filling memory.
constexpr std::size_t k_max_template_file = std::size_t{256} << 20;

stdfs::path user_templates_dir() {
  if (const char* d = std::getenv("MLOPS_TEMPLATES_DIR"); d && *d) return d;
  const stdfs::path data = xdg::data_home();
  return data.empty() ? stdfs::path() : data / "mlops" / "templates";
}

bool is_builtin(const std::string& name) {
  for (size_t i = 0; i < embedded::k_catalog_count; ++i) {
    if (embedded::k_catalog[i].name == name) return true;
  }
  return false;
}

// Splits the manifest from the files and keeps only what lies under the files directory.
Template assemble(std::vector<TemplateFile> all, const std::string& origin) {
  Template t;
  auto mf = std::find_if(all.begin(), all.end(), [](const TemplateFile& f) { return f.path == k_manifest; });
  if (mf == all.end() || mf->kind != TemplateFile::Kind::file) {
    throw Error(ErrorKind::invalid_input, origin + ": not a template (no " + k_manifest + ")",
                "a template is a directory with mlops-template.yaml and a files/ directory");
  }
  t.manifest = parse_manifest(mf->content, origin + "/" + k_manifest);
  t.files = std::move(all);
  std::sort(t.files.begin(), t.files.end(), [](const TemplateFile& a, const TemplateFile& b) { return a.path < b.path; });
  // Whatever the source, the files must form a tree that can be written below one directory
  // (hooks get the whole template on disk): safe relative paths, no .git, no path listed
  // twice or below a file or symlink.
  for (size_t i = 0; i < t.files.size(); ++i) {
    const std::string& path = t.files[i].path;
    if (!is_safe_relative_path(path) || path.back() == '/' || has_control_character(path)) {
      throw Error(ErrorKind::invalid_input, origin + ": invalid file name '" + printable(path) + "' in the template");
    }
    if (t.files[i].kind == TemplateFile::Kind::symlink && (t.files[i].content.empty() || has_control_character(t.files[i].content))) {
      throw Error(ErrorKind::invalid_input,
                  origin + ": the symlink " + printable(path) + " has an empty target or one with a control character");
    }
    for (size_t start = 0; start <= path.size();) {
      size_t end = path.find('/', start);
      if (end == std::string::npos) end = path.size();
      std::string part = path.substr(start, end - start);
      std::transform(part.begin(), part.end(), part.begin(), [](unsigned char c) { return std::tolower(c); });
      if (part == ".git") throw Error(ErrorKind::invalid_input, origin + ": the template holds a .git entry ('" + printable(path) + "')");
      start = end + 1;
    }
    for (size_t j = i + 1; j < t.files.size() && t.files[j].path.compare(0, path.size(), path) == 0; ++j) {
      if (t.files[j].path.size() == path.size() || t.files[j].path[path.size()] == '/') {
        throw Error(ErrorKind::invalid_input, origin + ": '" + printable(path) + "' is both a file and " +
                                                  (t.files[j].path.size() == path.size() ? "another file" : "a directory"));
      }
    }
  }
  return t;
}

Template load_builtin(const std::string& name) {
  std::vector<TemplateFile> files;
  const std::string prefix = name + "/";
  for (size_t i = 0; i < embedded::k_count; ++i) {
    const auto& e = embedded::k_entries[i];
    if (e.path.substr(0, prefix.size()) != prefix) continue;
    TemplateFile f;
    f.path = std::string(e.path.substr(prefix.size()));
    f.kind = e.symlink ? TemplateFile::Kind::symlink : TemplateFile::Kind::file;
    f.executable = e.executable;
    f.content = std::string(e.data);
    files.push_back(std::move(f));
  }
  Template t = assemble(std::move(files), name);
  t.origin = {TemplateOrigin::Kind::builtin, name, name, "", ""};
  return t;
}

void read_dir(const stdfs::path& root, const stdfs::path& dir, std::vector<TemplateFile>& out) {
  std::vector<stdfs::directory_entry> entries;
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(dir, ec)) entries.push_back(e);
  if (ec) throw Error(ErrorKind::io, "cannot list " + dir.string() + ": " + ec.message());
  for (const auto& e : entries) {
    const auto st = e.symlink_status();
    const std::string rel = e.path().lexically_relative(root).generic_string();
    if (rel == ".git" || rel.rfind(".git/", 0) == 0) continue;
    if (stdfs::is_symlink(st)) {
      // Copied as a link, never followed: a template must not smuggle in files from outside.
      out.push_back({rel, TemplateFile::Kind::symlink, false, stdfs::read_symlink(e.path()).string()});
    } else if (stdfs::is_directory(st)) {
      read_dir(root, e.path(), out);
    } else if (stdfs::is_regular_file(st)) {
      const bool exec = (st.permissions() & stdfs::perms::owner_exec) != stdfs::perms::none;
      out.push_back({rel, TemplateFile::Kind::file, exec, fs::read_file(e.path(), k_max_template_file)});
    } else {
      throw Error(ErrorKind::invalid_input, "template file " + e.path().string() + " is not a regular file, directory or symlink");
    }
  }
}

Template load_path(const std::string& spec, const stdfs::path& dir) {
  std::error_code ec;
  const stdfs::path abs = stdfs::canonical(dir, ec);
  if (ec) throw Error(ErrorKind::not_found, "template directory " + dir.string() + " does not exist");
  if (!stdfs::exists(abs / k_manifest)) {
    throw Error(ErrorKind::invalid_input, abs.string() + " is not a template (no " + k_manifest + ")",
                "a template is a directory with mlops-template.yaml and a files/ directory");
  }
  std::vector<TemplateFile> files;
  read_dir(abs, abs, files);
  Template t = assemble(std::move(files), abs.string());
  t.origin = {TemplateOrigin::Kind::path, spec, abs.string(), "", ""};
  // A directory that is a git repository with nothing uncommitted is that commit: recorded,
  // so `mlops update` can render this version again later.
  try {
    if (const auto top = git::enclosing_worktree(abs); top && stdfs::equivalent(*top, abs, ec) && git::dirty_files(abs).empty()) {
      t.origin.commit = git::repo_state(abs).head;
    }
  } catch (const Error& e) {
    log::debug("not recording the commit of {}: {}", abs.string(), e.what());
  }
  return t;
}

}  // namespace

// "URL@REF": the ref follows the last '@' that comes after the last '/', so user@host and
// git@host:org/repo keep their '@'.
std::pair<std::string, std::string> split_ref(const std::string& spec) {
  const size_t at = spec.rfind('@');
  const size_t slash = spec.rfind('/');
  if (at == std::string::npos || (slash != std::string::npos && at < slash) || at + 1 == spec.size()) return {spec, ""};
  // scheme://user:password@host without a path: that '@' ends the credentials, and taking
  // what follows as a ref would leave the password in the URL that is logged and recorded.
  if (const size_t scheme = spec.find("://"); scheme != std::string::npos && spec.find('/', scheme + 3) == std::string::npos) {
    return {spec, ""};
  }
  // scp-like "git@host:repo" with no slash after '@': the '@' is the user's, not a ref.
  if (slash == std::string::npos && spec.find(':', at) != std::string::npos) return {spec, ""};
  return {spec.substr(0, at), spec.substr(at + 1)};
}

bool looks_like_git_url(const std::string& spec) {
  if (spec.find("://") != std::string::npos) return true;
  // scp-like syntax: user@host:path, with no '/' before the ':'
  const size_t colon = spec.find(':');
  const size_t at = spec.find('@');
  return colon != std::string::npos && at != std::string::npos && at < colon && spec.find('/') > colon;
}

namespace {

Template load_git(const std::string& spec, const std::string& explicit_ref) {
  auto [url, ref] = explicit_ref.empty() ? split_ref(spec) : std::pair<std::string, std::string>{spec, explicit_ref};
  if (url.rfind("file://", 0) != 0 && url.find("://") == std::string::npos && !looks_like_git_url(url)) {
    throw Error(ErrorKind::usage, "'" + redact_url(spec) + "' is not a git URL");
  }
  log::info("fetching template {}{}", redact_url(url), ref.empty() ? "" : " at " + ref);
  const fs::TempDir work = make_owned_temp_dir({}, k_temp_prefix);
  git::FetchedTree tree = git::fetch_tree(url, ref, work.path());
  std::vector<TemplateFile> files;
  files.reserve(tree.files.size());
  for (auto& f : tree.files) {
    files.push_back({std::move(f.path), f.kind == git::TreeFile::Kind::symlink ? TemplateFile::Kind::symlink : TemplateFile::Kind::file,
                     f.executable, std::move(f.content)});
  }
  Template t = assemble(std::move(files), redact_url(url) + (ref.empty() ? "" : "@" + ref));
  t.origin = {TemplateOrigin::Kind::git, strip_url_credentials(spec), strip_url_credentials(url), ref, tree.commit};
  return t;
}

std::string available_list() {
  std::string out;
  for (const auto& s : list_templates()) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}

}  // namespace

const char* to_string(TemplateOrigin::Kind k) noexcept {
  switch (k) {
    case TemplateOrigin::Kind::builtin: return "builtin";
    case TemplateOrigin::Kind::path: return "path";
    case TemplateOrigin::Kind::git: return "git";
  }
  return "builtin";
}

std::vector<TemplateSummary> list_templates() {
  std::vector<TemplateSummary> out;
  for (size_t i = 0; i < embedded::k_catalog_count; ++i) {
    const auto& c = embedded::k_catalog[i];
    out.push_back({std::string(c.name), std::string(c.version), std::string(c.summary), "builtin"});
  }
  const stdfs::path user = user_templates_dir();
  std::error_code ec;
  if (!user.empty() && stdfs::is_directory(user, ec)) {
    std::vector<stdfs::path> dirs;
    for (const auto& e : stdfs::directory_iterator(user, ec)) {
      if (e.is_directory() && stdfs::exists(e.path() / k_manifest)) dirs.push_back(e.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
      try {
        const Manifest m = parse_manifest(fs::read_file(d / k_manifest, std::size_t{16} << 20), (d / k_manifest).string());
        if (is_builtin(m.name)) continue;  // a built-in name always means the built-in
        out.push_back({d.filename().string(), m.version, m.summary, d.string()});
      } catch (const Error& e) {
        log::warn("skipping template {}: {}", d.string(), e.what());
      }
    }
  }
  return out;
}

Template load_recorded_template(const RecordedTemplate& rec, const std::string& ref) {
  remove_stale_temp_dirs({}, k_temp_prefix);
  const TemplateOrigin& o = rec.origin;
  Template t;
  if (!ref.empty() && o.kind != TemplateOrigin::Kind::git) {
    throw Error(ErrorKind::usage,
                "--ref needs a git template; the answers file records " + std::string(to_string(o.kind)) + " " + printable(o.location));
  }
  switch (o.kind) {
    case TemplateOrigin::Kind::builtin:
      if (!is_builtin(o.location)) {
        throw Error(ErrorKind::not_found,
                    "the answers file records the built-in template '" + printable(o.location) + "', which this mlops does not have",
                    "available: " + available_list() + "; give one with --template");
      }
      t = load_builtin(o.location);
      break;
    case TemplateOrigin::Kind::path: t = load_path(o.location, o.location); break;
    case TemplateOrigin::Kind::git: {
      // The recorded commit is what the project was made from; the ref may have moved since.
      const std::string want = !ref.empty() ? ref : !o.commit.empty() ? o.commit : o.ref;
      try {
        t = load_git(o.location, want);
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::not_found || want != o.commit) throw;
        throw Error(ErrorKind::not_found, std::string(e.what()) + " (the commit the answers file records)",
                    "choose what to use with --ref REF, or --template URL@REF");
      }
      if (ref.empty()) t.origin.ref = o.ref;
      break;
    }
  }
  if (!rec.name.empty() && rec.name != t.manifest.name) {
    log::warn("the answers file records template '{}', but {} is '{}'", printable(rec.name), t.origin.location, t.manifest.name);
  }
  if (rec.version != t.manifest.version) {
    log::warn("the answers file records {} version '{}'; using version '{}'", t.manifest.name, printable(rec.version), t.manifest.version);
  }
  return t;
}

std::string builtin_version(const std::string& name) {
  for (size_t i = 0; i < embedded::k_catalog_count; ++i) {
    if (embedded::k_catalog[i].name == name) return std::string(embedded::k_catalog[i].version);
  }
  return {};
}

std::vector<std::string> builtin_versions(const std::string& name) {
  if (!is_builtin(name)) return {};
  std::vector<std::string> out{builtin_version(name)};
  const std::string prefix = ".versions/" + name + "/";
  for (size_t i = 0; i < embedded::k_count; ++i) {
    const std::string_view p = embedded::k_entries[i].path;
    if (p.substr(0, prefix.size()) != prefix) continue;
    const std::string v(p.substr(prefix.size(), p.find('/', prefix.size()) - prefix.size()));
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

Template load_builtin_version(const std::string& name, const std::string& version) {
  if (!is_builtin(name)) throw Error(ErrorKind::not_found, "this mlops has no built-in template '" + printable(name) + "'");
  if (version == builtin_version(name)) return load_builtin(name);
  // The version's overlay: its files that differ from the current ones, and ABSENT, the
  // current files it did not have (templates/.versions/README.md).
  const std::string prefix = ".versions/" + name + "/" + version + "/";
  std::map<std::string, TemplateFile> files;
  for (auto& f : load_builtin(name).files) files[f.path] = std::move(f);
  bool found = false;
  for (size_t i = 0; i < embedded::k_count; ++i) {
    const auto& e = embedded::k_entries[i];
    if (e.path.substr(0, prefix.size()) != prefix) continue;
    found = true;
    const std::string path(e.path.substr(prefix.size()));
    if (path == "ABSENT") {
      const std::string list(e.data);
      for (size_t start = 0; start < list.size();) {
        size_t end = list.find('\n', start);
        if (end == std::string::npos) end = list.size();
        files.erase(list.substr(start, end - start));
        start = end + 1;
      }
      continue;
    }
    files[path] = {path, e.symlink ? TemplateFile::Kind::symlink : TemplateFile::Kind::file, e.executable, std::string(e.data)};
  }
  if (!found) {
    std::string known;
    for (const auto& v : builtin_versions(name)) known += (known.empty() ? "" : ", ") + v;
    throw Error(ErrorKind::not_found, "this mlops cannot render version '" + printable(version) + "' of the built-in template " + name,
                "it knows " + known + "; an mlops at least as new as the one that made the project may know it");
  }
  std::vector<TemplateFile> list;
  for (auto& [path, f] : files) list.push_back(std::move(f));
  Template t = assemble(std::move(list), name + "@" + version);
  t.origin = {TemplateOrigin::Kind::builtin, name, name, "", ""};
  return t;
}

Template load_git_at(const std::string& url, const std::string& ref) {
  remove_stale_temp_dirs({}, k_temp_prefix);
  // A local directory is read through git as file://PATH (load_git takes URLs only).
  return load_git(url.rfind('/', 0) == 0 ? "file://" + url : url, ref.empty() ? "HEAD" : ref);
}

Template load_template(const std::string& spec_in, const std::string& ref) {
  remove_stale_temp_dirs({}, k_temp_prefix);  // what runs killed during a fetch left
  const std::string spec = spec_in.empty() ? "ml-project" : spec_in;
  if (!ref.empty()) {
    if (!looks_like_git_url(spec)) {
      throw Error(ErrorKind::usage, "--ref needs a git URL, not '" + redact_url(spec) + "'",
                  "e.g. --template https://host/org/tpl.git --ref release/2.0");
    }
    if (!split_ref(spec).second.empty()) {
      throw Error(ErrorKind::usage, "'" + redact_url(spec) + "' already names a ref with @; give it once, with @REF or with --ref");
    }
    return load_git(spec, ref);
  }
  if (is_builtin(spec)) return load_builtin(spec);
  if (looks_like_git_url(spec)) return load_git(spec, {});
  std::error_code ec;
  if (spec.find('/') != std::string::npos || spec[0] == '.' || stdfs::exists(spec, ec)) return load_path(spec, spec);
  const stdfs::path user = user_templates_dir();
  if (!user.empty() && is_template_name(spec) && stdfs::exists(user / spec / k_manifest, ec)) {
    return load_path(spec, user / spec);
  }
  throw Error(ErrorKind::not_found, "unknown template '" + spec + "'",
              "available: " + available_list() + "; or give a directory or a git URL");
}

}  // namespace mlops::scaffold
