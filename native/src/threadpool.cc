// The worker pool behind parallelFor (the role of ATen/ParallelNative.cpp). A job is published by
// bumping an atomic generation after its fields are written (release), and workers read them only
// after seeing the new generation (acquire), so no field is read while another thread writes it.
// Kernels run thousands of times per second, so workers and the caller spin briefly before they
// sleep on a condition variable. The spin yields the core on every turn: on a 2-core machine a
// spin that kept its core starved the JS engine's background GC jobs (those that free dead
// ArrayBuffers), and V8 then fell into a full collection every few steps (a loop of W3 eval steps
// on two threads ran at 3 ms in 7 of 8 processes with yielding spins, in 2 of 6 with `pause`
// spins, and at 4-6 ms in the others; the README has the rest of the story). Calls from inside a
// job (or from a second thread while the pool is busy) run serially on the calling thread
// instead of deadlocking.
#include "threadpool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace tstorch {
namespace {

using Fn = std::function<void(int64_t, int64_t)>;

// How long an idle worker (or a waiting caller) spins before it sleeps: long enough to catch the
// next small kernel of a sequence, short enough not to burn a shared machine's cores.
constexpr auto kSpin = std::chrono::microseconds(100);

thread_local bool inJob = false;

struct Pool {
  std::mutex mu;                 // guards sleeping and waking, and the worker list
  std::condition_variable wake;  // workers sleep here between jobs
  std::condition_variable done;  // the caller sleeps here until the last chunk finishes
  std::vector<std::thread> workers;
  std::mutex busy;               // held by the thread that owns the running job
  // The job: written by the caller before `generation` is bumped, read by workers after.
  const Fn* job = nullptr;
  int64_t n = 0;
  // The chunk ticket: generation (high 32 bits), chunk count (16) and next chunk (16). A worker
  // that wakes late sees another generation in it and takes nothing from the next job.
  std::atomic<uint64_t> ticket{0};
  std::atomic<int64_t> pending{0};
  std::atomic<uint64_t> generation{0};
  std::atomic<bool> stop{false};
  std::atomic<int> sleepers{0};
  std::atomic<bool> callerSleeping{false};
  std::atomic<int> threads{1};  // read without the lock by getNumThreads

  ~Pool() { resize(0); }

  /** Claims and runs chunks of the current job until none is left. */
  void runChunks(uint64_t gen) {
    uint64_t t = ticket.load(std::memory_order_acquire);
    for (;;) {
      if ((t >> 32) != (gen & 0xffffffffu)) return;
      int64_t c = static_cast<int64_t>(t & 0xffff);
      int64_t total = static_cast<int64_t>((t >> 16) & 0xffff);
      if (c >= total) return;
      if (!ticket.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel)) continue;
      (*job)(n * c / total, n * (c + 1) / total);
      // seq_cst here and in run(): each side stores, then loads the other's flag (Dekker).
      if (pending.fetch_sub(1) == 1 && callerSleeping.load()) {
        std::lock_guard<std::mutex> lock(mu);
        done.notify_all();
      }
      t = ticket.load(std::memory_order_acquire);
    }
  }

  /** Waits for a generation other than `seen` (or stop); true when there is a job. */
  bool awaitJob(uint64_t seen) {
    auto until = std::chrono::steady_clock::now() + kSpin;
    for (int i = 0;; i++) {
      if (stop.load(std::memory_order_acquire)) return false;
      if (generation.load(std::memory_order_acquire) != seen) return true;
      if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) break;
      std::this_thread::yield();
    }
    std::unique_lock<std::mutex> lock(mu);
    sleepers++;
    wake.wait(lock, [&] { return stop.load() || generation.load() != seen; });
    sleepers--;
    return !stop.load(std::memory_order_acquire);
  }

  void workerLoop() {
    inJob = true;  // a parallelFor inside a chunk runs serially
    uint64_t seen = generation.load(std::memory_order_acquire);
    while (awaitJob(seen)) {
      seen = generation.load(std::memory_order_acquire);
      runChunks(seen);
    }
  }

  void resize(int nWorkers) {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop.store(true, std::memory_order_release);
    }
    wake.notify_all();
    for (auto& t : workers) t.join();
    workers.clear();
    stop.store(false, std::memory_order_release);
    for (int i = 0; i < nWorkers; i++) workers.emplace_back([this] { workerLoop(); });
  }

  /** Runs fn over [0, n) in `chunks` pieces on this thread and the workers. */
  void run(const Fn& fn, int64_t total, int64_t nChunks) {
    job = &fn;
    n = total;
    uint64_t gen = generation.load(std::memory_order_relaxed) + 1;
    pending.store(nChunks, std::memory_order_relaxed);
    ticket.store(((gen & 0xffffffffu) << 32) | (static_cast<uint64_t>(nChunks) << 16),
                 std::memory_order_release);
    generation.store(gen);
    if (sleepers.load() > 0) {
      std::lock_guard<std::mutex> lock(mu);
      wake.notify_all();
    }
    inJob = true;
    runChunks(gen);
    inJob = false;
    auto until = std::chrono::steady_clock::now() + kSpin;
    for (int i = 0; pending.load(std::memory_order_acquire) != 0; i++) {
      if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) {
        std::unique_lock<std::mutex> lock(mu);
        callerSleeping.store(true);
        done.wait(lock, [&] { return pending.load() == 0; });
        callerSleeping.store(false);
        break;
      }
      std::this_thread::yield();
    }
    job = nullptr;
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

std::once_flag initOnce;

void ensureInit() {
  std::call_once(initOnce, [] {
    Pool& p = pool();
    std::lock_guard<std::mutex> busy(p.busy);
    if (p.threads.load() == 1 && p.workers.empty()) {
      p.threads.store(defaultThreads());
      p.resize(p.threads.load() - 1);
    }
  });
}

}  // namespace

int getNumThreads() {
  ensureInit();
  return pool().threads.load(std::memory_order_relaxed);
}

void setNumThreads(int n) {
  ensureInit();
  Pool& p = pool();
  std::lock_guard<std::mutex> busy(p.busy);
  n = std::max(1, n);
  if (n == p.threads.load()) return;
  p.threads.store(n);
  p.resize(n - 1);
}

void parallelFor(int64_t n, int64_t grain, const Fn& fn) {
  if (n <= 0) return;
  int threads = inJob ? 1 : std::min(getNumThreads(), 0xffff);
  int64_t chunks = std::min<int64_t>(threads, std::max<int64_t>(1, n / std::max<int64_t>(grain, 1)));
  Pool& p = pool();
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  std::unique_lock<std::mutex> busy(p.busy, std::try_to_lock);
  if (!busy.owns_lock()) {  // another thread's job holds the pool
    fn(0, n);
    return;
  }
  p.run(fn, n, chunks);
}

}  // namespace tstorch
