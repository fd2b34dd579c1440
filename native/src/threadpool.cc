// The worker pool behind parallelFor: workers sleep on a condition variable between jobs.
#include "threadpool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace tstorch {
namespace {

struct Pool {
  std::mutex mu;
  std::condition_variable wake;
  std::condition_variable done;
  std::vector<std::thread> workers;
  const std::function<void(int64_t, int64_t)>* job = nullptr;
  int64_t n = 0;
  int64_t chunks = 0;
  std::atomic<int64_t> next{0};
  int64_t pending = 0;
  uint64_t generation = 0;
  bool stop = false;
  int threads = 1;

  ~Pool() { resize(0); }

  void runChunks() {
    for (;;) {
      int64_t c = next.fetch_add(1);
      if (c >= chunks) return;
      int64_t begin = n * c / chunks;
      int64_t end = n * (c + 1) / chunks;
      (*job)(begin, end);
      std::lock_guard<std::mutex> lock(mu);
      if (--pending == 0) done.notify_all();
    }
  }

  void workerLoop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        wake.wait(lock, [&] { return stop || generation != seen; });
        if (stop) return;
        seen = generation;
      }
      runChunks();
    }
  }

  void resize(int nWorkers) {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    wake.notify_all();
    for (auto& t : workers) t.join();
    workers.clear();
    stop = false;
    for (int i = 0; i < nWorkers; i++) workers.emplace_back([this] { workerLoop(); });
  }
};

Pool& pool() {
  static Pool p;
  return p;
}

int defaultThreads() {
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

bool initialized = false;

void ensureInit() {
  if (initialized) return;
  initialized = true;
  setNumThreads(defaultThreads());
}

}  // namespace

int getNumThreads() {
  ensureInit();
  return pool().threads;
}

void setNumThreads(int n) {
  initialized = true;
  Pool& p = pool();
  n = std::max(1, n);
  p.threads = n;
  p.resize(n - 1);
}

void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  int threads = getNumThreads();
  int64_t chunks = std::min<int64_t>(threads, std::max<int64_t>(1, n / std::max<int64_t>(grain, 1)));
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  Pool& p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mu);
    p.job = &fn;
    p.n = n;
    p.chunks = chunks;
    p.next = 0;
    p.pending = chunks;
    p.generation++;
  }
  p.wake.notify_all();
  p.runChunks();
  std::unique_lock<std::mutex> lock(p.mu);
  p.done.wait(lock, [&] { return p.pending == 0; });
  p.job = nullptr;
}

}  // namespace tstorch
