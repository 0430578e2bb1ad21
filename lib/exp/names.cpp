// SPDX-License-Identifier: MIT
#include "exp/names.hpp"

#include "exp/cache.hpp"
#include "exp/ulid.hpp"

#include <mlops/error.hpp>

#include <algorithm>
#include <array>
#include <random>

namespace mlops::exp {
namespace {

constexpr std::array<const char*, 48> k_adjectives = {
    "able",  "bold",   "brave", "brisk", "calm",  "clever", "crisp", "daring", "eager", "fair",   "fast",  "fierce",
    "fond",  "gentle", "glad",  "grand", "happy", "hardy",  "jolly", "keen",   "kind",  "lively", "lucky", "merry",
    "mild",  "neat",   "noble", "plain", "proud", "quick",  "quiet", "rapid",  "ready", "sharp",  "shy",   "sleek",
    "smart", "snug",   "solid", "sound", "spry",  "steady", "sunny", "swift",  "tidy",  "vivid",  "warm",  "wise"};
constexpr std::array<const char*, 48> k_nouns = {
    "otter", "lynx",  "heron", "falcon", "badger", "beaver", "bison",  "crane", "eagle",  "ferret", "finch", "fox",
    "gecko", "hare",  "hawk",  "ibis",   "jay",    "koala",  "lark",   "lemur", "marten", "mole",   "moose", "newt",
    "owl",   "panda", "puma",  "quail",  "raven",  "robin",  "salmon", "seal",  "shrew",  "skunk",  "sloth", "snipe",
    "stork", "swan",  "tapir", "tern",   "toad",   "trout",  "viper",  "vole",  "walrus", "wolf",   "wren",  "yak"};

}  // namespace

std::string generate_name(const std::function<bool(const std::string&)>& taken) {
  // Seeded from the OS, not from anything the user's code may have seeded.
  std::random_device rd;
  std::mt19937 rng(rd());
  std::uniform_int_distribution<size_t> adj(0, k_adjectives.size() - 1), noun(0, k_nouns.size() - 1);
  std::string name;
  for (int i = 0; i < 20; ++i) {
    name = std::string(k_adjectives[adj(rng)]) + "-" + k_nouns[noun(rng)];
    if (!taken(name)) return name;
  }
  for (int n = 2;; ++n) {
    const std::string numbered = name + "-" + std::to_string(n);
    if (!taken(numbered)) return numbered;
  }
}

bool is_valid_run_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '-' || name[0] == '.' || is_ulid(name)) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

bool name_reads_as_id(const std::string& name, const std::vector<std::string>& ids) {
  if (!reads_as_id_prefix(name)) return false;
  const std::string n = normalize_run_id(name);
  return std::any_of(ids.begin(), ids.end(),
                     [&](const std::string& id) { return id.rfind(n, 0) == 0 || (id.size() == 26 && id.compare(10, n.size(), n) == 0); });
}

void check_new_run_name(Repo& r, const std::string& name) {
  if (!is_valid_run_name(name)) {
    throw Error(ErrorKind::usage, "invalid run name '" + printable(name) + "'", "use letters, digits, '.', '_' and '-' (not an id)");
  }
  std::vector<std::string> ids;
  for (const auto& c : load_runs(r).runs) ids.push_back(c.id);
  if (name_reads_as_id(name, ids)) {
    throw Error(ErrorKind::usage, "run name '" + name + "' reads as the id of an existing run",
                "choose a name that is not an id prefix (add a '-' or a letter outside the id alphabet, e.g. 'run-" + name + "')");
  }
}

}  // namespace mlops::exp
