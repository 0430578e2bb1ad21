// SPDX-License-Identifier: MIT
#include "git/merge.hpp"

#include "core/url.hpp"
#include "git/libgit2.hpp"
#include "git/repo.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <sys/stat.h>

namespace mlops::git {
namespace {

std::string merge_oid_text(const git_oid& id) { return git_oid_tostr_s(&id); }

RepositoryPtr open_merge_worktree(const std::filesystem::path& dir) {
  git_repository* repo = nullptr;
  check(git_repository_open_ext(&repo, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr), "cannot open git repository " + dir.string());
  return RepositoryPtr(repo);
}

struct MergeFileResult {
  git_merge_file_result r{};
  ~MergeFileResult() { git_merge_file_result_free(&r); }
};

}  // namespace

MergedFile merge_file(const std::string& base, const std::string& ours, const std::string& theirs, const MergeLabels& labels,
                      bool favor_ours) {
  git_merge_file_input in[3];
  const std::string* texts[3] = {&base, &ours, &theirs};
  for (int i = 0; i < 3; ++i) {
    check(git_merge_file_input_init(&in[i], GIT_MERGE_FILE_INPUT_VERSION), "libgit2");
    in[i].ptr = texts[i]->data();
    in[i].size = texts[i]->size();
  }
  git_merge_file_options opts;
  check(git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION), "libgit2");
  opts.ancestor_label = labels.base.c_str();
  opts.our_label = labels.ours.c_str();
  opts.their_label = labels.theirs.c_str();
  opts.favor = favor_ours ? GIT_MERGE_FILE_FAVOR_OURS : GIT_MERGE_FILE_FAVOR_NORMAL;
  opts.flags = GIT_MERGE_FILE_STYLE_DIFF3;
  MergeFileResult res;
  check(git_merge_file(&res.r, &in[0], &in[1], &in[2], &opts), "cannot merge");
  MergedFile out;
  out.clean = res.r.automergeable != 0;
  if (res.r.ptr != nullptr) out.content.assign(res.r.ptr, res.r.len);
  return out;
}

std::string unified_diff(const std::string& old_text, const std::string& new_text, const std::string& path) {
  if (old_text == new_text) return {};
  git_patch* p = nullptr;
  check(git_patch_from_buffers(&p, old_text.data(), old_text.size(), path.c_str(), new_text.data(), new_text.size(), path.c_str(), nullptr),
        "cannot diff " + path);
  PatchPtr patch(p);
  Buf buf;
  check(git_patch_to_buf(&buf.buf, p), "cannot print the diff of " + path);
  return buf.str();
}

std::vector<std::pair<std::string, std::string>> find_renames(const std::map<std::string, std::string>& before,
                                                              const std::map<std::string, std::string>& after,
                                                              const std::filesystem::path& scratch_dir) {
  git_repository_init_options init;
  check(git_repository_init_options_init(&init, GIT_REPOSITORY_INIT_OPTIONS_VERSION), "libgit2");
  init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
  git_repository* r = nullptr;
  check(git_repository_init_ext(&r, (scratch_dir / "renames.git").c_str(), &init), "cannot create a scratch repository");
  RepositoryPtr repo(r);
  auto tree_of = [&](const std::map<std::string, std::string>& files) {
    git_index* idx = nullptr;
    check(git_index_new(&idx), "cannot create an in-memory index");
    IndexPtr index(idx);
    for (const auto& [path, content] : files) {
      git_index_entry e{};
      check(git_blob_create_from_buffer(&e.id, r, content.data(), content.size()), "cannot store " + path);
      e.path = path.c_str();
      e.mode = GIT_FILEMODE_BLOB;
      check(git_index_add(idx, &e), "cannot stage " + path);
    }
    git_oid id;
    check(git_index_write_tree_to(&id, idx, r), "cannot write a tree");
    git_tree* t = nullptr;
    check(git_tree_lookup(&t, r, &id), "cannot read a tree");
    return TreePtr(t);
  };
  TreePtr a = tree_of(before), b = tree_of(after);
  git_diff* d = nullptr;
  check(git_diff_tree_to_tree(&d, r, a.get(), b.get(), nullptr), "cannot compare the template versions");
  DiffPtr diff(d);
  git_diff_find_options fo;
  check(git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION), "libgit2");
  fo.flags = GIT_DIFF_FIND_RENAMES;
  check(git_diff_find_similar(d, &fo), "cannot find renames");
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < git_diff_num_deltas(d); ++i) {
    const git_diff_delta* delta = git_diff_get_delta(d, i);
    if (delta->status == GIT_DELTA_RENAMED) out.emplace_back(delta->old_file.path, delta->new_file.path);
  }
  return out;
}

