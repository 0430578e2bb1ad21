// SPDX-License-Identifier: MIT
// The bytes of a CSV file: a file or standard input, decompressed when it starts with the
// gzip or zstd magic bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace mlops::drift {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `size` bytes into `out`; 0 at the end. Throws Error{io|invalid_input}.
  virtual std::size_t read(char* out, std::size_t size) = 0;
  // The size of a plain regular file (0 when unknown: a pipe, compressed data).
  virtual std::uint64_t size_hint() const { return 0; }
};

// "-" is standard input. Error{not_found} for a missing file, {usage} for a directory.
std::unique_ptr<ByteSource> open_source(const std::string& path);

}  // namespace mlops::drift
