// The interior max-pooling kernel, included by pool.cc once per instruction set inside its own
// namespace and `#pragma GCC target` region (no include guard, no system headers here).

/** take ? a : b by bit masks, so the compiler cannot turn it back into a branch. */
template <typename T>
inline T pick(bool take, T a, T b) {
  using U = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
  U ua, ub;
  std::memcpy(&ua, &a, sizeof a);
  std::memcpy(&ub, &b, sizeof b);
  const U m = static_cast<U>(0) - static_cast<U>(take);
  const U r = (ua & m) | (ub & ~m);
  T out;
  std::memcpy(&out, &r, sizeof out);
  return out;
}

/**
 * Max pooling when every window lies inside the plane without dilation: each window tap is swept
 * across an output row, so consecutive steps are independent (no branch, no per-window bounds).
 */
template <typename T, int SW>
void maxPoolInteriorS(const PoolGeom& g, const T* x, T* out, double* indices, int64_t p0, int64_t p1) {
  // Flat plane offsets fit in 32 bits here (the caller checks H * W), which vectorises better;
  // a compile-time stride SW (0: the geometry's) turns strided loads into shuffles, not gathers.
  std::vector<T> best(g.oW);
  std::vector<int32_t> arg(g.oW);
  const int32_t W = static_cast<int32_t>(g.W), sW = SW > 0 ? SW : static_cast<int32_t>(g.sW);
  const int32_t oW = static_cast<int32_t>(g.oW);
  for (int64_t p = p0; p < p1; p++) {
    const T* plane = x + p * g.H * g.W;
    for (int64_t oh = 0; oh < g.oH; oh++) {
      const int32_t hs = static_cast<int32_t>(oh * g.sH);
      std::fill(best.begin(), best.end(), static_cast<T>(-INFINITY));
      for (int32_t ow = 0; ow < oW; ow++) arg[ow] = hs * W + ow * sW;
      for (int32_t kh = 0; kh < g.kH; kh++) {
        for (int32_t kw = 0; kw < g.kW; kw++) {
          const int32_t base = (hs + kh) * W + kw;
          const T* src = plane + base;
          for (int32_t ow = 0; ow < oW; ow++) {
            const T v = src[ow * sW];
            const bool take = (v > best[ow]) | (v != v);
            best[ow] = take ? v : best[ow];
            arg[ow] = take ? base + ow * sW : arg[ow];
          }
        }
      }
      const int64_t o = (p * g.oH + oh) * g.oW;
      for (int32_t ow = 0; ow < oW; ow++) {
        out[o + ow] = best[ow];
        indices[o + ow] = static_cast<double>(arg[ow]);
      }
    }
  }
}


/**
 * 2 x 2 windows at stride 2 (LeNet's, VGG's): each window's four taps read directly, in the
 * order and with the NaN rule of the general kernel. Rows this short left the general kernel's
 * per-row set-up costing more than the comparisons.
 */
template <typename T>
void maxPool2x2(const PoolGeom& g, const T* x, T* out, double* indices, int64_t p0, int64_t p1) {
  const int32_t W = static_cast<int32_t>(g.W);
  const int32_t oH = static_cast<int32_t>(g.oH), oW = static_cast<int32_t>(g.oW);
  for (int64_t p = p0; p < p1; p++) {
    const T* plane = x + p * g.H * g.W;
    T* o = out + p * oH * oW;
    double* id = indices + p * oH * oW;
    for (int32_t oh = 0; oh < oH; oh++) {
      const int32_t top = 2 * oh * W;
      const int32_t taps[4] = {top, top + 1, top + W, top + W + 1};
      for (int32_t ow = 0; ow < oW; ow++) {
        const int32_t at = 2 * ow;
        T best = plane[taps[0] + at];
        int32_t arg = taps[0] + at;
        for (int k = 1; k < 4; k++) {
          const T v = plane[taps[k] + at];
          const bool take = (v > best) | (v != v);
          best = take ? v : best;
          arg = take ? taps[k] + at : arg;
        }
        o[oh * oW + ow] = best;
        id[oh * oW + ow] = static_cast<double>(arg);
      }
    }
  }
}

template <typename T>
void maxPoolInterior(const PoolGeom& g, const T* x, T* out, double* indices, int64_t p0, int64_t p1) {
  if (g.kH == 2 && g.kW == 2 && g.sH == 2 && g.sW == 2) maxPool2x2(g, x, out, indices, p0, p1);
  else if (g.sW == 2) maxPoolInteriorS<T, 2>(g, x, out, indices, p0, p1);
  else if (g.sW == 1) maxPoolInteriorS<T, 1>(g, x, out, indices, p0, p1);
  else maxPoolInteriorS<T, 0>(g, x, out, indices, p0, p1);
}
