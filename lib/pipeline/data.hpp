// SPDX-License-Identifier: MIT
// What data.cpp and cache.cpp share: PATH.mlops pointers, the blobs a workspace names, and
// blobs placed into a workspace (reflink, read-only hard link, copy), each checked first.
#pragma once

#include "package/store.hpp"
#include "pipeline/lockfile.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mlops::pipeline {

inline constexpr const char* k_pointer_suffix = ".mlops";
inline constexpr std::uint64_t k_max_pointer_bytes = 64u << 10;
inline constexpr std::uint64_t k_max_data_size = 1ull << 50;  // what a pointer may claim
inline constexpr std::uint64_t k_max_data_files = 10'000'000;

struct Pointer {
  stdfs::path file;  // PATH.mlops, absolute
  LockedPath out;    // out.path relative to the project root
};

// Error{invalid_input} ("FILE:LINE: ...") for anything but a pointer this version writes: one
// entry, its path the pointer's own name without .mlops, a 64-hex sha256, bounded sizes.
Pointer read_pointer(const stdfs::path& project, const stdfs::path& file);
// The text of the pointer `data add` writes for `out` (read_pointer reads it back as `out`).
std::string pointer_text(const LockedPath& out);
// The same checks on a pointer's text (a git blob: cache gc --rev), `file` where it would be.
Pointer parse_pointer(const stdfs::path& project, const stdfs::path& file, const std::string& text);
// Every PATH.mlops below the project (not in .git, nor inside the data a pointer names).
std::vector<Pointer> find_pointers(const stdfs::path& project);

// The top-level outputs mlops.lock's stages record (cached ones) and the pointers name.
std::vector<LockedPath> workspace_refs(const stdfs::path& project);

// Directory manifest entries (path, sha256, size, exec), read from the store and checked:
// relative paths without "..", 64-hex digests, bounded sizes; nullopt when not a manifest we
// restore (a symlink entry) or not in the store.
struct DirEntry {
  std::string path, sha256;
  std::uint64_t size = 0;
  bool exec = false;
};
std::optional<std::vector<DirEntry>> dir_entries(const package::Store& store, const std::string& hex);
bool manifest_entries_ok(const std::string& text, std::vector<DirEntry>& out);

// Removes the temporary names a restore or data checkout killed midway left beside `dest`
// (".NAME.mlops-restore-*").
void clean_restore_temps(const stdfs::path& dest);

// Writes <store>/mlops/pins/<project id>.<kind> listing `digests` (hex), atomically.
void write_pins(const package::Store& store, const stdfs::path& project, const std::string& kind, const std::vector<std::string>& digests);
// `outs` and, for directories, every file of their manifests (hex digests; a missing manifest
// lists itself only).
std::vector<std::string> expand(const package::Store& store, const std::vector<LockedPath>& outs);

}  // namespace mlops::pipeline
