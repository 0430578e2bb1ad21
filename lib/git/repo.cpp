// SPDX-License-Identifier: MIT
#include "git/repo.hpp"

#include "core/url.hpp"
#include "git/libgit2.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include "core/log.hpp"

#include <unistd.h>
#include <climits>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>

namespace mlops::git {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string config_string(git_config* cfg, const char* key) {
  Buf buf;
  if (git_config_get_string_buf(&buf.buf, cfg, key) < 0) return {};
  return buf.str();
}

RepositoryPtr open_repo(const std::filesystem::path& dir, unsigned flags = GIT_REPOSITORY_OPEN_NO_SEARCH) {
  git_repository* repo = nullptr;
  check(git_repository_open_ext(&repo, dir.c_str(), flags, nullptr), "cannot open git repository " + dir.string());
  return RepositoryPtr(repo);
}

SignaturePtr signature(const Identity& who) {
  git_signature* sig = nullptr;
  check(git_signature_now(&sig, who.name.c_str(), who.email.c_str()), "invalid git identity");
  return SignaturePtr(sig);
}

std::string oid_str(const git_oid& id) { return git_oid_tostr_s(&id); }

git_oid commit_tree(git_repository* repo, const git_oid& tree_id, const char* update_ref, const Identity& who, const std::string& message,
                    git_commit* parent) {
  git_tree* tree = nullptr;
  check(git_tree_lookup(&tree, repo, &tree_id), "cannot read the tree just written");
  TreePtr tree_owner(tree);
  auto sig = signature(who);
  git_oid id;
  const git_commit* parents[1] = {parent};
  check(git_commit_create(&id, repo, update_ref, sig.get(), sig.get(), "UTF-8", message.c_str(), tree, parent ? 1 : 0, parents),
        "cannot create commit");
  return id;
}

int on_transfer(const git_indexer_progress*, void*) { return interrupted() ? -1 : 0; }

int on_credentials(git_credential** out, const char*, const char* username_from_url, unsigned int allowed, void*) {
  // ssh: use the agent, as git does by default. https credentials come from the URL itself.
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0 && username_from_url != nullptr) {
    return git_credential_ssh_key_from_agent(out, username_from_url);
  }
  return GIT_PASSTHROUGH;
}

// A tree from a remote is hostile: libgit2 parses entry names without checking them (git
// fsck would refuse these), and recursion follows the tree's own depth.
void read_tree(git_repository* repo, git_tree* tree, const std::string& prefix, std::vector<TreeFile>& out) {
  const size_t n = git_tree_entrycount(tree);
  std::set<std::string> names;
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    const std::string name = git_tree_entry_name(e);
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name.empty() || name == "." || name == ".." || lower == ".git" || name.find('/') != std::string::npos) {
      throw Error(ErrorKind::invalid_input, "the repository's tree holds an invalid name '" + prefix + name + "'");
    }
    if (!names.insert(name).second) throw Error(ErrorKind::invalid_input, "the repository's tree lists '" + prefix + name + "' twice");
    const std::string path = prefix + name;
    if (path.size() >= PATH_MAX)
      throw Error(ErrorKind::invalid_input, "the repository's tree nests too deeply ('" + path.substr(0, 100) + "...')");
    const git_filemode_t mode = git_tree_entry_filemode(e);
    if (mode == GIT_FILEMODE_TREE) {
      git_tree* sub = nullptr;
      check(git_tree_lookup(&sub, repo, git_tree_entry_id(e)), "cannot read tree " + path);
      TreePtr owner(sub);
      read_tree(repo, sub, path + "/", out);
    } else if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK) {
      git_blob* blob = nullptr;
      check(git_blob_lookup(&blob, repo, git_tree_entry_id(e)), "cannot read blob " + path);
      BlobPtr owner(blob);
      TreeFile f;
      f.path = path;
      f.kind = mode == GIT_FILEMODE_LINK ? TreeFile::Kind::symlink : TreeFile::Kind::file;
      f.executable = mode == GIT_FILEMODE_BLOB_EXECUTABLE;
      f.content.assign(static_cast<const char*>(git_blob_rawcontent(blob)), static_cast<size_t>(git_blob_rawsize(blob)));
      out.push_back(std::move(f));
    }
    // submodules (GIT_FILEMODE_COMMIT) have no content here and are skipped
  }
}

}  // namespace

