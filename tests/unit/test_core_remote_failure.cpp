// SPDX-License-Identifier: MIT
// Remote errors carry a retry class; every class keeps exit code 5.
#include "exit_codes.hpp"

#include <catch2/catch.hpp>
#include <mlops/error.hpp>

#include <string>

using mlops::Error;
using mlops::ErrorKind;
using mlops::RemoteFailure;

TEST_CASE("a remote failure class makes a remote error that exits 5", "[core]") {
  for (const auto failure :
       {RemoteFailure::unspecified, RemoteFailure::auth, RemoteFailure::timeout, RemoteFailure::transient, RemoteFailure::rejected}) {
    const Error e(failure, "cannot reach host", "hint");
    CHECK(e.kind() == ErrorKind::remote);
    CHECK(e.remote_failure() == failure);
    CHECK(std::string(e.what()) == "cannot reach host");
    CHECK(e.hint() == "hint");
    CHECK(mlops::cli::exit_code_for(e.kind()) == 5);
  }
}

TEST_CASE("only timeouts and transient remote failures are worth a retry", "[core]") {
  CHECK(Error(RemoteFailure::timeout, "x").retryable());
  CHECK(Error(RemoteFailure::transient, "x").retryable());
  CHECK_FALSE(Error(RemoteFailure::auth, "x").retryable());
  CHECK_FALSE(Error(RemoteFailure::rejected, "x").retryable());
  CHECK_FALSE(Error(RemoteFailure::unspecified, "x").retryable());
  // Another kind never has a class and is never retried.
  const Error io(ErrorKind::io, "disk full");
  CHECK(io.remote_failure() == RemoteFailure::unspecified);
  CHECK_FALSE(io.retryable());
  CHECK(Error(ErrorKind::remote, "x").remote_failure() == RemoteFailure::unspecified);
}

TEST_CASE("remote failure classes have stable names", "[core]") {
  CHECK(std::string(mlops::to_string(RemoteFailure::auth)) == "auth");
  CHECK(std::string(mlops::to_string(RemoteFailure::timeout)) == "timeout");
  CHECK(std::string(mlops::to_string(RemoteFailure::transient)) == "transient");
  CHECK(std::string(mlops::to_string(RemoteFailure::rejected)) == "rejected");
  CHECK(std::string(mlops::to_string(RemoteFailure::unspecified)) == "unspecified");
}
