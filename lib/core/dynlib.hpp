// SPDX-License-Identifier: MIT
// Shared libraries loaded on first use.
//
// Why by hand: the heavy C libraries (libgit2 with its 22 shared objects, later libcurl's 36)
// cost milliseconds to map and relocate at every start, and most invocations (`--version`,
// `template list`, completion) never call them. glibc has no lazy DT_NEEDED, and Debian ships
// no PIC static archives of these libraries, so libmlops compiles against their headers and
// resolves each function the first time it is called. Declaring a LazyFunction with the same
// name as the C function inside a namespace makes unqualified calls there go through it, so
// calling code reads exactly like ordinary libgit2 code.
#pragma once

#include <atomic>
#include <mutex>

namespace mlops::dynlib {

class Library {
 public:
  // Runs once, right after dlopen(), with the raw handle (for the library's own init call).
  using InitHook = void (*)(void* handle);
  constexpr Library(const char* soname, const char* description, InitHook on_load = nullptr)
      : m_soname(soname), m_description(description), m_on_load(on_load) {}

  // Address of `name`; loads the library on first use. Error{internal} if either fails.
  void* symbol(const char* name);
  const char* soname() const noexcept { return m_soname; }

 private:
  void load();

  const char* m_soname;
  const char* m_description;
  InitHook m_on_load;
  std::once_flag m_once;
  std::atomic<void*> m_handle{nullptr};
};

template <class Signature>
class LazyFunction;

template <class R, class... Args>
class LazyFunction<R(Args...)> {
 public:
  using Pointer = R (*)(Args...);
  constexpr LazyFunction(Library& library, const char* name) : m_library(&library), m_name(name) {}

  R operator()(Args... args) const { return get()(args...); }

  Pointer get() const {
    Pointer fn = m_fn.load(std::memory_order_acquire);
    if (fn == nullptr) {
      fn = reinterpret_cast<Pointer>(m_library->symbol(m_name));
      m_fn.store(fn, std::memory_order_release);
    }
    return fn;
  }

 private:
  Library* m_library;
  const char* m_name;
  mutable std::atomic<Pointer> m_fn{nullptr};
};

}  // namespace mlops::dynlib
