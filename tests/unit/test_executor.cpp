// SPDX-License-Identifier: MIT
#include "executor/executor.hpp"

#include <mlops/error.hpp>

#include <catch2/catch.hpp>

using namespace mlops;
using namespace mlops::executor;

TEST_CASE("sweep indexes are split so that no array index reaches MaxArraySize", "[executor]") {
  std::vector<size_t> all(25);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const auto c = slurm::chunk(all, 11);
  REQUIRE(c.size() == 3);
  CHECK(c[0].offset == 0);
  CHECK(c[0].array_spec == "0-10");
  CHECK(c[1].offset == 11);
  CHECK(c[1].array_spec == "0-10");
  CHECK(c[2].offset == 22);
  CHECK(c[2].array_spec == "0-2");
  size_t n = 0;
  for (const auto& x : c) n += x.indexes.size();
  CHECK(n == 25);
}

TEST_CASE("a resubmission is a sparse array relative to its chunk's offset", "[executor]") {
  const auto c = slurm::chunk({3, 4, 5, 9, 17, 40}, 1001);
  REQUIRE(c.size() == 1);
  CHECK(c[0].offset == 3);
  CHECK(c[0].array_spec == "0-2,6,14,37");
  const auto d = slurm::chunk({3, 20}, 11);
  REQUIRE(d.size() == 2);
  CHECK(d[1].offset == 20);
  CHECK(d[1].array_spec == "0");
  CHECK(slurm::chunk({}, 11).empty());
}

TEST_CASE("scheduler words map to mlops states; unknown words are never success", "[executor]") {
  CHECK(slurm::map_state("PENDING") == "queued");
  CHECK(slurm::map_state("RUNNING") == "running");
  CHECK(slurm::map_state("COMPLETING") == "running");
  CHECK(slurm::map_state("COMPLETED") == "completed");
  CHECK(slurm::map_state("CANCELLED by 0") == "cancelled");
  CHECK(slurm::map_state("TIMEOUT") == "timeout");
  CHECK(slurm::map_state("OUT_OF_MEMORY") == "oom");
  CHECK(slurm::map_state("NODE_FAIL") == "node_fail");
  CHECK(slurm::map_state("PREEMPTED") == "preempted");
  CHECK(slurm::map_state("FAILED") == "failed");
  CHECK(slurm::map_state("UNKNOWN") == "failed");
  CHECK(slurm::map_state("") == "failed");
}

TEST_CASE("MaxArraySize is read from scontrol show config", "[executor]") {
  CHECK(slurm::max_array_size("KillWait                = 5 sec\nMaxArraySize            = 11\nMaxJobCount = 10000\n") == 11);
  CHECK(!slurm::max_array_size("KillWait = 5 sec\n"));
  CHECK(!slurm::max_array_size("MaxArraySize = lots\n"));
}

TEST_CASE("the executor table: local and slurm usable, kubernetes documented, others refused", "[executor]") {
  CHECK(find("local").in_process);
  CHECK(find("slurm").make != nullptr);
  CHECK_THROWS_AS(find("kubernetes"), Error);
  try {
    (void)find("slrum");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    CHECK(std::string(e.hint()).find("slurm") != std::string::npos);
  }
  CHECK(table().size() == 3);
}
