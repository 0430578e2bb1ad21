// SPDX-License-Identifier: MIT
// What keeps a blob of the store alive: the one rule `mlops package gc` and `mlops cache gc`
// share (docs/formats.md, "What gc keeps"). Roots are the manifests of index.json, the
// pipeline's run-cache entries (<store>/mlops/runs/<xx>/<key>) and the pins projects leave
// (<store>/mlops/pins/<id>.{lock,data}: the blobs their mlops.lock and PATH.mlops pointers
// name); from them, OCI manifests and indexes lead to their blobs and a pipeline directory
// manifest to its files.
#pragma once

#include "package/store.hpp"

#include <set>
#include <string>
#include <vector>

namespace mlops::package {

inline constexpr const char* k_pipeline_dir_media_type = "application/vnd.mlops.pipeline.dir.v1+json";

// The digests ("sha256:<hex>") named by run-cache entries and pins. A damaged file keeps
// what can be read of it (a root is never dropped for a parse error elsewhere in the file).
// Pin files named in `skip` (their paths) are left out: cache gc drops the pins of projects
// whose directory is gone.
std::vector<std::string> pipeline_roots(const Store& store, const std::set<stdfs::path>& skip = {});
// Every blob reachable from `roots` (digests "sha256:<hex>"): the roots themselves, and what
// the manifests among them name, transitively. Blobs the store lacks are kept in the set.
std::set<std::string> live_blobs(const Store& store, std::vector<std::string> roots);
// index.json's manifests plus pipeline_roots: what package gc keeps.
std::vector<std::string> store_roots(const Store& store, const std::set<stdfs::path>& skip_pins = {});

// A pin file's project ("project PATH", the second line), or "" when it names none.
std::string pin_project(const stdfs::path& pin_file);

}  // namespace mlops::package
