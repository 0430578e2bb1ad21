// SPDX-License-Identifier: MIT
#include "exp/record_check.hpp"

#include "core/json.hpp"
#include "exp/record.hpp"
#include "exp/ulid.hpp"

#include <mlops/error.hpp>

#include <algorithm>

namespace mlops::exp {

using namespace mlops::git;

namespace {

// A SAX consumer that builds nothing and stops past the depth limit: nlohmann's parser is
// iterative, but copying, comparing and printing a document recurse once per level.
struct DepthCheck {
  std::size_t depth = 0;
  bool too_deep = false;

  bool enter() {
    if (++depth > k_max_json_depth) {
      too_deep = true;
      return false;
    }
    return true;
  }
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(nlohmann::json::number_integer_t) { return true; }
  bool number_unsigned(nlohmann::json::number_unsigned_t) { return true; }
  bool number_float(nlohmann::json::number_float_t, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(nlohmann::json::binary_t&) { return true; }
  bool start_object(std::size_t) { return enter(); }
  bool key(std::string&) { return true; }
  bool end_object() {
    --depth;
    return true;
  }
  bool start_array(std::size_t) { return enter(); }
  bool end_array() {
    --depth;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }
};

// The same, also keeping the top-level fields a listing needs.
struct HeadReader : DepthCheck {
  RecordHead* head = nullptr;
  std::string current;  // the top-level key whose value comes next
  bool top_is_object = false;

