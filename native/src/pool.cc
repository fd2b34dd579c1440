// 2-D pooling kernels, parallel over planes. Sums are in double and every `+=` into a float32
// gradient rounds as the reference's Float32Array store does, so results match it exactly.
#include "pool.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "cpu.h"
#include "threadpool.h"

#pragma GCC optimize("fp-contract=off")

namespace tstorch {
namespace pl_portable {
#include "pool_impl.h"
}  // namespace pl_portable

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace pl_avx2 {
#include "pool_impl.h"
}  // namespace pl_avx2
#pragma GCC pop_options
#endif
namespace {

/** Runs body(p0, p1) over the planes, in parallel when the work is large enough. */
template <class F>
void overPlanes(const PoolGeom& g, int64_t perPlane, F&& body) {
  const int64_t work = g.P * perPlane;
  if (g.P < 2 || work < 65536 || getNumThreads() == 1) {
    body(int64_t{0}, g.P);
    return;
  }
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(perPlane, 1));
  parallelFor(g.P, grain, [&](int64_t b, int64_t e) { body(b, e); });
}

/** First input row (or column) of a window at or after 0, stepping by the dilation. */
inline int64_t firstInside(int64_t start, int64_t d) {
  return start >= 0 ? start : start + ((-start + d - 1) / d) * d;
}

struct Window {
  int64_t hs, he, ws, we;
  double div;
};

inline Window avgWindow(const PoolGeom& g, int64_t oh, int64_t ow, bool countIncludePad, double divisor) {
  int64_t hs = oh * g.sH - g.pH, ws = ow * g.sW - g.pW;
  int64_t he = std::min(hs + g.kH, g.H + g.pH), we = std::min(ws + g.kW, g.W + g.pW);
  const double poolSize = static_cast<double>((he - hs) * (we - ws));
  hs = std::max<int64_t>(hs, 0);
  ws = std::max<int64_t>(ws, 0);
  he = std::min(he, g.H);
  we = std::min(we, g.W);
  const double inside = static_cast<double>((he - hs) * (we - ws));
  const double div = divisor != 0 ? divisor : countIncludePad ? poolSize : inside;
  return {hs, he, ws, we, div};
}

/** PyTorch's adaptive window bounds: [floor(o*I/O), ceil((o+1)*I/O)). */
std::vector<int64_t> adaptiveBounds(int64_t I, int64_t O) {
  std::vector<int64_t> b(2 * O);
  for (int64_t o = 0; o < O; o++) {
    b[2 * o] = (o * I) / O;
    b[2 * o + 1] = ((o + 1) * I + O - 1) / O;
  }
  return b;
}

}  // namespace

template <typename T>
void maxPoolInteriorIsa(const PoolGeom& g, const T* x, T* out, double* indices, int64_t p0, int64_t p1) {
#if defined(__x86_64__)
  switch (activeIsa()) {
    // Output rows are short (LeNet's are 14 and 5 wide): 16-lane vectors ran slower than 8-lane.
    case Isa::avx512:
    case Isa::avx2: return pl_avx2::maxPoolInterior(g, x, out, indices, p0, p1);
    default: break;
  }
#endif
  pl_portable::maxPoolInterior(g, x, out, indices, p0, p1);
}

template <typename T>
void maxPool2d(const PoolGeom& g, const T* x, T* out, double* indices) {
  const int64_t L = g.oH * g.oW;
  if (g.pH == 0 && g.pW == 0 && g.dH == 1 && g.dW == 1 && g.oH > 0 && g.oW > 0 &&
      (g.oH - 1) * g.sH + g.kH <= g.H && (g.oW - 1) * g.sW + g.kW <= g.W && g.H * g.W < (int64_t(1) << 31)) {
    overPlanes(g, L * g.kH * g.kW,
               [&](int64_t p0, int64_t p1) { maxPoolInteriorIsa(g, x, out, indices, p0, p1); });
    return;
  }
  overPlanes(g, L * g.kH * g.kW, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      const T* plane = x + p * g.H * g.W;
      int64_t o = p * L;
      for (int64_t oh = 0; oh < g.oH; oh++) {
        const int64_t hs = oh * g.sH - g.pH;
        const int64_t he = std::min(hs + (g.kH - 1) * g.dH + 1, g.H);
        const int64_t h0 = firstInside(hs, g.dH);
        for (int64_t ow = 0; ow < g.oW; ow++, o++) {
          const int64_t ws = ow * g.sW - g.pW;
          const int64_t we = std::min(ws + (g.kW - 1) * g.dW + 1, g.W);
          const int64_t w0 = firstInside(ws, g.dW);
          // Branch-free selects: which element wins is data dependent and mispredicts as a branch.
          T best = -INFINITY;
          int64_t arg = h0 * g.W + w0;
          for (int64_t ih = h0; ih < he; ih += g.dH) {
            const int64_t row = ih * g.W;
            for (int64_t iw = w0; iw < we; iw += g.dW) {
              const T v = plane[row + iw];
              const bool take = (v > best) | (v != v);
              best = pl_portable::pick(take, v, best);
              arg ^= (arg ^ (row + iw)) & -static_cast<int64_t>(take);
            }
          }
          out[o] = best;
          indices[o] = static_cast<double>(arg);
        }
      }
    }
  });
}

template <typename T>
void maxPool2dBackward(const PoolGeom& g, const T* gOut, const double* indices, T* gIn) {
  const int64_t L = g.oH * g.oW, HW = g.H * g.W;
  overPlanes(g, L, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      for (int64_t o = p * L; o < (p + 1) * L; o++) {
        // An empty window (possible with dilation and padding) points outside the planes: skip it.
        const int64_t at = p * HW + static_cast<int64_t>(indices[o]);
        if (at < 0 || at >= g.P * HW) continue;
        T& dst = gIn[at];
        dst = static_cast<T>(static_cast<double>(dst) + static_cast<double>(gOut[o]));
      }
    }
  });
}

