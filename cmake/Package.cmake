# cpack (or `make deb`): mlops_<version>_amd64.deb, the tree `cmake --install` makes under /usr.
# Configure with CMAKE_INSTALL_PREFIX=/usr (the deb and ci presets do): the library then goes to
# /usr/lib/x86_64-linux-gnu, where the loader finds it without a RUNPATH.

# dpkg-shlibdeps sees only what is linked (libc, libstdc++, yaml-cpp). libgit2, libcrypto,
# libarchive, libsodium, libzstd, zlib and libcurl are dlopen()ed by SONAME (lib/core/dynlib.hpp), so their
# packages are found here: the package that installed the library file with that SONAME, at
# least at the version built against. mlops_soname_package(OUT SONAME LIBS): LIBS as for
# mlops_soname (cmake/Soname.cmake).
function(mlops_soname_package out soname libs)
  find_program(MLOPS_DPKG_QUERY dpkg-query)
  if(NOT MLOPS_DPKG_QUERY)
    return()
  endif()
  foreach(lib IN LISTS libs)
    if(NOT lib MATCHES "\\.so")
      continue()
    endif()
    get_filename_component(dir "${lib}" DIRECTORY)
    get_filename_component(real "${dir}/${soname}" REALPATH)
    # dpkg knows a file by the path its package put it at: /lib/... or /usr/lib/... (usrmerge).
    set(paths)
    foreach(p "${dir}/${soname}" "${real}")
      string(REGEX REPLACE "^/usr/lib/" "/lib/" p_lib "${p}")
      string(REGEX REPLACE "^/lib/" "/usr/lib/" p_usr "${p}")
      list(APPEND paths "${p}" "${p_lib}" "${p_usr}")
    endforeach()
    list(REMOVE_DUPLICATES paths)
    foreach(p IN LISTS paths)
      execute_process(COMMAND ${MLOPS_DPKG_QUERY} -S "${p}" OUTPUT_VARIABLE owner RESULT_VARIABLE rc ERROR_QUIET)
      if(rc EQUAL 0 AND owner MATCHES "^([^:,]+)(:[a-z0-9]+)?: ")
        set(pkg "${CMAKE_MATCH_1}")
        execute_process(COMMAND ${MLOPS_DPKG_QUERY} -W "-f=\${Version}" "${CMAKE_MATCH_1}${CMAKE_MATCH_2}"
                        OUTPUT_VARIABLE version RESULT_VARIABLE rc ERROR_QUIET)
        string(REGEX REPLACE "-[^-]*$" "" upstream "${version}")  # without the Debian revision
        if(rc EQUAL 0 AND upstream)
          set(${out} "${pkg} (>= ${upstream})" PARENT_SCOPE)
        else()
          set(${out} "${pkg}" PARENT_SCOPE)
        endif()
        return()
      endif()
    endforeach()
  endforeach()
endfunction()

set(MLOPS_DLOPEN_DEPENDS)
set(MLOPS_DLOPEN_SONAMES)
foreach(pair
    "MLOPS_LIBGIT2_SONAME|LIBGIT2_LINK_LIBRARIES" "MLOPS_LIBCRYPTO_SONAME|OPENSSL_CRYPTO_LIBRARY"
    "MLOPS_LIBARCHIVE_SONAME|LIBARCHIVE_LINK_LIBRARIES" "MLOPS_LIBSODIUM_SONAME|SODIUM_LINK_LIBRARIES"
    "MLOPS_LIBZSTD_SONAME|ZSTD_LINK_LIBRARIES" "MLOPS_LIBZ_SONAME|ZLIB_LINK_LIBRARIES"
    "MLOPS_LIBCURL_SONAME|CURL_LIBRARIES")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 soname_var)
  list(GET pair 1 libs_var)
  list(APPEND MLOPS_DLOPEN_SONAMES "${${soname_var}}")
  set(dep)
  mlops_soname_package(dep "${${soname_var}}" "${${libs_var}}")
  if(dep)
    list(APPEND MLOPS_DLOPEN_DEPENDS "${dep}")
  else()
    message(STATUS "no Debian package found for ${${soname_var}}: the .deb will not depend on it")
  endif()
endforeach()
list(JOIN MLOPS_DLOPEN_DEPENDS ", " MLOPS_DEB_DLOPEN_DEPENDS)
list(JOIN MLOPS_DLOPEN_SONAMES " " MLOPS_DLOPEN_SONAMES_TEXT)  # for tests/install
message(STATUS "  .deb Depends (loaded by SONAME): ${MLOPS_DEB_DLOPEN_DEPENDS}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mlops)
set(CPACK_PACKAGE_VENDOR "mlops")
set(CPACK_PACKAGE_CONTACT "mlops maintainers <mlops@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "fast, git-native MLOps toolkit")
set(CPACK_PACKAGE_DESCRIPTION "One mlops command over libmlops, a C++ shared library: scaffold ML projects
from templates, record experiments in git (params, metrics, code) and build, sign and verify model
packages as OCI artifacts (CNCF ModelPack). Includes the headers, pkg-config file and CMake package
for programs that link libmlops, shell completions and manual pages.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # mlops_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)        # adds what is linked to the Depends below
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)  # libmlops.so.0.1 for packages linking it; ldconfig trigger
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${MLOPS_DEB_DLOPEN_DEPENDS}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "git")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, nlohmann-json3-dev")
include(CPack)