std::map<std::string, std::string> remote_refs(const std::string& url) {
  git_remote* raw = nullptr;
  if (git_remote_create_detached(&raw, url.c_str()) < 0) {
    throw Error(ErrorKind::usage, "'" + redact_url(url) + "' is not a git URL libgit2 can use");
  }
  RemotePtr remote(raw);
  git_remote_callbacks cb;
  check(git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION), "libgit2");
  set_remote_callbacks(cb);
  if (const int rc = git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &cb, nullptr, nullptr); rc < 0) {
    check_interrupted();
    try {
      check(rc, "cannot reach " + redact_url(url));
    } catch (const Error& e) {
      const bool local = url.rfind("file://", 0) == 0 || url.rfind('/', 0) == 0;
      throw Error(local ? ErrorKind::not_found : ErrorKind::remote, e.what(), "check the URL and that you can `git clone` it");
    }
  }
  const git_remote_head** heads = nullptr;
  size_t n = 0;
  check(git_remote_ls(&heads, &n, remote.get()), "cannot list the refs of " + redact_url(url));
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string name = heads[i]->name;
    if (name.size() > 3 && name.compare(name.size() - 3, 3, "^{}") == 0) {
      out[name.substr(0, name.size() - 3)] = merge_oid_text(heads[i]->oid);  // the peeled tag wins
    } else if (out.count(name) == 0) {
      out[name] = merge_oid_text(heads[i]->oid);
    }
  }
  git_remote_disconnect(remote.get());
  return out;
}

RepoState repo_state(const std::filesystem::path& worktree) {
  RepositoryPtr repo = open_merge_worktree(worktree);
  git_repository* r = repo.get();
  RepoState s;
  const char* wd = git_repository_workdir(r);
  if (wd == nullptr) throw Error(ErrorKind::usage, worktree.string() + " is a bare repository");
  s.worktree = std::filesystem::path(wd).lexically_normal();
  if (!s.worktree.has_filename()) s.worktree = s.worktree.parent_path();
  s.git_dir = std::filesystem::path(git_repository_path(r)).lexically_normal();
  if (!s.git_dir.has_filename()) s.git_dir = s.git_dir.parent_path();
  s.busy = git_repository_state(r) != GIT_REPOSITORY_STATE_NONE;
  git_reference* head = nullptr;
  check(git_reference_lookup(&head, r, "HEAD"), "cannot read HEAD");
  ReferencePtr head_owner(head);
  if (const char* target = git_reference_symbolic_target(head)) s.branch = target;
  git_oid id;
  if (git_reference_name_to_id(&id, r, "HEAD") == 0) s.head = merge_oid_text(id);
  return s;
}

std::vector<std::string> dirty_files(const std::filesystem::path& worktree) {
  RepositoryPtr repo = open_merge_worktree(worktree);
  git_status_options so;
  check(git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION), "libgit2");
  so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* sl = nullptr;
  check(git_status_list_new(&sl, repo.get(), &so), "cannot compute the status of " + worktree.string());
  StatusListPtr owner(sl);
  std::vector<std::string> out;
  for (size_t i = 0; i < git_status_list_entrycount(sl); ++i) {
    const git_status_entry* e = git_status_byindex(sl, i);
    if (e->status == GIT_STATUS_CURRENT || (e->status & (GIT_STATUS_WT_NEW | GIT_STATUS_IGNORED)) == e->status) continue;
    const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
    if (d) out.emplace_back(d->new_file.path ? d->new_file.path : d->old_file.path);
  }
  return out;
}

std::string store_file(const std::filesystem::path& worktree, const std::string& path) {
  RepositoryPtr repo = open_merge_worktree(worktree);
  git_oid id;
  check(git_blob_create_from_disk(&id, repo.get(), (worktree / path).c_str()), "cannot save " + path);
  return merge_oid_text(id);
}

