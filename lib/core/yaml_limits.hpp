// SPDX-License-Identifier: MIT
// Every YAML document mlops reads goes through yaml::load(). yaml-cpp keeps an alias as a
// node shared with its anchor, so a few hundred bytes of nested anchors ("billion laughs")
// become billions of nodes, or gigabytes of scalars, once a reader walks or converts the
// tree, and an alias inside its own anchor never ends. load() refuses a document over a size
// and then walks it once the way every reader does (aliases expanded), stopping at a node
// count, a total of scalar bytes and a depth: no later walk of an accepted document can blow up.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>

namespace mlops::yaml {

struct Limits {
  std::size_t max_bytes = std::size_t{1} << 20;          // the document's text
  std::size_t max_nodes = 1'000'000;                     // nodes, aliases expanded
  std::size_t max_scalar_bytes = std::size_t{64} << 20;  // scalar text, aliases expanded
  std::size_t max_depth = 256;                           // nesting, aliases expanded
};

// YAML::Load(text) within `limits`: Error{invalid_input} naming `file` beyond them or nested
// beyond yaml-cpp's own parser bound. Syntax errors stay YAML::Exception, which callers
// report with their line.
YAML::Node load(const std::string& text, const std::string& file, const Limits& limits = {});

}  // namespace mlops::yaml
