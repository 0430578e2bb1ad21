# cmake --install: the command, the library with its SONAME, headers, a pkg-config file and a
# CMake package for library users, shell completions and man pages where the shells and man
# look for them. CPack (cmake/Package.cmake) packs the same tree into the .deb.

# RUNPATH. The build tree has cli/mlops and lib/libmlops.so: $ORIGIN/../lib. Installed under a
# prefix of one's own, the tree keeps working when moved: $ORIGIN/../<libdir>. Where the dynamic
# loader looks anyway (/usr/lib/x86_64-linux-gnu: the .deb) the installed mlops has no RUNPATH,
# as Debian policy asks. The RUNPATH is written at link time and, where it must go, removed at
# install: CMake's own build-to-install rewrite leaves an empty entry (the current directory) at
# the end of the build tree's RUNPATH.
set(MLOPS_INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(MLOPS_INSTALL_RPATH "${CMAKE_INSTALL_LIBDIR}")
endif()
set(MLOPS_SYSTEM_LIBDIR OFF)
if(CMAKE_INSTALL_FULL_LIBDIR IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES
   OR CMAKE_INSTALL_FULL_LIBDIR IN_LIST CMAKE_PLATFORM_IMPLICIT_LINK_DIRECTORIES)
  set(MLOPS_SYSTEM_LIBDIR ON)
  set(MLOPS_INSTALL_RPATH "$ORIGIN/../lib")
elseif(NOT MLOPS_INSTALL_RPATH STREQUAL "$ORIGIN/../lib")
  string(APPEND MLOPS_INSTALL_RPATH ":$ORIGIN/../lib")  # the build tree's
endif()
set_target_properties(mlops PROPERTIES BUILD_WITH_INSTALL_RPATH ON INSTALL_RPATH "${MLOPS_INSTALL_RPATH}")

# The library: libmlops.so.0.1.0 and its SONAME link libmlops.so.0.1 (component runtime), the
# libmlops.so link, headers, pkg-config and CMake files (component dev).
set_target_properties(libmlops PROPERTIES EXPORT_NAME mlops)
target_compile_features(libmlops INTERFACE cxx_std_20)
install(TARGETS libmlops EXPORT mlopsTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS mlops RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
if(MLOPS_SYSTEM_LIBDIR)
  install(CODE "file(RPATH_REMOVE FILE \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/mlops\")"
          COMPONENT runtime)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/include/mlops DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)

configure_file(${CMAKE_CURRENT_LIST_DIR}/mlops.pc.in ${PROJECT_BINARY_DIR}/mlops.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mlops.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

include(CMakePackageConfigHelpers)
set(MLOPS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mlops)
install(EXPORT mlopsTargets NAMESPACE mlops:: DESTINATION ${MLOPS_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/mlopsConfig.cmake.in ${PROJECT_BINARY_DIR}/mlopsConfig.cmake
  INSTALL_DESTINATION ${MLOPS_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mlopsConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mlopsConfig.cmake ${PROJECT_BINARY_DIR}/mlopsConfigVersion.cmake
  DESTINATION ${MLOPS_CMAKE_DIR} COMPONENT dev)

# Completions where each shell loads them by itself: bash-completion and fish search
# $XDG_DATA_DIRS (/usr/local/share:/usr/share); Debian's zsh has /usr/share/zsh/vendor-completions
# and /usr/local/share/zsh/site-functions in its fpath.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(MLOPS_ZSH_DIR ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
else()
  set(MLOPS_ZSH_DIR ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/completions/mlops.bash RENAME mlops
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_mlops DESTINATION ${MLOPS_ZSH_DIR} COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/completions/mlops.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT runtime)

# Man pages, compressed as Debian policy asks (gzip -n: no name or time stamp inside, so the
# same page gives the same bytes).
file(GLOB MLOPS_MAN_PAGES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.1)
find_program(MLOPS_GZIP gzip REQUIRED)
set(MLOPS_MAN_GZ)
foreach(page IN LISTS MLOPS_MAN_PAGES)
  get_filename_component(name ${page} NAME)
  add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/man/${name}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${MLOPS_GZIP} -9nc ${page} > ${PROJECT_BINARY_DIR}/man/${name}.gz
    DEPENDS ${page} VERBATIM)
  list(APPEND MLOPS_MAN_GZ ${PROJECT_BINARY_DIR}/man/${name}.gz)
endforeach()
add_custom_target(mlops_man_gz ALL DEPENDS ${MLOPS_MAN_GZ})
install(FILES ${MLOPS_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
