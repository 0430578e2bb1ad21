// SPDX-License-Identifier: MIT
#include "package/c_libs.hpp"

#include <mlops/error.hpp>

#include <dlfcn.h>

namespace mlops::package {

void init_libsodium(void* handle) {
  auto* init = reinterpret_cast<int (*)()>(::dlsym(handle, "sodium_init"));
  if (init == nullptr || init() < 0) throw Error(ErrorKind::internal, "cannot initialise libsodium");
}

}  // namespace mlops::package