Identity configured_identity(const std::filesystem::path& repo_dir) {
  Identity id;
  id.name = env("GIT_AUTHOR_NAME");
  id.email = env("GIT_AUTHOR_EMAIL");
  if (id.name.empty() || id.email.empty()) {
    git_config* cfg = nullptr;
    RepositoryPtr repo;
    int rc = -1;
    if (!repo_dir.empty()) {
      git_repository* r = nullptr;
      if (git_repository_open_ext(&r, repo_dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) == 0) {
        repo.reset(r);
        rc = git_repository_config(&cfg, r);
      }
    }
    if (rc < 0) rc = git_config_open_default(&cfg);
    if (rc == 0) {
      ConfigPtr owner(cfg);
      if (id.name.empty()) id.name = config_string(cfg, "user.name");
      if (id.email.empty()) id.email = config_string(cfg, "user.email");
    }
  }
  id.configured = !id.name.empty() && !id.email.empty();
  return id;
}

Identity commit_identity(const std::filesystem::path& repo_dir) {
  Identity id = configured_identity(repo_dir);
  if (id.configured) return id;
  std::string user = env("USER");
  if (user.empty()) user = "mlops";
  char host[256] = "localhost";
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  if (id.name.empty()) id.name = user;
  if (id.email.empty()) id.email = user + "@" + host;
  return id;
}

std::optional<std::filesystem::path> enclosing_worktree(const std::filesystem::path& dir) {
  git_repository* r = nullptr;
  const int rc = git_repository_open_ext(&r, dir.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check(rc, "cannot open the git repository around " + dir.string());
  RepositoryPtr repo(r);
  const char* wd = git_repository_workdir(r);
  if (wd == nullptr) return std::nullopt;  // bare
  return std::filesystem::path(wd).lexically_normal();
}

Commit init_and_commit_all(const std::filesystem::path& dir, const std::string& message) {
  git_repository_init_options opts;
  check(git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION), "libgit2");
  opts.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
  git_repository* r = nullptr;
  check(git_repository_init_ext(&r, dir.c_str(), &opts), "cannot create git repository in " + dir.string());
  RepositoryPtr repo(r);

  git_index* idx = nullptr;
  check(git_repository_index(&idx, r), "cannot open the index");
  IndexPtr index(idx);
  char star[] = "*";
  char* specs[] = {star};
  git_strarray all = {specs, 1};
  check(git_index_add_all(idx, &all, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr), "cannot add files to the index");
  check(git_index_write(idx), "cannot write the index");
  git_oid tree_id;
  check(git_index_write_tree(&tree_id, idx), "cannot write tree");

  Commit c;
  c.author = commit_identity(dir);
  c.id = oid_str(commit_tree(r, tree_id, "HEAD", c.author, message, nullptr));
  return c;
}

std::optional<Commit> commit_all_changes(const std::filesystem::path& dir, const std::string& message) {
  RepositoryPtr repo = open_repo(dir);
  git_repository* r = repo.get();
  git_index* idx = nullptr;
  check(git_repository_index(&idx, r), "cannot open the index");
  IndexPtr index(idx);
  char star[] = "*";
  char* specs[] = {star};
  git_strarray all = {specs, 1};
  check(git_index_add_all(idx, &all, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr), "cannot add files to the index");
  check(git_index_update_all(idx, &all, nullptr, nullptr), "cannot stage removed files");
  check(git_index_write(idx), "cannot write the index");
  git_oid tree_id;
  check(git_index_write_tree(&tree_id, idx), "cannot write tree");

  CommitPtr parent;
  git_oid head_id;
  if (git_reference_name_to_id(&head_id, r, "HEAD") == 0) {
    git_commit* pc = nullptr;
    check(git_commit_lookup(&pc, r, &head_id), "cannot read HEAD commit");
    parent.reset(pc);
    if (git_oid_equal(&tree_id, git_commit_tree_id(pc)) != 0) return std::nullopt;
  }
  Commit c;
  c.author = commit_identity(dir);
  c.id = oid_str(commit_tree(r, tree_id, "HEAD", c.author, message, parent.get()));
  return c;
}

