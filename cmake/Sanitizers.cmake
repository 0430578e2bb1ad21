if(MLOPS_SANITIZE AND MLOPS_TSAN)
  message(FATAL_ERROR "MLOPS_SANITIZE (ASan+UBSan) and MLOPS_TSAN cannot be combined: use the asan or the tsan preset")
endif()
if(MLOPS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
# ThreadSanitizer (the tsan preset, -O1 -g): the library's thread pools and the processes that
# share a repository or a package store (tests labelled concurrency, tests/tsan.supp).
if(MLOPS_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
