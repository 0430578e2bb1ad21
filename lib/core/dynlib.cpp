// SPDX-License-Identifier: MIT
#include "core/dynlib.hpp"

#include <mlops/error.hpp>

#include <dlfcn.h>

#include <string>

namespace mlops::dynlib {

void Library::load() {
  void* handle = ::dlopen(m_soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    throw Error(ErrorKind::internal, std::string("cannot load ") + m_description + " (" + m_soname + "): " + (why ? why : "unknown error"),
                std::string("install the package that provides ") + m_soname);
  }
  if (m_on_load != nullptr) m_on_load(handle);
  m_handle.store(handle, std::memory_order_release);
}

void* Library::symbol(const char* name) {
  std::call_once(m_once, [this] { load(); });
  void* handle = m_handle.load(std::memory_order_acquire);
  if (handle == nullptr) {
    throw Error(ErrorKind::internal, std::string(m_description) + " (" + m_soname + ") failed to load earlier");
  }
  void* sym = ::dlsym(handle, name);
  if (sym == nullptr) {
    throw Error(ErrorKind::internal, std::string(m_soname) + " has no symbol " + name, "the installed library is too old");
  }
  return sym;
}

}  // namespace mlops::dynlib