std::vector<std::string> uncommitted_changes(const std::filesystem::path& worktree, const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  if (paths.empty()) return out;
  RepositoryPtr repo = open_repo(worktree);
  std::vector<char*> specs;
  for (const auto& p : paths) specs.push_back(const_cast<char*>(p.c_str()));
  git_status_options so;
  check(git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION), "libgit2");
  so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  so.flags = GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  so.pathspec.strings = specs.data();
  so.pathspec.count = specs.size();
  git_status_list* sl = nullptr;
  check(git_status_list_new(&sl, repo.get(), &so), "cannot compute the working tree status of " + worktree.string());
  StatusListPtr owner(sl);
  constexpr unsigned changed = GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_DELETED | GIT_STATUS_INDEX_RENAMED |
                               GIT_STATUS_INDEX_TYPECHANGE | GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_DELETED | GIT_STATUS_WT_TYPECHANGE |
                               GIT_STATUS_WT_RENAMED;
  for (size_t i = 0; i < git_status_list_entrycount(sl); ++i) {
    const git_status_entry* e = git_status_byindex(sl, i);
    if ((e->status & changed) == 0) continue;
    const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
    if (d) out.emplace_back(d->new_file.path ? d->new_file.path : d->old_file.path);
  }
  return out;
}

std::optional<Commit> commit_paths(const std::filesystem::path& worktree, const std::vector<std::string>& paths,
                                   const std::string& message) {
  RepositoryPtr repo = open_repo(worktree);
  git_repository* r = repo.get();
  if (git_repository_state(r) != GIT_REPOSITORY_STATE_NONE) {
    log::warn("a merge, rebase or similar is in progress in {}; not committing", worktree.string());
    return std::nullopt;
  }
  git_reference* head_ref = nullptr;
  check(git_reference_lookup(&head_ref, r, "HEAD"), "cannot read HEAD");
  ReferencePtr head(head_ref);
  const char* branch = git_reference_symbolic_target(head_ref);
  if (branch == nullptr) {
    log::warn("HEAD is detached in {}; not committing", worktree.string());
    return std::nullopt;
  }

  git_index* mem = nullptr;
  check(git_index_new(&mem), "cannot create an in-memory index");
  IndexPtr index(mem);
  CommitPtr parent;
  git_oid parent_id;
  const bool unborn = git_repository_head_unborn(r) == 1;
  if (!unborn) {
    check(git_reference_name_to_id(&parent_id, r, branch), "cannot resolve " + std::string(branch));
    git_commit* pc = nullptr;
    check(git_commit_lookup(&pc, r, &parent_id), "cannot read HEAD commit");
    parent.reset(pc);
    git_tree* t = nullptr;
    check(git_commit_tree(&t, pc), "cannot read HEAD tree");
    TreePtr tree(t);
    check(git_index_read_tree(mem, t), "cannot load HEAD tree");
  }

  Commit c;
  std::vector<std::string> added;
  for (const auto& p : paths) {
    int ignored = 0;
    check(git_ignore_path_is_ignored(&ignored, r, p.c_str()), "cannot check ignore rules for " + p);
    if (ignored) {
      c.ignored.push_back(p);
      continue;
    }
    const std::filesystem::path abs = worktree / p;
    std::error_code ec;
    const auto st = std::filesystem::symlink_status(abs, ec);
    git_index_entry e{};
    git_oid blob_id;
    check(git_blob_create_from_disk(&blob_id, r, abs.c_str()), "cannot store " + p);
    e.id = blob_id;
    e.path = p.c_str();
    if (std::filesystem::is_symlink(st)) {
      e.mode = GIT_FILEMODE_LINK;
    } else {
      const bool exec = (st.permissions() & std::filesystem::perms::owner_exec) != std::filesystem::perms::none;
      e.mode = exec ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
    }
    check(git_index_add(mem, &e), "cannot stage " + p);
    added.push_back(p);
  }
  git_oid tree_id;
  check(git_index_write_tree_to(&tree_id, mem, r), "cannot write tree");

  c.author = commit_identity(worktree);
  if (parent && git_oid_equal(&tree_id, git_commit_tree_id(parent.get())) != 0) {
    c.unchanged = true;
    c.id = oid_str(parent_id);
    return c;
  }
  // Objects first; then the branch moves only if nobody moved it meanwhile.
  const git_oid new_id = commit_tree(r, tree_id, nullptr, c.author, message, parent.get());
  git_reference* moved = nullptr;
  const std::string log_msg = "commit: " + message.substr(0, message.find('\n'));
  if (unborn) {
    check(git_reference_create_matching(&moved, r, branch, &new_id, 0, nullptr, log_msg.c_str()),
          "cannot create branch " + std::string(branch));
  } else {
    check(git_reference_create_matching(&moved, r, branch, &new_id, 1, &parent_id, log_msg.c_str()),
          "cannot move " + std::string(branch) + " (it changed meanwhile)");
  }
  ReferencePtr moved_owner(moved);

  git_index* user_idx = nullptr;
  check(git_repository_index(&user_idx, r), "cannot open the index");
  IndexPtr user_index(user_idx);
  for (const auto& p : added) check(git_index_add_bypath(user_idx, p.c_str()), "cannot stage " + p);
  check(git_index_write(user_idx), "cannot write the index");
  c.id = oid_str(new_id);
  return c;
}