template <typename T>
void maxPool2dGather(const PoolGeom& g, const T* src, const double* indices, T* out) {
  const int64_t L = g.oH * g.oW, HW = g.H * g.W;
  overPlanes(g, L, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      for (int64_t o = p * L; o < (p + 1) * L; o++) {
        const int64_t at = p * HW + static_cast<int64_t>(indices[o]);
        out[o] = at >= 0 && at < g.P * HW ? src[at] : static_cast<T>(NAN);
      }
    }
  });
}

template <typename T>
void avgPool2d(const PoolGeom& g, const T* x, T* out, bool countIncludePad, double divisor) {
  const int64_t L = g.oH * g.oW;
  overPlanes(g, L * g.kH * g.kW, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      const T* plane = x + p * g.H * g.W;
      int64_t o = p * L;
      for (int64_t oh = 0; oh < g.oH; oh++) {
        for (int64_t ow = 0; ow < g.oW; ow++, o++) {
          const Window w = avgWindow(g, oh, ow, countIncludePad, divisor);
          double s = 0;
          for (int64_t ih = w.hs; ih < w.he; ih++) {
            for (int64_t iw = w.ws; iw < w.we; iw++) s += plane[ih * g.W + iw];
          }
          out[o] = static_cast<T>(s / w.div);
        }
      }
    }
  });
}

template <typename T>
void avgPool2dBackward(const PoolGeom& g, const T* gOut, T* gIn, bool countIncludePad, double divisor) {
  const int64_t L = g.oH * g.oW;
  overPlanes(g, L * g.kH * g.kW, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      T* plane = gIn + p * g.H * g.W;
      int64_t o = p * L;
      for (int64_t oh = 0; oh < g.oH; oh++) {
        for (int64_t ow = 0; ow < g.oW; ow++, o++) {
          const Window w = avgWindow(g, oh, ow, countIncludePad, divisor);
          const double v = static_cast<double>(gOut[o]) / w.div;
          for (int64_t ih = w.hs; ih < w.he; ih++) {
            for (int64_t iw = w.ws; iw < w.we; iw++) {
              T& dst = plane[ih * g.W + iw];
              dst = static_cast<T>(static_cast<double>(dst) + v);
            }
          }
        }
      }
    }
  });
}

template <typename T>
void adaptiveAvgPool2d(const PoolGeom& g, const T* x, T* out) {
  const std::vector<int64_t> hb = adaptiveBounds(g.H, g.oH), wb = adaptiveBounds(g.W, g.oW);
  const int64_t L = g.oH * g.oW;
  overPlanes(g, std::max(L, g.H * g.W), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      const T* plane = x + p * g.H * g.W;
      int64_t o = p * L;
      for (int64_t oh = 0; oh < g.oH; oh++) {
        const int64_t hs = hb[2 * oh], he = hb[2 * oh + 1];
        for (int64_t ow = 0; ow < g.oW; ow++, o++) {
          const int64_t ws = wb[2 * ow], we = wb[2 * ow + 1];
          double s = 0;
          for (int64_t ih = hs; ih < he; ih++) {
            for (int64_t iw = ws; iw < we; iw++) s += plane[ih * g.W + iw];
          }
          out[o] = static_cast<T>(s / static_cast<double>((he - hs) * (we - ws)));
        }
      }
    }
  });
}

template <typename T>
void adaptiveAvgPool2dBackward(const PoolGeom& g, const T* gOut, T* gIn) {
  const std::vector<int64_t> hb = adaptiveBounds(g.H, g.oH), wb = adaptiveBounds(g.W, g.oW);
  const int64_t L = g.oH * g.oW;
  overPlanes(g, std::max(L, g.H * g.W), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      T* plane = gIn + p * g.H * g.W;
      int64_t o = p * L;
      for (int64_t oh = 0; oh < g.oH; oh++) {
        const int64_t hs = hb[2 * oh], he = hb[2 * oh + 1];
        for (int64_t ow = 0; ow < g.oW; ow++, o++) {
          const int64_t ws = wb[2 * ow], we = wb[2 * ow + 1];
          const double v = static_cast<double>(gOut[o]) / static_cast<double>((he - hs) * (we - ws));
          for (int64_t ih = hs; ih < he; ih++) {
            for (int64_t iw = ws; iw < we; iw++) {
              T& dst = plane[ih * g.W + iw];
              dst = static_cast<T>(static_cast<double>(dst) + v);
            }
          }
        }
      }
    }
  });
}

#define TS_POOL_INSTANTIATE(T)                                                                      \
  template void maxPool2d<T>(const PoolGeom&, const T*, T*, double*);                              \
  template void maxPool2dBackward<T>(const PoolGeom&, const T*, const double*, T*);                \
  template void maxPool2dGather<T>(const PoolGeom&, const T*, const double*, T*);                  \
  template void avgPool2d<T>(const PoolGeom&, const T*, T*, bool, double);                         \
  template void avgPool2dBackward<T>(const PoolGeom&, const T*, T*, bool, double);                 \
  template void adaptiveAvgPool2d<T>(const PoolGeom&, const T*, T*);                               \
  template void adaptiveAvgPool2dBackward<T>(const PoolGeom&, const T*, T*);
TS_POOL_INSTANTIATE(float)
TS_POOL_INSTANTIATE(double)

}  // namespace tstorch
