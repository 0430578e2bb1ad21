// SPDX-License-Identifier: MIT
#include "exp/ulid.hpp"

#include <mlops/error.hpp>

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstring>

namespace mlops::exp {
namespace {

constexpr char k_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// A table, not strchr: every listing checks every ref's name (10,000 names, 26 characters).
constexpr std::array<signed char, 256> k_values = [] {
  std::array<signed char, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 32; ++i) t[static_cast<unsigned char>(k_alphabet[i])] = static_cast<signed char>(i);
  return t;
}();

int decode(char c) { return k_values[static_cast<unsigned char>(c)]; }

}  // namespace

std::string make_ulid(std::uint64_t ms, const unsigned char rnd[10]) {
  // 128 bits = 48 time + 80 random, written as 26 groups of 5 bits (the first holds 3).
  unsigned char bytes[16];
  for (int i = 5; i >= 0; --i) {
    bytes[i] = static_cast<unsigned char>(ms & 0xff);
    ms >>= 8;
  }
  std::memcpy(bytes + 6, rnd, 10);
  // Character i holds bits [5i-2, 5i+3) of the 128-bit big-endian number (the first holds 3).
  std::string out(26, '0');
  for (int i = 0; i < 26; ++i) {
    unsigned v = 0;
    for (int b = 5 * i - 2; b < 5 * i + 3; ++b) {
      const unsigned bit = b < 0 ? 0u : (bytes[b / 8] >> (7 - b % 8)) & 1u;
      v = (v << 1) | bit;
    }
    out[static_cast<size_t>(i)] = k_alphabet[v];
  }
  return out;
}

std::string new_ulid() {
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  unsigned char rnd[10];
  size_t got = 0;
  while (got < sizeof rnd) {
    const ssize_t n = ::getrandom(rnd + got, sizeof rnd - got, 0);
    if (n < 0) throw_errno("getrandom");
    got += static_cast<size_t>(n);
  }
  return make_ulid(ms, rnd);
}

bool is_ulid(std::string_view s) {
  if (s.size() != 26 || decode(s[0]) > 7) return false;
  for (char c : s) {
    if (decode(c) < 0) return false;
  }
  return true;
}

std::string normalize_run_id(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
  }
  return out;
}

bool reads_as_id_prefix(std::string_view s) {
  if (s.size() < 4 || s.size() > 26) return false;
  const std::string n = normalize_run_id(s);
  return std::all_of(n.begin(), n.end(), [](char c) { return decode(c) >= 0; });
}

std::uint64_t ulid_time_ms(std::string_view s) {
  if (!is_ulid(s)) return 0;
  std::uint64_t v = 0;
  for (size_t i = 0; i < 10; ++i) v = (v << 5) | static_cast<unsigned>(decode(s[i]));
  return v;
}

}  // namespace mlops::exp
