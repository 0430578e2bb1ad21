// SPDX-License-Identifier: MIT
// REMOTE|URL → where and how: the one lookup of a remote's name and settings, so that every
// command taking a remote reaches a named one the same way (its endpoint, region, CA file and
// plain_http from mlops.yaml; the command line's flags win).
#include "config/project.hpp"

#include <mlops/config.hpp>
#include <mlops/error.hpp>
#include <mlops/remote.hpp>

namespace mlops::remote {

NamedRemote find_named_remote(const stdfs::path& cwd, const std::string& name_or_url, const TransferOptions& flags) {
  const bool is_url = name_or_url.find("://") != std::string::npos;
  if (!is_url && !name_or_url.empty()) {
    try {
      config::check_remote_name(name_or_url);
    } catch (const Error&) {
      throw Error(ErrorKind::usage, "'" + escape_controls(name_or_url) + "' is neither a remote URL nor a remote's name",
                  "give SCHEME://..., e.g. file://$HOME/models or oci://registry.example/team, or a name from 'mlops remote list'");
    }
  }
  // The flag first: a mistake on the command line is the user's to fix before anything else.
  if (flags.ca_file) {
    if (const std::string why = config::ca_file_problem(*flags.ca_file); !why.empty())
      throw Error(ErrorKind::usage, "--ca-file " + escape_controls(flags.ca_file->string()) + ": " + why,
                  "give the PEM file of the CA certificates");
  }
  // A URL as it is: the scheme table checks it when it is opened (parse_location), with the
  // messages every command gives.
  config::Remote r;
  if (is_url) r.url = name_or_url;
  else r = config::find_remote(cwd, name_or_url);
  NamedRemote n;
  n.name = r.name;
  n.url = r.url;
  n.options = flags;
  if (!flags.ca_file && !r.ca_file.empty()) {
    if (const std::string why = config::ca_file_problem(r.ca_file); !why.empty())
      throw Error(ErrorKind::invalid_input, r.file + ": remote '" + r.name + "': ca_file " + escape_controls(r.ca_file) + ": " + why,
                  "give the PEM file of the CA certificates, or remove ca_file from the remote");
    n.options.ca_file = stdfs::path(r.ca_file);
  }
  n.options.plain_http = flags.plain_http || r.plain_http;
  // Allowed by a file a clone brings, not by the user: no credential crosses it off this machine.
  n.options.plain_http_from_project = r.plain_http && !flags.plain_http;
  if (n.options.endpoint.empty()) n.options.endpoint = r.endpoint;
  if (n.options.region.empty()) n.options.region = r.region;
  return n;
}

}  // namespace mlops::remote
