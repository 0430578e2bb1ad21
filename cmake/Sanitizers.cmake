if(MLOPS_SANITIZE AND MLOPS_TSAN)
  message(FATAL_ERROR "MLOPS_SANITIZE (ASan+UBSan) and MLOPS_TSAN cannot be combined: use the asan or the tsan preset")
endif()
if(MLOPS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  # The asan preset builds at -O1 (ASan's advice; twice as fast as -O0), where GCC 12 reports
  # maybe-uninitialized inside libstdc++'s <regex> for instrumented code: false positives the
  # release and dev builds (-Werror, same sources) would catch if they were real.
  add_compile_options(-Wno-maybe-uninitialized)
endif()
# ThreadSanitizer (the tsan preset, -O1 -g): the library's thread pools and the processes that
# share a repository or a package store (tests labelled concurrency, tests/tsan.supp).
if(MLOPS_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
