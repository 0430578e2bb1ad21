// SPDX-License-Identifier: MIT
// Project scaffolding: templates with typed questions, rendered with Mustache into a new
// project directory that appears atomically. docs/formats.md describes the manifest and the
// answers file.
#pragma once

#include <mlops/api.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mlops::scaffold {

enum class QuestionType { string, integer, boolean, choice, multichoice };
MLOPS_API const char* to_string(QuestionType t) noexcept;

struct Choice {
  std::string value;
  std::string label;  // shown when prompting; the value when not given
};

struct Question {
  std::string name;
  QuestionType type = QuestionType::string;
  std::string prompt;  // short question text; the name when not given
  std::string help;
  bool has_default = false;
  std::vector<std::string> default_values;  // Mustache; one element except for multichoice
  std::vector<Choice> choices;
  std::string regex;  // whole-value match (ECMAScript)
  std::string regex_message;
  std::optional<std::int64_t> min, max;
  std::string when;  // "" = always; a name, "!name", or a Mustache string tested for truthiness
  bool secret = false;
  int line = 0;  // in the manifest, for error messages
};

struct Hook {
  std::vector<std::string> argv;  // run without a shell, in the new project directory
};
// A hook as a user would type it: the command of a string hook ("/bin/sh -c CMD"), else
// the argv with shell quoting where needed. Raw: pass it through printable() to show it.
MLOPS_API std::string describe(const Hook& h);

struct Manifest {
  int schema = 1;
  std::string name;
  std::string version;
  std::string summary;
  std::string description;
  std::string open_delimiter = "{{";
  std::string close_delimiter = "}}";
  std::string files_dir = "files";
  std::vector<std::string> copy_without_render;
  std::vector<std::string> exclude;
  std::vector<Question> questions;
  std::string message_after;
  std::vector<Hook> pre_generate;
  std::vector<Hook> post_generate;
};

// Parses a template manifest; Error{invalid_input} "<origin>:<line>: <problem>".
MLOPS_API Manifest parse_manifest(const std::string& yaml, const std::string& origin);

struct TemplateFile {
  enum class Kind { file, symlink };
  std::string path;  // relative to the files directory, '/'-separated, unrendered
  Kind kind = Kind::file;
  bool executable = false;
  std::string content;  // bytes, or the link target
};

struct TemplateOrigin {
  enum class Kind { builtin, path, git };
  Kind kind = Kind::builtin;
  std::string spec;      // what the user gave, credentials stripped
  std::string location;  // builtin name, absolute path or URL without credentials
  std::string ref;       // git ref asked for
  std::string commit;    // git commit it resolved to
};
MLOPS_API const char* to_string(TemplateOrigin::Kind k) noexcept;

struct Template {
  Manifest manifest;
  TemplateOrigin origin;
  std::vector<TemplateFile> files;  // sorted by path
};

// `s` safe to show on a terminal: control characters, DEL and the Unicode direction marks
// and overrides (which make text read differently from what runs) become escapes (\x1b,
// \u202e). With `multiline`, newlines and tabs stay.
MLOPS_API std::string printable(std::string_view s, bool multiline = false);

// NAME of a built-in template, a local directory (anything with a '/' or that exists), or a
// git URL with an optional @REF: https://host/repo.git@v1, git@host:org/repo@main, file:///x.
// An @REF cannot hold '/' (the '@' could be part of a path); `ref` can: a non-empty `ref`
// (branch, tag or commit, e.g. "release/2.0") is fetched from the git URL `spec` as given.
MLOPS_API Template load_template(const std::string& spec, const std::string& ref = {});

struct TemplateSummary {
  std::string name;
  std::string version;
  std::string summary;
  std::string location;  // "builtin" or a directory
};
// Built-in templates, then those in $MLOPS_TEMPLATES_DIR (default $XDG_DATA_HOME/mlops/templates).
MLOPS_API std::vector<TemplateSummary> list_templates();

// ---- answers ----

