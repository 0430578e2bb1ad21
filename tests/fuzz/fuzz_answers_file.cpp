// SPDX-License-Identifier: MIT
// Answers files (--answers FILE, or a project's .mlops/answers.yaml) are user-edited YAML:
// read_answers_file must turn every malformed one into mlops::Error.
#include "scaffold/names.hpp"

#include <mlops/error.hpp>
#include <mlops/scaffold.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace mlops;
using namespace mlops::scaffold;

namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "fuzz_answers_file: invariant violated: %s\n", what);
  std::abort();
}

// One file per process, rewritten for every input and removed at exit.
struct InputFile {
  std::string path;
  InputFile() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/mlops-fuzz-answers-XXXXXX";
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) {
      std::perror("mkstemp");
      std::abort();
    }
    ::close(fd);
    path = tmpl;
  }
  ~InputFile() { ::unlink(path.c_str()); }

  void write(const std::uint8_t* data, std::size_t size) const {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
      std::perror(path.c_str());
      std::abort();
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const InputFile file;
  file.write(data, size);
  try {
    const auto answers = read_answers_file(file.path);
    for (const auto& entry : answers) {
      if (!is_identifier(entry.first)) violated("an answer name that is not an identifier");
    }
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) violated("error kind is not invalid_input");
  }
  return 0;
}
