// SPDX-License-Identifier: MIT
#include "package/lineage.hpp"

#include "core/url.hpp"
#include "git/libgit2.hpp"

#include <mlops/error.hpp>
#include <mlops/exp.hpp>

#include <cstring>
#include <ctime>

namespace mlops::package {

using namespace mlops::git;

Lineage git_lineage(const stdfs::path& project) {
  Lineage l;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, project.c_str(), 0, nullptr) != 0) return l;
  RepositoryPtr repo(raw);
  git_oid head{};
  if (git_reference_name_to_id(&head, raw, "HEAD") != 0) return l;  // unborn
  l.commit = git_oid_tostr_s(&head);
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, raw, &head) == 0) {
    CommitPtr commit(c);
    l.commit_time = static_cast<std::int64_t>(git_commit_time(c));
  }
  git_status_options opts;
  git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;  // untracked files do not make a tree dirty
  git_status_list* st = nullptr;
  if (git_status_list_new(&st, raw, &opts) == 0) {
    StatusListPtr list(st);
    l.dirty = git_status_list_entrycount(st) > 0;
  }
  git_remote* r = nullptr;
  if (git_remote_lookup(&r, raw, "origin") == 0) {
    RemotePtr remote(r);
    if (const char* url = git_remote_url(r)) l.source = strip_url_credentials(url);
  }
  return l;
}

void add_run(Lineage& lineage, const stdfs::path& cwd, const std::string& run) {
  const exp::Run r = exp::show(cwd, run);
  lineage.run_id = r.id;
  lineage.run_name = r.name;
  lineage.run_snapshot = r.snapshot;
  lineage.run_status = r.status;
  lineage.params = r.params;
  lineage.metrics = nlohmann::json::object();
  for (const auto& [k, m] : r.metrics) lineage.metrics[k] = m.last;
  for (const auto& a : r.artifacts) lineage.artifacts[a.path] = a.sha256;
}

std::string rfc3339(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string normalise_time(const std::string& text) {
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) {
    throw Error(ErrorKind::usage, "invalid time '" + text + "'", "use RFC 3339, e.g. 2026-01-31T12:00:00Z");
  }
  long offset = 0;
  if (*end == '.') {  // fractions of a second are dropped
    ++end;
    while (*end >= '0' && *end <= '9') ++end;
  }
  if (*end == 'Z' || *end == 'z') {
    ++end;
  } else if ((*end == '+' || *end == '-') && std::strlen(end) == 6 && end[3] == ':') {
    const int h = std::atoi(std::string(end + 1, 2).c_str()), m = std::atoi(std::string(end + 4, 2).c_str());
    offset = (h * 3600L + m * 60L) * (*end == '-' ? -1 : 1);
    end += 6;
  } else {
    throw Error(ErrorKind::usage, "invalid time '" + text + "': no time zone", "end it with Z or an offset like +02:00");
  }
  if (*end != '\0') throw Error(ErrorKind::usage, "invalid time '" + text + "'", "use RFC 3339, e.g. 2026-01-31T12:00:00Z");
  return rfc3339(static_cast<std::int64_t>(::timegm(&tm)) - offset);
}

}  // namespace mlops::package
