// SPDX-License-Identifier: MIT
// ULIDs: 48-bit millisecond time + 80 random bits, 26 Crockford base32 characters. Sorting the
// strings sorts by creation time, and no coordination between machines is needed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mlops::exp {

std::string new_ulid();
std::string make_ulid(std::uint64_t unix_ms, const unsigned char random[10]);
bool is_ulid(std::string_view s);
// Milliseconds since the epoch encoded in a ULID (0 if malformed).
std::uint64_t ulid_time_ms(std::string_view s);
// What someone typed for an id, the way Crockford base32 reads it: upper case, I and L as 1,
// O as 0.
std::string normalize_run_id(std::string_view s);
// True when `s` could be (a prefix of) an id or of an id's random part: 4 to 26 characters
// of the alphabet, any case.
bool reads_as_id_prefix(std::string_view s);

}  // namespace mlops::exp
