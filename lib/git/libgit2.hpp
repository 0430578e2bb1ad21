// SPDX-License-Identifier: MIT
// libgit2, loaded on first use (see core/dynlib.hpp for why), and RAII owners for its handles.
// Code in namespace mlops::git calls these exactly as it would call libgit2 itself; a call
// to a function not listed here fails to link, which is the reminder to add it.
#pragma once

#include "core/dynlib.hpp"

#include <git2.h>

#include <memory>
#include <string>

namespace mlops::git {

void init_libgit2(void* handle);  // git_libgit2_init() right after dlopen()
inline constinit dynlib::Library libgit2{MLOPS_LIBGIT2_SONAME, "libgit2", &init_libgit2};

#define MLOPS_GIT_FUNCTION(name) inline constinit dynlib::LazyFunction<decltype(::name)> name{libgit2, #name};
#define MLOPS_GIT_FUNCTIONS(X)                                                                            \
  X(git_blob_create_from_disk) X(git_blob_lookup) X(git_blob_rawcontent) X(git_blob_rawsize)               \
  X(git_blob_free) X(git_checkout_tree) X(git_clone) X(git_clone_options_init) X(git_commit_create)        \
  X(git_commit_free) X(git_commit_lookup) X(git_commit_tree) X(git_config_free)                            \
  X(git_config_get_string_buf) X(git_config_open_default) X(git_config_snapshot) X(git_buf_dispose)        \
  X(git_error_last) X(git_ignore_path_is_ignored) X(git_index_add) X(git_index_add_all)                    \
  X(git_index_add_bypath) X(git_index_free) X(git_index_new) X(git_index_read_tree) X(git_index_write)     \
  X(git_index_write_tree) X(git_index_write_tree_to) X(git_object_free) X(git_object_peel)                 \
  X(git_oid_tostr_s) X(git_pathspec_free) X(git_pathspec_matches_path) X(git_pathspec_new)                 \
  X(git_reference_free) X(git_reference_name_to_id) X(git_reference_lookup) X(git_reference_symbolic_target) \
  X(git_reference_create_matching) X(git_repository_config) X(git_repository_free)                        \
  X(git_repository_head_unborn) X(git_repository_index) X(git_repository_init_ext)                         \
  X(git_repository_init_options_init) X(git_repository_open_ext) X(git_repository_state)                   \
  X(git_repository_workdir) X(git_revparse_single) X(git_signature_default) X(git_signature_free)          \
  X(git_signature_now) X(git_tree_entry_byindex) X(git_tree_entry_filemode) X(git_tree_entry_id)           \
  X(git_tree_entry_name) X(git_tree_entry_type) X(git_tree_entrycount) X(git_tree_free) X(git_tree_lookup) \
  X(git_object_id) X(git_repository_head) X(git_reference_target) X(git_reference_resolve)    \
  X(git_credential_ssh_key_from_agent)
MLOPS_GIT_FUNCTIONS(MLOPS_GIT_FUNCTION)
#undef MLOPS_GIT_FUNCTION

template <auto& Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p != nullptr) Free(p);
  }
};
using RepositoryPtr = std::unique_ptr<git_repository, Deleter<git_repository_free>>;
using IndexPtr = std::unique_ptr<git_index, Deleter<git_index_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Deleter<git_reference_free>>;
using SignaturePtr = std::unique_ptr<git_signature, Deleter<git_signature_free>>;
using ConfigPtr = std::unique_ptr<git_config, Deleter<git_config_free>>;
using PathspecPtr = std::unique_ptr<git_pathspec, Deleter<git_pathspec_free>>;

// git_buf that is always disposed.
struct Buf {
  git_buf buf = GIT_BUF_INIT;
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  ~Buf() { git_buf_dispose(&buf); }
  std::string str() const { return buf.ptr ? std::string(buf.ptr, buf.size) : std::string(); }
};

// Throws Error (kind from the libgit2 code) with "<what>: <libgit2 message>" when rc < 0.
void check(int rc, const std::string& what);

}  // namespace mlops::git
