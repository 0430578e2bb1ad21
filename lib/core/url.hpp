// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

namespace mlops {

// "https://user:token@host/x" -> "https://***@host/x": for logs and error messages.
std::string redact_url(std::string_view url);

// "https://user:token@host/x" -> "https://host/x": for anything recorded (files, git objects).
std::string strip_url_credentials(std::string_view url);

}  // namespace mlops
