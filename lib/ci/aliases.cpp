// SPDX-License-Identifier: MIT
// mlops model promote/history/list: aliases as git refs whose commits are the audit trail.
#include "ci/gates_config.hpp"
#include "core/fd.hpp"
#include "core/log.hpp"
#include "exp/live.hpp"
#include "exp/store.hpp"
#include "git/repo.hpp"
#include "package/oci.hpp"

#include <mlops/ci.hpp>
#include <mlops/error.hpp>
#include <mlops/model.hpp>
#include <mlops/package.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

namespace mlops::model {

using namespace mlops::git;

namespace {

// The alias's commit id, or "" when it does not exist yet.
std::string current(exp::Repo& r, const std::string& name) {
  git_oid id;
  if (git_reference_name_to_id(&id, r.get(), name.c_str()) != 0) return "";
  return exp::oid_hex(id);
}

std::string write_commit(exp::Repo& r, const std::string& parent, const nlohmann::json& record, const std::string& message) {
  const std::string text = record.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return exp::oid_hex(exp::write_file_commit(r, "alias.json", text, message, parent));
}

// Compare-and-swap: create when `expected` is "", else move from `expected`. False when
// another writer got there first (or holds the ref's lock right now).
bool swap(exp::Repo& r, const std::string& name, const std::string& commit, const std::string& expected, const std::string& log) {
  const git_oid oid = exp::parse_oid(commit);
  git_reference* ref = nullptr;
  int rc = 0;
  if (expected.empty()) {
    rc = git_reference_create(&ref, r.get(), name.c_str(), &oid, 0, log.c_str());
  } else {
    const git_oid old = exp::parse_oid(expected);
    rc = git_reference_create_matching(&ref, r.get(), name.c_str(), &oid, 1, &old, log.c_str());
  }
  if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED) return false;
  check(rc, "cannot move " + name);
  git_reference_free(ref);
  return true;
}

// libgit2 checks that a ref to be created does not exist before it takes the ref's lock, so
// two first promotions could both "create" the alias and one would be lost: promotions in
// this repository take this lock too (the compare-and-swap still guards against others).
Fd lock_aliases(const exp::Repo& r) {
  std::error_code ec;
  stdfs::create_directories(r.mlops_dir, ec);
  const stdfs::path path = r.mlops_dir / "aliases.lock";
  Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (fd.get() < 0) throw Error(ErrorKind::io, "cannot open " + path.string() + ": " + std::strerror(errno));
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) throw Error(ErrorKind::io, "cannot lock " + path.string() + ": " + std::strerror(errno));
  }
  return fd;
}

std::string alias_json_at(exp::Repo& r, const std::string& commit) {
  const auto text = exp::read_run_file(r, commit, "alias.json", 1 << 20);
  if (!text) throw Error(ErrorKind::invalid_input, "alias commit " + commit + " holds no alias.json");
  try {
    return nlohmann::json::parse(*text).dump();
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorKind::invalid_input, "alias commit " + commit + ": alias.json is not JSON");
  }
}

// The commit ids of the alias, newest first (first parents), at most 100,000.
std::vector<std::string> alias_commits(exp::Repo& r, const std::string& name) {
  std::vector<std::string> out;
  std::string c = current(r, name);
  while (!c.empty() && out.size() < 100000) {
    out.push_back(c);
    const git_oid id = exp::parse_oid(c);
    git_commit* commit = nullptr;
    check(git_commit_lookup(&commit, r.get(), &id), "cannot read alias commit " + c);
    CommitPtr owner(commit);
    c = git_commit_parentcount(commit) > 0 ? exp::oid_hex(*git_commit_parent_id(commit, 0)) : "";
  }
  return out;
}

std::string string_at(const nlohmann::json& j, const char* a, const char* b) {
  if (!j.is_object() || !j.contains(a) || !j[a].is_object() || !j[a].contains(b) || !j[a][b].is_string()) return "";
  return j[a][b].get<std::string>();
}

}  // namespace

