// SPDX-License-Identifier: MIT
#include "core/yaml_limits.hpp"

#include <mlops/error.hpp>

#include <yaml-cpp/depthguard.h>

namespace mlops::yaml {
namespace {

struct Walk {
  const Limits& limits;
  const std::string& file;
  std::size_t nodes = 0, scalar_bytes = 0;

  [[noreturn]] void refuse(const std::string& what) const {
    throw Error(ErrorKind::invalid_input, file + ": " + what,
                "YAML anchors and aliases count once per use; write the values out, or split the file");
  }

  void visit(const YAML::Node& n, std::size_t depth) {
    if (++nodes > limits.max_nodes) refuse("more than " + std::to_string(limits.max_nodes) + " values (aliases expanded)");
    if (depth > limits.max_depth)
      refuse("nested deeper than " + std::to_string(limits.max_depth) + " levels (or an alias inside its own anchor)");
    switch (n.Type()) {
      case YAML::NodeType::Scalar:
        scalar_bytes += n.Scalar().size();
        if (scalar_bytes > limits.max_scalar_bytes) {
          refuse("more than " + std::to_string(limits.max_scalar_bytes >> 20) + " MiB of text (aliases expanded)");
        }
        break;
      case YAML::NodeType::Sequence:
        for (const auto& item : n) visit(item, depth + 1);
        break;
      case YAML::NodeType::Map:
        for (const auto& kv : n) {
          visit(kv.first, depth + 1);
          visit(kv.second, depth + 1);
        }
        break;
      default: break;
    }
  }
};

}  // namespace

YAML::Node load(const std::string& text, const std::string& file, const Limits& limits) {
  if (text.size() > limits.max_bytes) {
    throw Error(ErrorKind::invalid_input, file + ": " + std::to_string(text.size()) + " bytes; YAML files larger than " +
                                              std::to_string(limits.max_bytes >> 10) + " KiB are not read");
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own bound on its recursive parser
    throw Error(ErrorKind::invalid_input, file + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: nested too deeply");
  }
  Walk{limits, file}.visit(root, 0);
  return root;
}

}  // namespace mlops::yaml
