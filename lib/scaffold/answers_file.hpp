// SPDX-License-Identifier: MIT
#pragma once

#include <mlops/scaffold.hpp>

#include <string>

namespace mlops::scaffold {

// The text of .mlops/answers.yaml (docs/formats.md): template source and non-secret answers.
std::string answers_yaml(const Template& tpl, const Answers& answers);

}  // namespace mlops::scaffold