void check_alias_name(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 100 && std::isalnum(static_cast<unsigned char>(name[0])) &&
                  name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == std::string::npos &&
                  name.find("..") == std::string::npos && !name.ends_with(".lock") && !name.ends_with(".");
  if (!ok) {
    throw Error(ErrorKind::usage, "invalid alias name '" + escape_controls(name) + "'",
                "an alias is 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit, without '..' (e.g. prod, staging)");
  }
}

std::string promote(const stdfs::path& cwd, const PromoteOptions& o) {
  check_alias_name(o.alias);
  const stdfs::path project_file = ci::find_project_file(cwd);
  const std::vector<std::string> require = ci::read_promote_requirements(project_file);
  const bool need_signed = std::find(require.begin(), require.end(), "signed") != require.end();
  const bool need_gates = std::find(require.begin(), require.end(), "gates") != require.end();

  const nlohmann::json info = package::inspect(o.store, o.package);
  const std::string digest = info.value("digest", "");
  // The package as the store names it (NAME:TAG), also when REF was a digest.
  const std::string package_ref = info.value("ref", "").empty() ? o.package : info.value("ref", "");
  const nlohmann::json ann = info.value("/manifest/annotations"_json_pointer, nlohmann::json::object());
  const std::string run_id =
      ann.contains("ai.mlops.exp.id") && ann["ai.mlops.exp.id"].is_string() ? ann["ai.mlops.exp.id"].get<std::string>() : "";
  std::string key_id;
  for (const auto& ref : info.value("referrers", nlohmann::json::array())) {
    if (ref.contains("key_id") && ref["key_id"].is_string()) key_id = ref["key_id"].get<std::string>();
  }
  if (need_signed && key_id.empty()) {
    throw Error(ErrorKind::invalid_input, "package " + escape_controls(o.package) + " is not signed, and mlops.yaml's promote: requires it",
                "sign it first: mlops package sign " + escape_controls(o.package) + " --key KEY");
  }
  nlohmann::json gates = {{"checked", false},
                          {"passed", nullptr},
                          {"run", run_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(run_id)},
                          {"results", nlohmann::json::array()}};
  if (!run_id.empty() && !ci::read_gates(project_file).empty()) {
    ci::CheckOptions co;
    co.run = run_id;
    const ci::CheckResult res = ci::check(cwd, co);
    gates["checked"] = true;
    gates["passed"] = res.passed();
    gates["results"] = ci::to_json(res)["gates"];
    if (need_gates && !res.passed()) {
      throw Error(ErrorKind::invalid_input,
                  "run " + run_id + " of " + escape_controls(o.package) + " fails its gates: " + ci::summary_line(res),
                  "see: mlops check " + run_id);
    }
  } else if (need_gates) {
    throw Error(ErrorKind::invalid_input,
                run_id.empty() ? "package " + escape_controls(o.package) +
                                     " names no run (build it with --from-exp RUN), and mlops.yaml's promote: requires gates"
                               : "mlops.yaml's promote: requires gates, but it has no gates: section",
                "mlops check RUN shows the gates of a run");
  }

  exp::Repo r = exp::open_repo(cwd);
  const Identity who = commit_identity(r.workdir);
  const std::string name = std::string(k_alias_prefix) + o.alias;
  std::mt19937 rng(std::random_device{}());
  const Fd lock = lock_aliases(r);
  // The remote first: when it refuses (the package is not there, the tag is someone else's,
  // the network), the alias has not moved and the audit trail says nothing that is not so.
  nlohmann::json remote_record = nullptr;
  if (!o.remote.empty()) {
    std::vector<std::string> known{digest};
    for (const auto& c : alias_commits(r, name))
      known.push_back(string_at(nlohmann::json::parse(alias_json_at(r, c)), "package", "digest"));
    const remote::RemoteTagResult t = remote::tag_remote(o.store, package_ref, o.remote, o.alias, known, o.transfer);
    remote_record = {{"tag", t.url},
                     {"package", t.package_url},
                     {"previous", t.previous.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.previous)}};
  }
  for (int attempt = 0; attempt < 200; ++attempt) {
    const std::string expected = current(r, name);
    nlohmann::json previous = nullptr;
    if (!expected.empty()) previous = nlohmann::json::parse(alias_json_at(r, expected)).value("package", nlohmann::json(nullptr));
    const nlohmann::json record = {
        {"schema", 1},
        {"alias", o.alias},
        {"package", {{"ref", package_ref}, {"digest", digest}}},
        {"previous", previous},
        {"run", run_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(run_id)},
        {"reason", o.reason},
        {"promoted_by", who.name + " <" + who.email + ">"},
        {"promoted_at", exp::now_rfc3339()},
        {"gates", gates},
        {"signature", {{"signed", !key_id.empty()}, {"key_id", key_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(key_id)}}},
        {"policy", require},
        {"remote", remote_record}};
    const std::string message = "mlops model promote " + o.alias + ": " + package_ref + "\n\n" +
                                (o.reason.empty() ? "" : o.reason + "\n\n") + "Package-Digest: " + digest + "\nGates: " +
                                (gates["checked"].get<bool>() ? (gates["passed"].get<bool>() ? "passed" : "failed") : "not checked") +
                                "\nSigned-By: " + (key_id.empty() ? "unsigned" : key_id) + "\n" +
                                (remote_record.is_null() ? "" : "Remote-Tag: " + remote_record["tag"].get<std::string>() + "\n");
    const std::string commit = write_commit(r, expected, record, message);
    if (swap(r, name, commit, expected, "mlops: promote " + o.alias)) return record.dump();
    // Another promotion moved the alias (or holds its lock): build on top of it.
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + rng() % 20));
  }
  throw Error(ErrorKind::conflict, "alias " + o.alias + " kept moving: gave up after 200 attempts", "try again");
}