using Value = std::variant<std::string, std::int64_t, bool, std::vector<std::string>>;
MLOPS_API std::string to_display(const Value& v);

struct MLOPS_API Answers {
  std::vector<std::pair<std::string, Value>> values;  // in question order; asked or defaulted
  std::vector<std::string> secrets;                   // names whose values are never written
  std::vector<std::string> skipped;                   // names whose `when` was false (default used)
  const Value* find(const std::string& name) const;
};

// Values that every template can use without asking.
struct Builtins {
  std::string dir_name;
  std::string year;
  std::string git_user_name;
  std::string git_user_email;
};
MLOPS_API Builtins make_builtins(const std::filesystem::path& target);

// Interactive input; the CLI implements it on a TTY. The library validates and asks again.
class MLOPS_API Prompter {
 public:
  virtual ~Prompter() = default;
  // Returns what the user typed ("" keeps the default). `problem` is non-empty when the
  // previous answer was rejected and says why.
  virtual std::string ask(const Question& q, const std::string& default_text, const std::string& problem) = 0;
};

struct AnswerSources {
  // Raw answers, lists for multichoice. `set` (from --set) wins over `file` (--answers); an
  // unknown name in `set` is an error, in `file` only a warning (templates change).
  std::map<std::string, std::vector<std::string>> set;
  std::map<std::string, std::vector<std::string>> file;
  bool use_defaults = false;     // never ask when a default exists
  Prompter* prompter = nullptr;  // nullptr: no TTY, never ask
};

// What an answers file (.mlops/answers.yaml) records about the template it came from.
struct RecordedTemplate {
  std::string name;
  std::string version;
  TemplateOrigin origin;  // kind, location, ref, commit
};

struct AnswersFile {
  std::map<std::string, std::vector<std::string>> answers;
  std::optional<RecordedTemplate> recorded;  // none for a plain mapping of answers
};
// Reads an answers file: a YAML mapping of answers, or an .mlops/answers.yaml (`answers:`
// and `template:`). Error{invalid_input} naming the file and line.
MLOPS_API AnswersFile load_answers_file(const std::filesystem::path& path);

// The template an answers file records: the built-in of that name, the directory, or the
// git URL at the recorded commit (else its ref; `ref`, when given, instead). A template
// whose name or version differs from the record is used with a warning (logged).
MLOPS_API Template load_recorded_template(const RecordedTemplate& recorded, const std::string& ref = {});

// Parses "KEY=VALUE" (VALUE may be a comma list for multichoice); Error{usage} when malformed.
MLOPS_API std::pair<std::string, std::string> parse_assignment(const std::string& text);
// load_answers_file(path).answers.
MLOPS_API std::map<std::string, std::vector<std::string>> read_answers_file(const std::filesystem::path& path);

// Resolves every question in order: given answer, else prompt, else default. Without a
// prompter, all unanswerable questions are reported together in one Error{usage}.
MLOPS_API Answers resolve_answers(const Template& tpl, const Builtins& builtins, const AnswerSources& sources);

// ---- generation ----

struct GenerateOptions {
  std::filesystem::path target;
  bool force = false;   // allow a non-empty target; files the template writes are replaced
  bool git = true;      // git init (or the enclosing repository) and a commit
  bool trust = false;   // run the template's hooks
  bool durable = true;  // sync to disk before publishing (false: a scratch render, deleted after)
};

struct GenerateResult {
  std::filesystem::path target;
  std::vector<std::string> files;        // written, relative to target
  std::vector<std::string> overwritten;  // subset of files that replaced existing ones (--force)
  // --force over an earlier project: files its recorded answers produce and these do not,
  // left in place (mlops never deletes a user's file).
  std::vector<std::string> left;
  std::vector<std::string> hooks_skipped;
  std::string git_commit;                  // empty without git, or when nothing changed
  bool git_unchanged = false;              // enclosing repository: it already had the files as generated
  std::string git_hooks_commit;            // new repository: the second commit, with the post_generate hooks' changes
  std::vector<std::string> hooks_changed;  // enclosing repository: what the post_generate hooks changed, not committed
  std::string git_mode;                    // "new", "enclosing", "none"
  std::string git_author;
  bool git_identity_fallback = false;
  std::string message_after;  // rendered
};

