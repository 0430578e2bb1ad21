// SPDX-License-Identifier: MIT
// File names in a template are Mustache templates themselves; whatever they render to, and
// whatever symlinks a template ships, generate() may only ever create things inside the new
// project, and on failure nothing at all.
//
// Input: up to 8 records separated by '\n' (file names cannot hold control characters):
//   [F|X|L]<path under files/>\t<content or link target>
// F = regular file, X = executable file, L = symlink; without the kind letter the record is
// a regular file. A first record of exactly "!force" pre-creates the target with a symlink
// pointing outside and generates into it with --force.
// The template asks a few questions (string, choice, multichoice, bool, secret; answers with
// "..", "/", "\x01" and "\n" in them); generate()
// runs with git off, in a directory on /dev/shm when possible (generate() syncs the
// filesystem), so an iteration takes well under a millisecond.
#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/scaffold.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace mlops;
using namespace mlops::scaffold;
namespace stdfs = std::filesystem;

namespace {

[[noreturn]] void violated(const std::string& what) {
  std::fprintf(stderr, "fuzz_template_paths: invariant violated: %s\n", what.c_str());
  std::abort();
}

Question question(const std::string& name, QuestionType type, std::initializer_list<const char*> choices = {}) {
  Question q;
  q.name = name;
  q.type = type;
  for (const char* c : choices) q.choices.push_back({c, c});
  return q;
}

struct Fixture {
  stdfs::path root;     // the only directory this process writes in
  stdfs::path parent;   // root/out: where the project is created
  stdfs::path target;   // root/out/proj
  stdfs::path outside;  // root/outside: must stay empty
  Template tpl;
  Answers answers;
  Builtins builtins{"proj", "2024", "Fuzz Er", "fuzz@example.com"};

  Fixture() {
    const char* base = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mlops-fuzz-paths-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    root = stdfs::canonical(tmpl);  // compared with resolved symlink targets below
    parent = root / "out";
    target = parent / "proj";
    outside = root / "outside";
    stdfs::create_directories(parent);
    stdfs::create_directories(outside);

    Manifest& m = tpl.manifest;
    m.name = "fuzz";
    m.version = "1";
    m.open_delimiter = "[[";
    m.close_delimiter = "]]";
    m.questions = {question("project_name", QuestionType::string),
                   question("up", QuestionType::string),
                   question("sub", QuestionType::string),
                   question("framework", QuestionType::choice, {"sklearn", "pytorch"}),
                   question("ci", QuestionType::multichoice, {"github", "gitlab"}),
                   question("notebooks", QuestionType::boolean),
                   question("ctl", QuestionType::string),
                   question("nl", QuestionType::string),
                   question("token", QuestionType::string)};
    m.questions.back().secret = true;
    tpl.origin = {TemplateOrigin::Kind::builtin, "fuzz", "fuzz", "", ""};
    answers.values = {{"project_name", Value(std::string("My Project"))},
                      {"up", Value(std::string(".."))},
                      {"sub", Value(std::string("a/b"))},
                      {"framework", Value(std::string("sklearn"))},
                      {"ci", Value(std::vector<std::string>{"github"})},
                      {"notebooks", Value(true)},
                      {"ctl", Value(std::string("a\x01b"))},  // the separator generate() marks '/' with
                      {"nl", Value(std::string("a\nb"))},
                      {"token", Value(std::string("s3cr3t"))}};
    answers.secrets = {"token"};
  }
  ~Fixture() {
    std::error_code ec;
    stdfs::remove_all(root, ec);
  }
};

bool under(const stdfs::path& base, const stdfs::path& p) {
  auto b = base.begin(), q = p.begin();
  for (; b != base.end(); ++b, ++q) {
    if (q == p.end() || *b != *q) return false;
  }
  return true;
}

// Follows the symlink at `link` the way the kernel does, one component at a time from where
// it is, with a missing name taken as a directory the user may create later. True when it
// stays inside `project` and never enters a .git directory. Independent of libmlops' own check.
bool resolves_inside(const stdfs::path& project, const stdfs::path& link) {
  std::vector<std::string> dir;  // where we are, relative to the project
  for (const auto& c : link.parent_path().lexically_relative(project)) {
    if (c != ".") dir.push_back(c.string());
  }
  std::deque<std::string> todo;
  auto push_target = [&](const stdfs::path& l) {
    std::error_code ec;
    const std::string t = stdfs::read_symlink(l, ec).string();
    if (ec || t.empty() || t[0] == '/') return false;
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t slash; (slash = t.find('/', start)) != std::string::npos; start = slash + 1)
      parts.push_back(t.substr(start, slash - start));
    parts.push_back(t.substr(start));
    todo.insert(todo.begin(), parts.begin(), parts.end());
    return true;
  };
  if (!push_target(link)) return false;
  int hops = 1;
  while (!todo.empty()) {
    const std::string c = todo.front();
    todo.pop_front();
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (dir.empty()) return false;
      dir.pop_back();
      continue;
    }
    std::string lower = c;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower == ".git") return false;
    stdfs::path here = project;
    for (const auto& d : dir) here /= d;
    here /= c;
    struct stat st {};
    if (::lstat(here.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      if (++hops > 40 || !push_target(here)) return false;
      continue;
    }
    if (::lstat(here.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) return true;  // a file: nothing below it
    dir.push_back(c);
  }
  return true;
}

