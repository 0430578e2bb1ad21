// SPDX-License-Identifier: MIT
#include "core/worker_pool.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <mutex>
#include <set>
#include <system_error>
#include <vector>

using namespace mlops;

namespace {

// Starts `allowed` threads, then fails as the system does when it has none left.
ThreadFactory failing_after(int allowed, std::atomic<int>& started) {
  return [allowed, &started](std::function<void()> body) {
    if (started.load() >= allowed) throw std::system_error(EAGAIN, std::generic_category(), "cannot create thread");
    ++started;
    return std::thread(std::move(body));
  };
}

}  // namespace

TEST_CASE("parallel_for runs every index once, on at most the threads asked", "[core][pool]") {
  std::vector<std::atomic<int>> hits(5000);
  std::mutex m;
  std::set<unsigned> workers;
  const unsigned used = parallel_for(
      hits.size(),
      [&](std::size_t i, unsigned w) {
        ++hits[i];
        const std::lock_guard lock(m);
        workers.insert(w);
      },
      PoolOptions{4, {}});
  CHECK(used == 4);
  for (const auto& h : hits) REQUIRE(h.load() == 1);
  for (const unsigned w : workers) CHECK(w < 4);
  CHECK(parallel_for(0, [](std::size_t, unsigned) { FAIL("no task"); }) == 0);
  CHECK(parallel_for(
            2, [](std::size_t, unsigned) {}, PoolOptions{8, {}}) == 2);  // never more workers than tasks
}

TEST_CASE("parallel_for: the first error stops the rest and reaches the caller", "[core][pool]") {
  std::atomic<int> ran{0};
  const auto caller = std::this_thread::get_id();
  // One worker: the order is known, so exactly the tasks up to the failing one ran.
  CHECK_THROWS_AS(parallel_for(
                      100,
                      [&](std::size_t i, unsigned) {
                        CHECK(std::this_thread::get_id() == caller);
                        ++ran;
                        if (i == 5) throw Error(ErrorKind::io, "disk full");
                      },
                      PoolOptions{1, {}}),
                  Error);
  CHECK(ran == 6);
  // Several workers: the error is one of the tasks', rethrown here; later tasks are not started.
  ran = 0;
  try {
    parallel_for(
        100000,
        [&](std::size_t i, unsigned) {
          ++ran;
          if (i % 10 == 3) throw Error(ErrorKind::invalid_input, "bad " + std::to_string(i));
        },
        PoolOptions{4, {}});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(std::string(e.what()).rfind("bad ", 0) == 0);
  }
  CHECK(ran < 1000);
}

TEST_CASE("parallel_for: an interruption stops it with Error{interrupted}", "[core][pool]") {
  install_interrupt_handlers();
  std::atomic<int> ran{0};
  try {
    parallel_for(
        100,
        [&](std::size_t i, unsigned) {
          ++ran;
          if (i == 3) ::raise(SIGINT);
        },
        PoolOptions{1, {}});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::interrupted);
  }
  CHECK(ran == 4);
}

TEST_CASE("parallel_for: threads that cannot be created leave the work to fewer", "[core][pool]") {
  for (const int allowed : {0, 1, 2}) {
    std::atomic<int> started{0};
    std::vector<std::atomic<int>> hits(1000);
    const unsigned used = parallel_for(
        hits.size(), [&](std::size_t i, unsigned) { ++hits[i]; }, PoolOptions{8, failing_after(allowed, started)});
    CHECK(used == static_cast<unsigned>(allowed) + 1);  // the caller's thread always works
    for (const auto& h : hits) REQUIRE(h.load() == 1);
  }
}

TEST_CASE("WorkerPool: a bounded queue, every task run, the first error rethrown", "[core][pool]") {
  std::atomic<int> done{0}, submitted{0}, max_waiting{0};
  {
    WorkerPool pool(PoolOptions{3, {}}, 4);
    CHECK(pool.workers() == 3);
    for (int i = 0; i < 2000; ++i) {
      ++submitted;
      pool.submit([&](unsigned w) {
        CHECK(w < 3);
        // Queued and not started yet, at most the limit (+ one being handed over per worker).
        const int waiting = submitted.load() - done.load();
        int seen = max_waiting.load();
        while (waiting > seen && !max_waiting.compare_exchange_weak(seen, waiting)) {
        }
        ++done;
      });
    }
    pool.wait();
    CHECK(done == 2000);
  }
  CHECK(max_waiting <= 4 + 3 + 1);

  WorkerPool pool(PoolOptions{2, {}}, 2);
  std::atomic<int> ran{0};
  pool.submit([&](unsigned) { throw Error(ErrorKind::remote, "503"); });
  CHECK_THROWS_AS(pool.wait(), Error);
  CHECK_THROWS_AS(pool.submit([&](unsigned) { ++ran; }), Error);  // nothing more after an error
  CHECK(ran == 0);
}

TEST_CASE("WorkerPool: without any thread the caller runs the tasks", "[core][pool]") {
  std::atomic<int> started{0};
  WorkerPool pool(PoolOptions{4, failing_after(0, started)});
  CHECK(pool.workers() == 0);
  const auto caller = std::this_thread::get_id();
  int ran = 0;
  for (int i = 0; i < 10; ++i) {
    pool.submit([&](unsigned) {
      CHECK(std::this_thread::get_id() == caller);
      ++ran;
    });
  }
  pool.wait();
  CHECK(ran == 10);
  CHECK_THROWS_AS(pool.submit([](unsigned) { throw Error(ErrorKind::io, "x"); }), Error);  // rethrown from submit itself
}

TEST_CASE("WorkerPool: an interruption stops the queue", "[core][pool]") {
  install_interrupt_handlers();
  WorkerPool pool(PoolOptions{2, {}}, 2);
  pool.submit([](unsigned) { ::raise(SIGINT); });
  try {
    for (int i = 0; i < 1000; ++i) pool.submit([](unsigned) {});
    pool.wait();
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::interrupted);
  }
}