  bool number_integer(nlohmann::json::number_integer_t v) {
    if (depth == 1 && current == "schema") head->schema = v;
    return true;
  }
  bool number_unsigned(nlohmann::json::number_unsigned_t v) {
    if (depth == 1 && current == "schema") head->schema = v > 1000 ? 1000 : static_cast<std::int64_t>(v);
    return true;
  }
  bool string(std::string& v) {
    if (depth == 1) {
      if (current == "id") head->id = std::move(v);
      else if (current == "name") head->name = std::move(v);
      else if (current == "status") head->status = std::move(v);
      else if (current == "baseline") head->baseline = std::move(v);
    }
    return true;
  }
  bool start_object(std::size_t n) {
    if (depth == 0) top_is_object = true;
    return DepthCheck::start_object(n);
  }
  bool key(std::string& k) {
    if (depth == 1) current = std::move(k);
    return true;
  }
};

bool is_hex40(std::string_view s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string size_text(std::uint64_t n) {
  if (n >= (1ULL << 20)) return std::to_string(n >> 20) + " MiB";
  if (n >= (1ULL << 10)) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}

struct OdbHandle {
  OdbPtr odb;
  explicit OdbHandle(Repo& r) {
    git_odb* raw = nullptr;
    check(git_repository_odb(&raw, r.get()), "cannot open the object database");
    odb.reset(raw);
  }
};

}  // namespace

bool read_record_head(std::string_view text, RecordHead& head) {
  HeadReader h;
  h.head = &head;
  const bool ok = nlohmann::json::sax_parse(text, &h);
  head.too_deep = h.too_deep;
  return ok && h.top_is_object;
}

bool json_within_limits(std::string_view text) {
  DepthCheck d;
  return nlohmann::json::sax_parse(text, &d);
}

std::string json_problem(std::string_view text) {
  DepthCheck d;
  if (nlohmann::json::sax_parse(text, &d)) return "";
  return d.too_deep ? "nested deeper than " + std::to_string(k_max_json_depth) + " levels" : "not valid JSON";
}

std::string head_problem(const RecordHead& h, std::string_view ref_id) {
  if (h.schema != k_run_schema) return "run.json schema " + std::to_string(h.schema) + " is not one this mlops reads";
  if (h.id != ref_id) return "its run.json is run '" + printable(h.id.substr(0, 64)) + "', not the ref's";
  if (h.status != "running" && h.status != "completed" && h.status != "failed" && h.status != "interrupted" && h.status != "timeout") {
    return "unknown status '" + printable(h.status.substr(0, 64)) + "'";
  }
  if (!h.baseline.empty() && !is_hex40(h.baseline)) return "its baseline is not a commit id";
  return "";
}

std::string object_kind(git_object_t type) {
  switch (type) {
    case GIT_OBJECT_BLOB: return "a blob";
    case GIT_OBJECT_TREE: return "a tree";
    case GIT_OBJECT_TAG: return "a tag";
    case GIT_OBJECT_COMMIT: return "a commit";
    default: return "an object of an unknown type";
  }
}

std::optional<ObjectHeader> object_header(git_odb* odb, const git_oid& id) {
  ObjectHeader h;
  if (git_odb_read_header(&h.size, &h.type, odb, &id) != 0) return std::nullopt;
  return h;
}

std::optional<std::string> read_record_file(Repo& r, git_tree* tree, const char* name, std::uint64_t limit, const std::string& where) {
  const git_tree_entry* e = git_tree_entry_byname(tree, name);
  if (e == nullptr) return std::nullopt;
  if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) throw Error(ErrorKind::invalid_input, where + ": " + name + " is not a file");
  OdbHandle odb(r);
  const auto h = object_header(odb.odb.get(), *git_tree_entry_id(e));
  if (!h) throw Error(ErrorKind::invalid_input, where + ": " + name + " is missing from the repository");
  if (h->size > limit) {
    throw Error(ErrorKind::invalid_input,
                where + ": " + name + " is " + size_text(h->size) + ", more than a run record holds (" + size_text(limit) + ")");
  }
  git_blob* b = nullptr;
  check(git_blob_lookup(&b, r.get(), git_tree_entry_id(e)), where + ": cannot read " + name);
  BlobPtr owner(b);
  return std::string(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<std::size_t>(git_blob_rawsize(b)));
}

std::string check_run_commit(Repo& r, const std::string& commit, const std::string& ref_id) {
  if (!is_ulid(ref_id)) return "its name is not a run id";
  if (!is_hex40(commit)) return "it does not hold an object id";
  const git_oid oid = parse_oid(commit);
  OdbHandle odb(r);
  const auto h = object_header(odb.odb.get(), oid);
  if (!h) return "its object " + commit + " is missing";
  if (h->type != GIT_OBJECT_COMMIT) return "it points at " + object_kind(h->type) + ", not a run commit";
  if (h->size > k_max_commit_bytes) return "its commit is " + size_text(h->size);
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, r.get(), &oid) != 0) return "its commit cannot be read";
  CommitPtr owner(c);
  const std::string_view message = git_commit_message(c) ? git_commit_message(c) : "";
  const std::string trailer = std::string("\n") + k_summary_trailer;
  if (const size_t at = message.rfind(trailer); at != std::string_view::npos) {
    const size_t b = at + trailer.size();
    const size_t e = message.find('\n', b);
    const std::string_view summary = message.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
    RecordHead head;
    if (!read_record_head(summary, head)) {
      return std::string("its Mlops-Run summary is ") + (head.too_deep ? "nested too deep" : "not a JSON object");
    }
    if (auto p = head_problem(head, ref_id); !p.empty()) return p;
  }
  git_tree* t = nullptr;
  if (git_commit_tree(&t, c) != 0) return "its tree cannot be read";
  TreePtr tree(t);
  try {
    const auto run = read_record_file(r, t, "run.json", k_max_run_json_bytes, "run commit " + commit);
    if (!run) return "it has no run.json";
    RecordHead head;
    if (!read_record_head(*run, head)) return std::string("its run.json is ") + (head.too_deep ? "nested too deep" : "not a JSON object");
    if (auto p = head_problem(head, ref_id); !p.empty()) return p;
    for (const char* name : {"params.json", "metrics.json", "artifacts.json", "importances.json"}) {
      const auto text = read_record_file(r, t, name, k_max_values_bytes, "run commit " + commit);
      if (!text) continue;
      if (auto p = json_problem(*text); !p.empty()) return std::string("its ") + name + " is " + p;
    }
    if (const git_tree_entry* logs = git_tree_entry_byname(t, "logs")) {
      if (git_tree_entry_type(logs) != GIT_OBJECT_TREE) return "its logs are not a directory";
      git_tree* lt = nullptr;
      if (git_tree_lookup(&lt, r.get(), git_tree_entry_id(logs)) != 0) return "its logs cannot be read";
      TreePtr logs_tree(lt);
      for (const char* name : {"stdout", "stderr"}) {
        const git_tree_entry* e = git_tree_entry_byname(lt, name);
        if (e == nullptr) continue;
        const auto lh = object_header(odb.odb.get(), *git_tree_entry_id(e));
        if (!lh || lh->type != GIT_OBJECT_BLOB) return std::string("its logs/") + name + " is not a file";
        if (lh->size > k_max_log_bytes) return std::string("its logs/") + name + " is " + size_text(lh->size);
      }
    }
    const nlohmann::json rj = nlohmann::json::parse(*run);
    const auto s = rj.find("snapshot");
    if (s == rj.end() || !s->is_string() || !is_hex40(s->get_ref<const std::string&>())) return "its snapshot is not a commit id";
    const std::string& snapshot = s->get_ref<const std::string&>();
    const git_oid sid = parse_oid(snapshot);
    if (git_odb_exists(odb.odb.get(), &sid) != 1) return "its snapshot " + snapshot.substr(0, 12) + " is missing";
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    const std::string what = e.what();
    const std::string prefix = "run commit " + commit + ": ";
    return what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
  } catch (const nlohmann::json::exception&) {
    return "its run.json is not valid JSON";
  }
  return "";
}

std::string printable(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  auto escape = [&](unsigned char c) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else out.append("\\x").append(1, hex[c >> 4]).append(1, hex[c & 15]);
  };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      const bool c1_control = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0;
      if (n > 1 && i + n <= s.size() && !c1_control && is_valid_utf8(s.substr(i, n))) {
        // Characters that reorder or break a line on a terminal (bidi controls, line and
        // paragraph separators, BOM) are escaped like controls: \uXXXX.
        const unsigned cp = n == 2   ? ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu)
                            : n == 3 ? ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                                           (static_cast<unsigned char>(s[i + 2]) & 0x3Fu)
                                     : 0;
        if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
            cp == 0xFEFF) {
          out.append("\\u")
              .append(1, hex[(cp >> 12) & 15])
              .append(1, hex[(cp >> 8) & 15])
              .append(1, hex[(cp >> 4) & 15])
              .append(1, hex[cp & 15]);
        } else {
          out.append(s.substr(i, n));
        }
        i += n;
        continue;
      }
    }
    escape(c);  // C0, DEL, C1 controls (byte by byte) and bytes that are not UTF-8
    ++i;
  }
  return out;
}

}  // namespace mlops::exp
