// SPDX-License-Identifier: MIT
// Who is running where: enough to tell a run that is still going from one whose process
// died (kill -9, power loss), without any daemon or heartbeat.
#pragma once

#include <cstdint>
#include <string>

namespace mlops::exp {

struct ProcessIdentity {
  int pid = 0;
  std::string boot_id;           // /proc/sys/kernel/random/boot_id: changes at every boot
  std::uint64_t start_time = 0;  // /proc/<pid>/stat field 22: tells a reused pid apart
  std::string host;
};

ProcessIdentity current_process();
// True when the identified process is this host's and still alive (same boot, same start time).
// A process on another host is assumed alive: we cannot know.
bool still_running(const ProcessIdentity& p);

std::string host_name();
std::string user_name();
std::string os_description();
std::string now_rfc3339();  // UTC, millisecond precision

}  // namespace mlops::exp
