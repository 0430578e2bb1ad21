// SPDX-License-Identifier: MIT
// The options every command that takes a remote has (--ca-file, --plain-http, --endpoint,
// --region): one helper, so push, pull, copy, cache and model promote/list say the same.
#pragma once

#include <mlops/remote.hpp>

#include <CLI/CLI.hpp>

#include <string>

namespace mlops::cli {

struct RemoteFlags {
  std::string ca_file, endpoint, region;
  bool plain_http = false;
  // What the command line said; jobs and progress are the caller's.
  remote::TransferOptions options() const;
};

// Adds the four options to `cmd`; `flags` must live as long as the command tree (the callers
// keep it in the shared options their callbacks hold).
void add_remote_flags(CLI::App* cmd, RemoteFlags& flags);

// REMOTE|URL (or "" for the default remote) → its URL and options: remote::find_named_remote
// from the current directory, the flags over the remote's settings.
remote::NamedRemote named_remote(const std::string& remote_or_url, const RemoteFlags& flags);

}  // namespace mlops::cli
