// SPDX-License-Identifier: MIT
#include "core/worker_pool.hpp"

#include "core/log.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <algorithm>
#include <atomic>
#include <system_error>

namespace mlops {
namespace {

unsigned wanted(const PoolOptions& o) { return o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency()); }

// Starts up to `n` threads running body(worker) with worker = first, first + 1, ...; stops
// at the first that cannot be created.
std::vector<std::thread> start(unsigned n, unsigned first, const ThreadFactory& spawn, const std::function<void(unsigned)>& body) {
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (unsigned k = 0; k < n; ++k) {
    const unsigned worker = first + k;
    try {
      std::function<void()> run = [body, worker] { body(worker); };  // a copy: the caller's may be a temporary
      threads.push_back(spawn ? spawn(std::move(run)) : std::thread(std::move(run)));
    } catch (const std::exception& e) {  // std::system_error (EAGAIN), or bad_alloc: fewer threads do it
      log::debug("worker pool: {} threads of {} started ({})", k, n, e.what());
      break;
    }
  }
  return threads;
}

}  // namespace

unsigned parallel_for(std::size_t count, const std::function<void(std::size_t, unsigned)>& task, const PoolOptions& options) {
  if (count == 0) return 0;
  const unsigned n = static_cast<unsigned>(std::min<std::size_t>(wanted(options), count));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::exception_ptr error;
  const std::function<void(unsigned)> body = [&](unsigned worker) {
    for (;;) {
      if (stop.load()) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        check_interrupted();
        task(i, worker);
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        stop = true;
        return;
      }
    }
  };
  std::vector<std::thread> threads = start(n - 1, 1, options.spawn, body);
  body(0);
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  return static_cast<unsigned>(threads.size()) + 1;
}

WorkerPool::WorkerPool(const PoolOptions& options, std::size_t queue_limit) {
  const unsigned n = wanted(options);
  m_limit = queue_limit > 0 ? queue_limit : 2 * std::size_t{n};
  m_threads = start(n, 0, options.spawn, [this](unsigned worker) { work(worker); });
}

WorkerPool::~WorkerPool() {
  {
    const std::lock_guard lock(m_mutex);
    m_stop = true;
    m_queue.clear();
  }
  m_work.notify_all();
  m_space.notify_all();
  for (auto& t : m_threads) t.join();
}

void WorkerPool::fail(std::exception_ptr e) {
  if (!m_error) m_error = std::move(e);
  m_queue.clear();
  m_space.notify_all();
  if (m_active == 0) m_idle.notify_all();
}

void WorkerPool::work(unsigned worker) {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_work.wait(lock, [this] { return m_stop || !m_queue.empty(); });
    if (m_queue.empty()) return;  // stopping
    auto task = std::move(m_queue.front());
    m_queue.pop_front();
    ++m_active;
    m_space.notify_one();
    lock.unlock();
    std::exception_ptr error;
    try {
      check_interrupted();
      task(worker);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    --m_active;
    if (error) fail(error);
    if (m_queue.empty() && m_active == 0) m_idle.notify_all();
  }
}

void WorkerPool::submit(std::function<void(unsigned)> task) {
  if (m_threads.empty()) {  // no thread to be had: the caller is the worker
    if (m_error) std::rethrow_exception(m_error);
    try {
      check_interrupted();
      task(0);
    } catch (...) {
      m_error = std::current_exception();
      throw;
    }
    return;
  }
  std::unique_lock lock(m_mutex);
  m_space.wait(lock, [this] { return m_error || m_queue.size() < m_limit; });
  if (m_error) std::rethrow_exception(m_error);
  if (interrupted()) {
    fail(std::make_exception_ptr(Error(ErrorKind::interrupted, "interrupted")));
    std::rethrow_exception(m_error);
  }
  m_queue.push_back(std::move(task));
  lock.unlock();
  m_work.notify_one();
}

void WorkerPool::wait() {
  std::unique_lock lock(m_mutex);
  m_idle.wait(lock, [this] { return m_queue.empty() && m_active == 0; });
  if (m_error) std::rethrow_exception(m_error);
}

}  // namespace mlops
