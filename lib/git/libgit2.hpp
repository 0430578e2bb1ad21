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

// clang-format off
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
  X(git_credential_ssh_key_from_agent) X(git_blob_create_from_buffer) X(git_branch_create)                    \
  X(git_checkout_options_init) X(git_commit_message) X(git_commit_parent_id) X(git_commit_parentcount)       \
  X(git_commit_tree_id) X(git_diff_free) X(git_diff_options_init) X(git_diff_to_buf)                         \
  X(git_diff_tree_to_tree) X(git_diff_tree_to_workdir_with_index) X(git_fetch_options_init)                  \
  X(git_oid_equal) X(git_oid_fromstr)    \
  X(git_push_options_init) X(git_refdb_compress) X(git_refdb_free) X(git_reference_delete)                   \
  X(git_reference_create) X(git_reference_iterator_free) X(git_reference_iterator_glob_new)                  \
  X(git_reference_name) X(git_reference_next) X(git_reference_shorthand) X(git_remote_create_anonymous)      \
  X(git_remote_fetch) X(git_remote_free) X(git_remote_lookup) X(git_remote_push) X(git_remote_url)           \
  X(git_repository_commondir) X(git_repository_path) X(git_repository_refdb) X(git_revwalk_free)             \
  X(git_revwalk_new) X(git_revwalk_next) X(git_revwalk_push) X(git_revwalk_simplify_first_parent)            \
  X(git_status_byindex) X(git_status_list_entrycount) X(git_status_list_free) X(git_status_list_new)         \
  X(git_status_options_init) X(git_tree_entry_bypath) X(git_tree_entry_free) X(git_tree_id)                  \
  X(git_treebuilder_free) X(git_treebuilder_insert) X(git_treebuilder_new) X(git_treebuilder_write)          \
  X(git_tree_entry_byname) X(git_blob_create_from_workdir) X(git_reference_foreach_glob) X(git_reference_peel) X(git_object_lookup) X(git_graph_descendant_of) X(git_remote_connect) X(git_remote_ls) X(git_remote_disconnect) X(git_remote_init_callbacks) X(git_repository_hashfile) X(git_odb_exists) X(git_repository_odb) X(git_odb_free) \
  X(git_diff_num_deltas) X(git_patch_from_diff) X(git_patch_free) X(git_patch_get_delta) X(git_patch_num_hunks) X(git_patch_to_buf) X(git_commit_time) \
  X(git_odb_read_header) X(git_odb_read) X(git_odb_object_data) X(git_odb_object_size) X(git_odb_object_free) \
  X(git_odb_write) X(git_odb_hashfile) X(git_odb_open_wstream) X(git_odb_stream_write) X(git_odb_stream_finalize_write)  \
  X(git_odb_stream_free) X(git_config_get_bool) X(git_config_get_path) X(git_repository_config_snapshot)  \
  X(git_remote_download) X(git_index_update_all)                                                            \
  X(git_merge_file) X(git_merge_file_result_free) X(git_merge_file_input_init) X(git_merge_file_options_init)   \
  X(git_patch_from_buffers) X(git_diff_find_similar) X(git_diff_find_options_init) X(git_diff_get_delta)       \
  X(git_remote_create_detached) X(git_index_remove_bypath)
MLOPS_GIT_FUNCTIONS(MLOPS_GIT_FUNCTION)
#undef MLOPS_GIT_FUNCTION
// clang-format on

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
using OdbPtr = std::unique_ptr<git_odb, Deleter<git_odb_free>>;
using TreebuilderPtr = std::unique_ptr<git_treebuilder, Deleter<git_treebuilder_free>>;
using OdbStreamPtr = std::unique_ptr<git_odb_stream, Deleter<git_odb_stream_free>>;
using OdbObjectPtr = std::unique_ptr<git_odb_object, Deleter<git_odb_object_free>>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry_free>>;
using StatusListPtr = std::unique_ptr<git_status_list, Deleter<git_status_list_free>>;
using DiffPtr = std::unique_ptr<git_diff, Deleter<git_diff_free>>;
using PatchPtr = std::unique_ptr<git_patch, Deleter<git_patch_free>>;
using RemotePtr = std::unique_ptr<git_remote, Deleter<git_remote_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, Deleter<git_revwalk_free>>;
using RefdbPtr = std::unique_ptr<git_refdb, Deleter<git_refdb_free>>;
using ReferenceIteratorPtr = std::unique_ptr<git_reference_iterator, Deleter<git_reference_iterator_free>>;

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
