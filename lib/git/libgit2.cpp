// SPDX-License-Identifier: MIT
#include "git/libgit2.hpp"
#include "core/url.hpp"

#include <mlops/error.hpp>

#include <dlfcn.h>

namespace mlops::git {

void init_libgit2(void* handle) {
  auto init = reinterpret_cast<decltype(&::git_libgit2_init)>(::dlsym(handle, "git_libgit2_init"));
  if (init == nullptr || init() < 0) throw Error(ErrorKind::internal, "libgit2 failed to initialise");
}

void check(int rc, const std::string& what) {
  if (rc >= 0) return;
  const git_error* e = git_error_last();
  std::string msg = what;
  // libgit2 quotes the URL it was given ("malformed URL 'https://user:pw@…'"), credentials and all.
  if (e != nullptr && e->message != nullptr) msg += ": " + redact_urls_in(e->message);
  ErrorKind kind = ErrorKind::internal;
  // A wrong password or an untrusted certificate is the same next time: no retry helps.
  if (rc == GIT_EAUTH) throw Error(RemoteFailure::auth, msg);
  if (rc == GIT_ECERTIFICATE) throw Error(RemoteFailure::rejected, msg);
  switch (rc) {
    case GIT_ENOTFOUND: kind = ErrorKind::not_found; break;
    case GIT_EEXISTS:
    case GIT_ELOCKED:
    case GIT_EMODIFIED:
    case GIT_ECONFLICT:
    case GIT_EUNCOMMITTED: kind = ErrorKind::conflict; break;
    case GIT_EINVALIDSPEC:
    case GIT_EAMBIGUOUS: kind = ErrorKind::usage; break;
    default:
      if (e != nullptr &&
          (e->klass == GIT_ERROR_NET || e->klass == GIT_ERROR_SSH || e->klass == GIT_ERROR_HTTP || e->klass == GIT_ERROR_SSL)) {
        kind = ErrorKind::remote;
      } else if (e != nullptr && e->klass == GIT_ERROR_OS) {
        kind = ErrorKind::io;
      }
  }
  throw Error(kind, msg);
}

}  // namespace mlops::git