namespace {

// What fetch_tree asks the remote for: the ref that names `ref`, or (for a commit id, which
// servers do not hand out by itself) every branch and tag.
struct Wanted {
  std::vector<std::string> refspecs;
  std::optional<git_oid> oid;  // the advertised object, when `ref` names a ref
};

bool looks_like_commit_id(const std::string& s) {
  return s.size() >= 4 && s.size() <= GIT_OID_HEXSZ && s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

Wanted choose(const git_remote_head* const* heads, size_t n, const std::string& ref) {
  // git's order for a short name: a tag before a branch.
  std::vector<std::string> candidates;
  if (ref.empty()) {
    candidates = {"HEAD"};
  } else if (ref.rfind("refs/", 0) == 0 || ref == "HEAD") {
    candidates = {ref};
  } else {
    candidates = {"refs/tags/" + ref, "refs/heads/" + ref};
  }
  for (const auto& c : candidates) {
    for (size_t i = 0; i < n; ++i) {
      if (c == heads[i]->name) return {{c}, heads[i]->oid};
    }
  }
  return {{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"}, std::nullopt};
}

}  // namespace

FetchedTree fetch_tree(const std::string& url, const std::string& ref, const std::filesystem::path& work_dir) {
  // A bare repository and an anonymous remote: the URL, which may hold a password, is never
  // written to a config file, FETCH_HEAD or a reflog (only objects are downloaded; no ref
  // is updated), so nothing in `work_dir` has it even if this process is killed.
  git_repository_init_options init;
  check(git_repository_init_options_init(&init, GIT_REPOSITORY_INIT_OPTIONS_VERSION), "libgit2");
  init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
  git_repository* r = nullptr;
  check(git_repository_init_ext(&r, (work_dir / "repo.git").c_str(), &init), "cannot create a temporary repository");
  RepositoryPtr repo(r);
  git_remote* raw_remote = nullptr;
  if (git_remote_create_anonymous(&raw_remote, r, url.c_str()) < 0) {
    throw Error(ErrorKind::usage, "'" + redact_url(url) + "' is not a git URL libgit2 can use");
  }
  RemotePtr remote(raw_remote);

  git_fetch_options opts;
  check(git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION), "libgit2");
  opts.callbacks.transfer_progress = on_transfer;
  opts.callbacks.credentials = on_credentials;
  opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;  // the refspecs say what to fetch
  opts.update_fetchhead = 0;
  auto remote_error = [&](int rc) {
    check_interrupted();
    try {
      check(rc, "cannot fetch " + redact_url(url));
    } catch (const Error& e) {
      // Anything that is not a local problem is the remote's: unreachable, refused, not a repo.
      // libgit2 reports a refused connection as an OS error, so only a file:// URL keeps `io`.
      const bool local = url.rfind("file://", 0) == 0;
      const std::string what = e.what();
      if (rc == GIT_EAUTH || what.find("authentication") != std::string::npos) {
        throw Error(RemoteFailure::auth, "authentication failed for " + redact_url(url),
                    "check the user name and password or token in the URL, or your ssh agent");
      }
      throw Error(e.kind() == ErrorKind::io && local ? ErrorKind::io : ErrorKind::remote, what,
                  "check the URL and that you can `git clone` it");
    }
  };
  if (const int rc = git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &opts.callbacks, &opts.proxy_opts, nullptr); rc < 0) {
    remote_error(rc);
  }
  const git_remote_head** heads = nullptr;
  size_t n = 0;
  check(git_remote_ls(&heads, &n, remote.get()), "cannot list the refs of " + redact_url(url));
  const Wanted wanted = choose(heads, n, ref);
  if (!wanted.oid && !looks_like_commit_id(ref)) {
    throw Error(ErrorKind::not_found,
                ref.empty() ? "the repository " + redact_url(url) + " has no HEAD (is it empty?)"
                            : "no ref or commit '" + ref + "' in " + redact_url(url),
                "give a branch, tag or commit that exists in the repository");
  }
  std::vector<char*> specs;
  for (const auto& spec : wanted.refspecs) specs.push_back(const_cast<char*>(spec.c_str()));
  const git_strarray refspecs{specs.data(), specs.size()};
  if (const int rc = git_remote_download(remote.get(), &refspecs, &opts); rc < 0) remote_error(rc);
  check_interrupted();
  git_remote_disconnect(remote.get());

  git_object* obj = nullptr;
  const int found = wanted.oid ? git_object_lookup(&obj, r, &*wanted.oid, GIT_OBJECT_ANY) : git_revparse_single(&obj, r, ref.c_str());
  if (found < 0) {
    throw Error(ErrorKind::not_found, "no ref or commit '" + ref + "' in " + redact_url(url),
                "give a branch, tag or commit that exists in the repository");
  }
  ObjectPtr target(obj);
  git_object* peeled = nullptr;
  check(git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT), "'" + ref + "' is not a commit");
  ObjectPtr commit_obj(peeled);
  git_tree* tree = nullptr;
  check(git_commit_tree(&tree, reinterpret_cast<git_commit*>(peeled)), "cannot read commit tree");
  TreePtr tree_owner(tree);

  FetchedTree out;
  out.commit = oid_str(*git_object_id(peeled));
  read_tree(r, tree, "", out.files);
  return out;
}

void set_remote_callbacks(git_remote_callbacks& cb) {
  cb.credentials = on_credentials;
  cb.transfer_progress = on_transfer;
}

Pathspec::Pathspec(const std::vector<std::string>& patterns) {
  if (patterns.empty()) return;
  std::vector<char*> ptrs;
  ptrs.reserve(patterns.size());
  for (const auto& p : patterns) ptrs.push_back(const_cast<char*>(p.c_str()));
  git_strarray arr = {ptrs.data(), ptrs.size()};
  check(git_pathspec_new(&m_spec, &arr), "invalid glob pattern");
}

Pathspec::~Pathspec() {
  if (m_spec != nullptr) git_pathspec_free(m_spec);
}

bool Pathspec::matches(const std::string& path) const {
  if (m_spec == nullptr) return false;
  return git_pathspec_matches_path(m_spec, 0, path.c_str()) == 1;
}

}  // namespace mlops::git
