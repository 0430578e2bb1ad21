// SPDX-License-Identifier: MIT
// The `stages:` section of mlops.yaml, checked (keys, paths, the graph) before anything runs.
#pragma once

#include "config/project.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mlops::pipeline {

namespace stdfs = std::filesystem;

struct Out {
  std::string path;  // relative to the project root, normalised, no trailing slash
  bool cache = true;
  bool persist = false;
  bool metric = false;
  int line = 0;
};

struct ParamRef {
  std::string file;  // relative to the project root
  std::string key;   // dotted; empty: every key of the file
};

struct Stage {
  std::string name;
  std::vector<std::string> cmd;  // run in order, stopping at the first failure
  std::string wdir;              // relative to the project root; "" is the root
  std::string desc;
  std::vector<std::string> deps;  // relative to the project root
  std::vector<int> dep_lines;     // where each dep is written in mlops.yaml
  std::vector<ParamRef> params;
  std::vector<Out> outs;  // outs and metrics
  std::map<std::string, std::string> env;
  std::map<std::string, int> pool;
  std::map<std::string, std::string> resources;  // for a scheduler (repro --executor): cpus, mem, gpus, time, partition, ...
  bool frozen = false;
  bool always_changed = false;
  int line = 0;
  std::vector<std::size_t> upstream;  // indices of the stages whose outputs it depends on
};

struct Pipeline {
  stdfs::path root;
  std::string file;                                  // mlops.yaml as named in messages
  std::vector<Stage> stages;                         // in the graph's order: a stage after all its upstream
  std::size_t index(const std::string& name) const;  // Error{not_found} naming the stages
};

// Parses and checks the stages of `cfg` (no `stages:`: an empty pipeline). Error{invalid_input}
// with FILE:LINE for an unknown key, a bad value, a path outside the project or in .git, two
// stages writing one output and a cycle (named); Error{not_found} for a dep that no stage
// makes and that does not exist.
// A stage name: letters, digits, '_', '-', '.' (not first) and '@' (foreach/matrix stages,
// not first), at most 128 bytes.
bool valid_name(const std::string& n);

Pipeline load_pipeline(const config::ConfigFile& cfg, const stdfs::path& root);
Pipeline load_pipeline(const stdfs::path& project);

// Which stages besides `targets` are selected: what they depend on (the default), what
// depends on them (`repro --downstream`), or none (`repro --single-item`).
enum class Selection { upstream, downstream, single };
// `targets` (a foreach/matrix stage's name stands for each stage it made) and the stages
// `how` adds, in graph order (all stages when `targets` is empty).
std::vector<std::size_t> select(const Pipeline& p, const std::vector<std::string>& targets, Selection how = Selection::upstream);

}  // namespace mlops::pipeline
