// A fixed pool of worker threads for data-parallel kernels (torch.set_num_threads).
#pragma once
#include <cstdint>
#include <functional>

namespace tstorch {

/** Number of threads kernels may use, the caller's included (at least 1). */
int getNumThreads();
void setNumThreads(int n);

/**
 * Runs fn(begin, end) over [0, n) split into at most getNumThreads() contiguous chunks of at least
 * `grain` items, on the caller's thread and the pool's workers; returns when all chunks are done.
 */
void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace tstorch
