// SPDX-License-Identifier: MIT
#include "package/roots.hpp"

#include "core/log.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace mlops::package {
namespace {

bool hex64(const std::string& s) { return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos; }

void add_hex(std::vector<std::string>& out, const std::string& hex) {
  if (hex64(hex)) out.push_back("sha256:" + hex);
}

// A run-cache entry: {"format":1,"outs":[{"path","sha256",...}]}.
void run_entry_roots(const stdfs::path& file, std::vector<std::string>& out) {
  std::string text;
  try {
    text = fs::read_regular_file(file, 16u << 20);
  } catch (const Error&) {
    return;
  }
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("outs") || !j["outs"].is_array()) return;
  for (const auto& o : j["outs"])
    if (o.is_object() && o.contains("sha256") && o["sha256"].is_string()) add_hex(out, o["sha256"].get<std::string>());
}

// A pin file: "mlops-pins 1", "project PATH", then one hex digest a line.
void pin_roots(const stdfs::path& file, std::vector<std::string>& out) {
  std::string text;
  try {
    text = fs::read_regular_file(file, 1u << 30);
  } catch (const Error&) {
    return;
  }
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) add_hex(out, line);
}

}  // namespace

std::string pin_project(const stdfs::path& pin_file) {
  // The first two lines only: a pin file lists every blob of its project (megabytes).
  std::ifstream in(pin_file, std::ios::binary);
  std::string line;
  for (int i = 0; i < 2 && std::getline(in, line); ++i)
    if (line.starts_with("project ")) return line.substr(8);
  return "";
}

std::vector<std::string> pipeline_roots(const Store& store, const std::set<stdfs::path>& skip) {
  std::vector<std::string> out;
  std::error_code ec;
  const stdfs::path runs = store.state_dir() / "runs";
  for (stdfs::recursive_directory_iterator it(runs, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) run_entry_roots(it->path(), out);
  ec.clear();
  for (stdfs::directory_iterator it(store.state_dir() / "pins", ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec) && !skip.count(it->path())) pin_roots(it->path(), out);
  return out;
}

std::set<std::string> live_blobs(const Store& store, std::vector<std::string> todo) {
  std::set<std::string> keep;
  while (!todo.empty()) {
    const std::string d = todo.back();
    todo.pop_back();
    if (!keep.insert(d).second) continue;
    if (!store.has_blob(d)) continue;
    // Manifests are small JSON; anything else is a leaf. A directory manifest of the pipeline
    // may be bigger (one entry a file): read up to 256 MiB.
    std::error_code ec;
    const auto size = stdfs::file_size(store.blob_path(d), ec);
    if (ec || size > (256u << 20)) continue;
    try {
      const auto j = nlohmann::json::parse(store.read_blob(d, 256u << 20), nullptr, false);
      if (!j.is_object()) continue;
      const std::string mt = j.value("mediaType", "");
      if (mt == media::manifest) {
        if (const auto c = j.find("config"); c != j.end()) todo.push_back(parse_descriptor(*c, d).digest);
        if (const auto l = j.find("layers"); l != j.end() && l->is_array())
          for (const auto& x : *l) todo.push_back(parse_descriptor(x, d).digest);
      } else if (mt == media::index) {
        for (const auto& m : j.value("manifests", nlohmann::json::array())) todo.push_back(parse_descriptor(m, d).digest);
      } else if (mt == k_pipeline_dir_media_type && j.contains("entries") && j["entries"].is_array()) {
        for (const auto& e : j["entries"])
          if (e.is_object() && e.contains("sha256") && e["sha256"].is_string()) add_hex(todo, e["sha256"].get<std::string>());
      }
    } catch (const Error&) {
      // A corrupt small blob keeps what it might reference; verify and fsck report it.
    } catch (const nlohmann::json::exception&) {
    }
  }
  return keep;
}

std::vector<std::string> store_roots(const Store& store, const std::set<stdfs::path>& skip_pins) {
  std::vector<std::string> roots;
  for (const auto& e : store.index()) roots.push_back(e.descriptor.digest);
  for (auto& r : pipeline_roots(store, skip_pins)) roots.push_back(std::move(r));
  return roots;
}

}  // namespace mlops::package
