// SPDX-License-Identifier: MIT
// Reference profiles for `mlops drift`: what the tests need of a dataset, kept so that the
// reference is never read again, and merged across partitions or days. A profile in memory
// is a drift::Table (numbers exact, or Column::sketch); on disk it is the format of
// docs/formats.md ("Drift reference profile").
#pragma once

#include <mlops/api.hpp>
#include <mlops/drift.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::drift {

struct ProfileOptions {
  // A column keeps its exact values (each distinct value with its count) up to this many
  // distinct values; beyond, a KLL sketch.
  std::uint64_t exact_values = 100000;
};
inline constexpr std::uint64_t k_profile_max_exact_values = 10000000;

// True when the file starts with the profile's magic bytes (never by its name).
MLOPS_API bool is_profile(const std::string& path);
// The profile of a table (sorts its numbers), as the bytes of the file.
MLOPS_API std::string profile_bytes(Table& table, const ProfileOptions& options = {});
// A profile read back. Exact values are expanded into Column::numbers while they fit in
// max_number_bytes (0: 2 GiB), else summed up by a sketch (exact counts while few distinct
// values). Errors: not_found, io, invalid_input (not a profile, a newer version, anything
// inconsistent: a profile from disk is treated as hostile).
MLOPS_API Table parse_profile(std::string_view bytes, const std::string& source, std::uint64_t max_number_bytes = 0);
MLOPS_API Table read_profile(const std::string& path, std::uint64_t max_number_bytes = 0);
// Tables of the same columns (in the same order) as one: counts added, exact values
// together (exact while under the size when written), sketches merged. Errors:
// invalid_input (other columns, naming them).
MLOPS_API Table merge_tables(std::vector<Table>& parts);

}  // namespace mlops::drift