// The checks generate() makes on the target before writing anything, for callers that want
// to fail before asking questions: Error{conflict} when it exists and is not an empty
// directory (a directory holding only .git counts as empty) unless `force`.
MLOPS_API void check_target(const std::filesystem::path& target, bool force);

MLOPS_API GenerateResult generate(const Template& tpl, const Answers& answers, const Builtins& builtins, const GenerateOptions& options);

// Where generate() records the template and answers, relative to the project.
inline constexpr const char* k_answers_file = ".mlops/answers.yaml";

// ---- update: a generated project brought to another template version ----
// base = the recorded version rendered with the recorded answers, theirs = the new version
// with the answers (new questions asked or defaulted), ours = the project; each file merged
// with git's 3-way merge (docs/architecture.md, "Updating a project").

enum class ConflictStyle { inline_markers, rej };

struct UpdateOptions {
  std::filesystem::path project = ".";                  // holds .mlops/answers.yaml
  std::string to;                                       // tag, branch, commit or (built-in) version; "" = the latest
  std::map<std::string, std::vector<std::string>> set;  // --set, wins over the recorded answers
  bool use_defaults = false;
  Prompter* prompter = nullptr;
  ConflictStyle conflict = ConflictStyle::inline_markers;
  bool dry_run = false;
  bool trust = false;  // run the template's hooks when rendering both versions
};

struct TemplateVersion {
  std::string version;  // the manifest's version
  std::string ref;      // git: the tag or ref
  std::string commit;   // git, and a local directory that is a git repository
};

struct UpdateResult {
  std::filesystem::path project;
  std::string name;  // the template's
  TemplateOrigin::Kind source = TemplateOrigin::Kind::builtin;
  std::string location;
  TemplateVersion from, to;
  bool up_to_date = false;  // same version and answers: nothing to do
  std::vector<std::string> updated, added, removed;
  std::vector<std::pair<std::string, std::string>> renamed;
  std::vector<std::string> conflicts;     // inline markers, or PATH.rej beside the file
  std::vector<std::string> rejects;       // the .rej files written
  std::vector<std::string> unreachable;   // conflicts behind a symlink or at a directory of yours: nothing written
  std::vector<std::string> kept_deleted;  // you deleted them; they stay deleted
  std::vector<std::string> kept_changed;  // the template removed them; you had changed them
  std::vector<std::string> hooks_skipped;
  std::vector<std::string> new_questions;  // answered now
  Answers answers;
  std::string commit;  // "" with conflicts or --dry-run
  std::string diff;    // --dry-run: what would change, as a unified diff
};
MLOPS_API UpdateResult update_project(const UpdateOptions& options);

// Puts back the tree, index and HEAD as they were before an update that stopped on
// conflicts (or was killed). Returns the files restored.
MLOPS_API std::vector<std::string> abort_update(const std::filesystem::path& project);

struct UpdateCheck {
  std::string name;
  TemplateOrigin::Kind source = TemplateOrigin::Kind::builtin;
  std::string location;
  TemplateVersion current, latest;
  bool newer = false;
};
MLOPS_API UpdateCheck check_update(const std::filesystem::path& project);

struct AdoptOptions {
  std::filesystem::path project = ".";
  std::string template_spec;  // as for init
  std::string to;             // ref or built-in version
  std::map<std::string, std::vector<std::string>> set;
  bool use_defaults = false;
  Prompter* prompter = nullptr;
};
struct AdoptResult {
  Template tpl;
  Answers answers;
  std::string commit;  // of the answers file; "" outside git
};
// Records a template and answers for a project mlops did not make (or whose answers file was
// lost), changing no other file: the next update merges from that version.
MLOPS_API AdoptResult adopt_template(const AdoptOptions& options);

}  // namespace mlops::scaffold
