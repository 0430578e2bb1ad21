// SPDX-License-Identifier: MIT
// What compare_files routes each current row by with --window (and fuzz_drift_csv with it).
#pragma once

#include <mlops/drift.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace mlops::drift {

// The window (its key: window k starts at w.origin + k * w.seconds, or at row k * w.rows) of the
// row with index `row` and timestamp cell `cell`; nullopt when a calendar window's cell is not
// a timestamp (the row is counted and left out).
std::optional<std::int64_t> window_key(const WindowSpec& w, std::string_view cell, std::uint64_t row) noexcept;

}  // namespace mlops::drift
