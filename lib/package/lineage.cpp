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
  lineage.params = *r.params;
  lineage.metrics = nlohmann::json::object();
  for (const auto& [k, m] : r.metrics) lineage.metrics[k] = m.last;
  for (const auto& a : r.artifacts) lineage.artifacts[a.path] = a.sha256;
  lineage.importances = exp::importances(cwd, r);
}

// Year 9999's last second: RFC 3339 has four-digit years, and gmtime past it (or past
// what strtoll clamps an overflow to) writes a year no reader takes.
constexpr std::int64_t k_last_second = 253402300799;

std::string rfc3339(std::int64_t unix_seconds) {
  if (unix_seconds < 0 || unix_seconds > k_last_second) {
    throw Error(ErrorKind::usage, "time " + std::to_string(unix_seconds) + " is outside 1970-01-01 to 9999-12-31",
                "give a time from 1970 to 9999");
  }
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (::gmtime_r(&t, &tm) == nullptr) throw Error(ErrorKind::usage, "time " + std::to_string(unix_seconds) + " cannot be represented");
  char buf[32];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) throw Error(ErrorKind::internal, "cannot format a time");
  return buf;
}

std::string normalise_time(const std::string& text) {
  const auto invalid = [&](const std::string& why) {
    return Error(ErrorKind::usage, "invalid time '" + text + "'" + why, "use RFC 3339, e.g. 2026-01-31T12:00:00Z");
  };
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) throw invalid("");
  const std::tm asked = tm;
  long offset = 0;
  if (*end == '.') {  // fractions of a second are dropped
    ++end;
    while (*end >= '0' && *end <= '9') ++end;
  }
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (*end == 'Z' || *end == 'z') {
    ++end;
  } else if ((*end == '+' || *end == '-') && std::strlen(end) == 6 && end[3] == ':' && digit(end[1]) && digit(end[2]) && digit(end[4]) &&
             digit(end[5])) {
    const int h = (end[1] - '0') * 10 + (end[2] - '0'), m = (end[4] - '0') * 10 + (end[5] - '0');
    if (h > 23 || m > 59) throw invalid(": the offset is not a time of day");
    offset = (h * 3600L + m * 60L) * (*end == '-' ? -1 : 1);
    end += 6;
  } else {
    throw Error(ErrorKind::usage, "invalid time '" + text + "': no time zone", "end it with Z or an offset like +02:00");
  }
  if (*end != '\0') throw invalid("");
  // strptime takes Feb 30, 24:00 and a 60th second, and timegm moves them to another date.
  const std::time_t t = ::timegm(&tm);
  std::tm back{};
  if (::gmtime_r(&t, &back) == nullptr || back.tm_year != asked.tm_year || back.tm_mon != asked.tm_mon || back.tm_mday != asked.tm_mday ||
      back.tm_hour != asked.tm_hour || back.tm_min != asked.tm_min || back.tm_sec != asked.tm_sec) {
    throw invalid(": no such date or time of day");
  }
  return rfc3339(static_cast<std::int64_t>(t) - offset);
}

}  // namespace mlops::package
