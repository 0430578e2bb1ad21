// SPDX-License-Identifier: MIT
// .mlops/answers.yaml: what a project was generated from, so it can be re-rendered or, later,
// updated by a 3-way merge. Secret answers are never written.
#include "scaffold/answers_file.hpp"

#include <mlops/version.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace mlops::scaffold {

std::string answers_yaml(const Template& tpl, const Answers& answers) {
  YAML::Emitter out;
  out << YAML::Comment("Written by `mlops init`. Replay with: mlops init DIR --template SOURCE --answers THIS_FILE");
  out << YAML::BeginMap;
  out << YAML::Key << "schema" << YAML::Value << 1;
  out << YAML::Key << "template" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << tpl.manifest.name;
  out << YAML::Key << "version" << YAML::Value << tpl.manifest.version;
  out << YAML::Key << "source" << YAML::Value << to_string(tpl.origin.kind);
  out << YAML::Key << "location" << YAML::Value << tpl.origin.location;
  if (!tpl.origin.ref.empty()) out << YAML::Key << "ref" << YAML::Value << tpl.origin.ref;
  if (!tpl.origin.commit.empty()) out << YAML::Key << "commit" << YAML::Value << tpl.origin.commit;
  out << YAML::EndMap;
  out << YAML::Key << "mlops_version" << YAML::Value << std::string(version());
  out << YAML::Key << "answers" << YAML::Value << YAML::BeginMap;
  for (const auto& [name, value] : answers.values) {
    if (std::find(answers.secrets.begin(), answers.secrets.end(), name) != answers.secrets.end()) continue;
    out << YAML::Key << name << YAML::Value;
    if (const auto* s = std::get_if<std::string>(&value)) {
      out << YAML::DoubleQuoted << *s;
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
      out << static_cast<long long>(*i);
    } else if (const auto* b = std::get_if<bool>(&value)) {
      out << *b;
    } else {
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& v : std::get<std::vector<std::string>>(value)) out << v;
      out << YAML::EndSeq;
    }
  }
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace mlops::scaffold