// Everything in root must be root/out, root/outside (empty), or inside the project; inside
// the project there is exactly what generate() reported (and the parents of that), which
// also catches a staging directory left behind; no name holds a control character; every
// symlink the template put in the project resolves inside it (also where the user's link of
// !force leads outside: a template link must not go through it).
void check_tree(const Fixture& fx, const std::vector<std::string>* files, bool force) {
  std::set<stdfs::path> expected;
  if (files != nullptr || force) expected.insert(fx.target);
  if (force) expected.insert(fx.target / "escape");
  if (files != nullptr) {
    for (const auto& f : *files) {
      for (stdfs::path p = fx.target / f; p != fx.target; p = p.parent_path()) expected.insert(p);
    }
  }
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(fx.root, ec); it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) violated("cannot walk " + fx.root.string() + ": " + ec.message());
    const stdfs::path p = it->path();
    if (p == fx.parent || p == fx.outside) continue;
    if (!under(fx.target, p)) violated("created outside the project: " + p.string());
    if (expected.count(p) == 0) {
      violated(std::string(files != nullptr ? "not reported by generate(): " : "left by a failed generate(): ") + p.string());
    }
    const std::string name = p.filename().string();
    if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
      violated("a name with a control character: " + p.string());
    }
    if (it->is_symlink(ec) && !(force && p == fx.target / "escape") && !resolves_inside(fx.target, p)) {
      violated("symlink " + p.string() + " -> " + stdfs::read_symlink(p, ec).string() + " leads outside the project or into .git");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fx;
  const std::string input(reinterpret_cast<const char*>(data), size);

  fx.tpl.files.clear();
  bool force = false;
  size_t pos = 0;
  for (int n = 0; n < 8 && pos <= input.size(); ++n) {
    size_t nl = input.find('\n', pos);
    if (nl == std::string::npos) nl = input.size();
    std::string record = input.substr(pos, nl - pos);
    pos = nl + 1;
    if (n == 0 && record == "!force") {
      force = true;
      continue;
    }
    TemplateFile f;
    if (!record.empty() && (record[0] == 'F' || record[0] == 'X' || record[0] == 'L')) {
      f.kind = record[0] == 'L' ? TemplateFile::Kind::symlink : TemplateFile::Kind::file;
      f.executable = record[0] == 'X';
      record.erase(0, 1);
    }
    const size_t tab = record.find('\t');
    f.path = "files/" + record.substr(0, tab);
    f.content = tab == std::string::npos ? "[[project_name]]\n" : record.substr(tab + 1);
    fx.tpl.files.push_back(std::move(f));
  }
  std::sort(fx.tpl.files.begin(), fx.tpl.files.end(), [](const TemplateFile& a, const TemplateFile& b) { return a.path < b.path; });

  if (force) {
    stdfs::create_directories(fx.target);
    stdfs::create_directory_symlink(fx.outside, fx.target / "escape");
  }
  GenerateOptions options;
  options.target = fx.target;
  options.git = false;
  options.force = force;
  std::optional<GenerateResult> result;
  try {
    result = generate(fx.tpl, fx.answers, fx.builtins, options);
    for (const auto& f : result->files) {
      std::error_code ec;
      if (!stdfs::exists(stdfs::symlink_status(fx.target / f, ec))) violated("reported but not written: " + f);
    }
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::internal) {
      violated(std::string("unexpected error kind ") + to_string(e.kind()) + ": " + e.what());
    }
  }
  if (!stdfs::is_empty(fx.outside)) violated("wrote through the symlink into " + fx.outside.string());
  check_tree(fx, result ? &result->files : nullptr, force);

  std::error_code ec;
  stdfs::remove_all(fx.target, ec);
  if (ec) violated("cannot clean " + fx.target.string() + ": " + ec.message());
  return 0;
}
