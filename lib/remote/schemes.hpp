// SPDX-License-Identifier: MIT
// The scheme table (schemes.cpp) and the one addressing rule every command uses: a URL is
// parsed into a Location, a package on a remote is a Target (Location + repository + tag or
// digest), and a backend is opened through the table.
#pragma once

#include "remote/backend.hpp"

#include <mlops/remote.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::remote {

// SCHEME://[HOST[:PORT]]/PATH into a Location. Error{usage} for an unknown scheme (listing
// the known ones), user information in the URL (hint: mlops login), a query or fragment, a
// missing or malformed host, a file:// URL that is not absolute.
Location parse_location(std::string_view url);

// Opens the backend of `location.scheme` through the table. Error{usage} naming a scheme the
// table knows but this build cannot open yet.
std::unique_ptr<Backend> open_backend(const Location& location, const Options& options);

// A package on a remote.
struct Target {
  Location location;  // the base
  // The repository (validated, package name rules): for file://, the layout directory's path
  // under location.path; for the network schemes, the whole name (location.path is then "",
  // as registries address a repository by its full name).
  std::string repo;
  std::string tag;     // "" when only a digest names it
  std::string digest;  // "" when a tag names it
  std::string reference() const { return digest.empty() ? tag : digest; }
  std::string url() const;  // SCHEME://HOST/PATH/REPO[:TAG][@DIGEST], without credentials
};

// Where `mlops push NAME:TAG URL` puts the package: URL/NAME:TAG, unless the URL already ends
// in a tag (oci://host/team/demo:1: exactly there) or in the package's name
// (oci://host/team/demo: its tag appended).
Target push_target(std::string_view url, std::string_view local_name, std::string_view local_tag);

// The package a URL names, for pull and copy: URL's last components are REPO[:TAG][@DIGEST]
// (no tag and no digest: "latest").
Target package_target(std::string_view url);

}  // namespace mlops::remote