std::string read_blob(const std::filesystem::path& worktree, const std::string& id) {
  RepositoryPtr repo = open_merge_worktree(worktree);
  git_oid oid;
  check(git_oid_fromstr(&oid, id.c_str()), "invalid object id '" + id + "'");
  git_blob* b = nullptr;
  check(git_blob_lookup(&b, repo.get(), &oid), "cannot read the saved copy " + id);
  BlobPtr blob(b);
  return std::string(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b)));
}

void stage(const std::filesystem::path& worktree, const std::vector<std::string>& add, const std::vector<std::string>& remove) {
  RepositoryPtr repo = open_merge_worktree(worktree);
  git_index* idx = nullptr;
  check(git_repository_index(&idx, repo.get()), "cannot open the index");
  IndexPtr index(idx);
  for (const auto& p : remove) {
    const int rc = git_index_remove_bypath(idx, p.c_str());
    if (rc < 0 && rc != GIT_ENOTFOUND) check(rc, "cannot unstage " + p);
  }
  for (const auto& p : add) check(git_index_add_bypath(idx, p.c_str()), "cannot stage " + p);
  check(git_index_write(idx), "cannot write the index");
}

std::string commit_index(const std::filesystem::path& worktree, const std::string& message, const std::string& expected_head) {
  RepositoryPtr repo = open_merge_worktree(worktree);
  git_repository* r = repo.get();
  git_reference* head_ref = nullptr;
  check(git_reference_lookup(&head_ref, r, "HEAD"), "cannot read HEAD");
  ReferencePtr head(head_ref);
  const char* branch = git_reference_symbolic_target(head_ref);
  if (branch == nullptr) throw Error(ErrorKind::conflict, "HEAD is detached; not committing", "check out a branch first");
  const std::string branch_name = branch;
  git_index* idx = nullptr;
  check(git_repository_index(&idx, r), "cannot open the index");
  IndexPtr index(idx);
  git_oid tree_id;
  check(git_index_write_tree(&tree_id, idx), "cannot write the tree");
  git_tree* t = nullptr;
  check(git_tree_lookup(&t, r, &tree_id), "cannot read the tree just written");
  TreePtr tree(t);
  CommitPtr parent;
  git_oid parent_id;
  if (!expected_head.empty()) {
    check(git_oid_fromstr(&parent_id, expected_head.c_str()), "invalid commit id");
    git_commit* pc = nullptr;
    check(git_commit_lookup(&pc, r, &parent_id), "cannot read HEAD commit");
    parent.reset(pc);
  }
  const Identity who = commit_identity(worktree);
  git_signature* sig = nullptr;
  check(git_signature_now(&sig, who.name.c_str(), who.email.c_str()), "invalid git identity");
  SignaturePtr sig_owner(sig);
  git_oid id;
  const git_commit* parents[1] = {parent.get()};
  check(git_commit_create(&id, r, nullptr, sig, sig, "UTF-8", message.c_str(), tree.get(), parent ? 1 : 0, parents),
        "cannot create commit");
  git_reference* moved = nullptr;
  const std::string log_msg = "commit: " + message.substr(0, message.find('\n'));
  check(git_reference_create_matching(&moved, r, branch_name.c_str(), &id, 1, parent ? &parent_id : nullptr, log_msg.c_str()),
        "cannot move " + branch_name + " (it changed meanwhile)");
  ReferencePtr moved_owner(moved);
  return merge_oid_text(id);
}

void reset_branch(const std::filesystem::path& worktree, const std::string& branch, const std::string& id) {
  RepositoryPtr repo = open_merge_worktree(worktree);
  git_oid want;
  check(git_oid_fromstr(&want, id.c_str()), "invalid commit id '" + id + "'");
  git_oid now;
  if (git_reference_name_to_id(&now, repo.get(), branch.c_str()) == 0 && git_oid_equal(&now, &want) != 0) return;
  git_reference* ref = nullptr;
  check(git_reference_create(&ref, repo.get(), branch.c_str(), &want, 1, "mlops update --abort"), "cannot reset " + branch);
  ReferencePtr owner(ref);
}

}  // namespace mlops::git
