// SPDX-License-Identifier: MIT
// The one way libmlops runs work on several threads. Hand-written because nothing packaged in
// Debian 12 gives all of: first error stops the rest and is rethrown on the caller's thread,
// SIGINT/SIGTERM checked between tasks (core/interrupt), a thread that cannot be created
// tolerated (the work is done by fewer threads, at worst by the caller alone), a bounded queue.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mlops {

// Starts a thread running `body`; throws (std::system_error, as std::thread does) when the
// system has no thread to give. Tests inject one that fails.
using ThreadFactory = std::function<std::thread(std::function<void()> body)>;

struct PoolOptions {
  unsigned threads = 0;  // workers at most, the caller's thread included where it works; 0: one per core
  ThreadFactory spawn;   // empty: std::thread
};

// task(i, worker) for every i in [0, count), in index order, on at most `threads` threads:
// the calling thread is worker 0, the others 1.. (for per-worker state such as a repository
// handle). The first exception (a task's, or Error{interrupted} once a signal arrived) stops
// the workers from taking another index and is rethrown here after every worker has finished
// the task it was doing. Returns the number of workers that ran.
unsigned parallel_for(std::size_t count, const std::function<void(std::size_t index, unsigned worker)>& task,
                      const PoolOptions& options = {});

// Workers over a bounded queue, for work that is discovered as it goes. submit() blocks while
// the queue is full; when no worker thread could be started, it runs the task itself.
class WorkerPool {
 public:
  explicit WorkerPool(const PoolOptions& options = {}, std::size_t queue_limit = 0 /* 0: twice the workers */);
  ~WorkerPool();  // drops the queued tasks, waits for the running ones; never throws
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues task(worker). Throws the first error instead (nothing more is queued after one),
  // and Error{interrupted} once a signal arrived.
  void submit(std::function<void(unsigned worker)> task);
  // Waits until every queued task is done; rethrows the first error.
  void wait();
  unsigned workers() const { return static_cast<unsigned>(m_threads.size()); }

 private:
  void work(unsigned worker);
  void fail(std::exception_ptr e);  // m_mutex held

  std::mutex m_mutex;
  std::condition_variable m_work, m_space, m_idle;
  std::deque<std::function<void(unsigned)>> m_queue;
  std::size_t m_limit = 0, m_active = 0;
  bool m_stop = false;
  std::exception_ptr m_error;
  std::vector<std::thread> m_threads;
};

}  // namespace mlops
