add_library(mlops_warnings INTERFACE)
target_compile_options(mlops_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${MLOPS_WERROR}>:-Werror>)