std::vector<std::string> history(const stdfs::path& cwd, const std::string& alias) {
  check_alias_name(alias);
  exp::Repo r = exp::open_repo(cwd);
  const std::vector<std::string> commits = alias_commits(r, std::string(k_alias_prefix) + alias);
  if (commits.empty()) throw Error(ErrorKind::not_found, "no alias '" + alias + "'", "see: mlops model list");
  std::vector<std::string> out;
  for (const auto& c : commits) out.push_back(alias_json_at(r, c));
  return out;
}

std::vector<std::pair<std::string, std::string>> list(const stdfs::path& cwd) {
  exp::Repo r = exp::open_repo(cwd);
  std::vector<std::pair<std::string, std::string>> out;
  git_reference_iterator* raw = nullptr;
  if (git_reference_iterator_glob_new(&raw, r.get(), (std::string(k_alias_prefix) + "*").c_str()) != 0) return out;
  ReferenceIteratorPtr it(raw);
  git_reference* ref = nullptr;
  while (git_reference_next(&ref, raw) == 0) {
    ReferencePtr owner(ref);
    const std::string name = git_reference_name(ref);
    const git_oid* target = git_reference_target(ref);
    if (target == nullptr) continue;
    try {
      out.emplace_back(name.substr(std::char_traits<char>::length(k_alias_prefix)), alias_json_at(r, exp::oid_hex(*target)));
    } catch (const Error& e) {
      log::warn("skipping {}: {}", name, e.what());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<RemoteAlias> list_remote(const stdfs::path& cwd, const stdfs::path& store, const std::string& url,
                                     const remote::TransferOptions& transfer) {
  std::vector<RemoteAlias> out;
  for (const auto& [alias, text] : list(cwd)) {
    const nlohmann::json a = nlohmann::json::parse(text);
    RemoteAlias ra;
    ra.alias = alias;
    ra.local_digest = string_at(a, "package", "digest");
    const std::string ref = string_at(a, "package", "ref");
    package::Reference pr;
    try {
      pr = package::parse_reference(ref);
    } catch (const Error&) {
      log::warn("alias {}: '{}' is not a package NAME:TAG, so its remote tag is not known", alias, escape_controls(ref));
      continue;
    }
    try {
      const remote::RemoteTag t = remote::remote_tag(store, url, pr.name, alias, transfer);
      ra.digest = t.digest;
      ra.url = t.url;
    } catch (const Error& e) {
      // One repository refusing (a permission, a deleted repository) says nothing of the others.
      if (e.kind() == ErrorKind::interrupted) throw;
      ra.error = e.what();
      ra.error_kind = e.kind();
    }
    out.push_back(std::move(ra));
  }
  return out;
}

}  // namespace mlops::model
