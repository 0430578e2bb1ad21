// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

namespace mlops {

// "https://user:token@host/x?access_token=t" -> "https://***@host/x?access_token=***": for
// logs and error messages.
std::string redact_url(std::string_view url);

// Every URL in `text` (a C library's error message quotes the URL it was given, malformed or
// not) passed through redact_url. A URL ends at white space.
std::string redact_urls_in(std::string_view text);

// Whether a scheme://authority URL holds user information ("user@", "user:token@", and a
// password whose '/' ended the authority early: "user:pa/ss@host"), as redact_url reads it.
bool url_has_userinfo(std::string_view url);

// "https://user:token@host/x" -> "https://host/x": for anything recorded (files, git objects).
std::string strip_url_credentials(std::string_view url);

}  // namespace mlops
