// Fused normalisation kernels of the native backend: batch norm statistics, affine apply and
// backward over contiguous [N, C, L], layer norm forward/backward over contiguous [M, D] rows
// (mirrors src/backend/reference/norm.ts; ATen/native/cpu/batch_norm_kernel.cpp, layer_norm_kernel.cpp).
#pragma once
#include <cstdint>

namespace tstorch {

template <typename T>
void batchNormStats(const T* x, int64_t N, int64_t C, int64_t L, double* mean, double* variance);
template <typename T>
void batchNormApply(const T* x, int64_t N, int64_t C, int64_t L, const double* scale, const double* shift,
                    T* out);
/** gx may be null (only the sums are computed). */
template <typename T>
void batchNormBackward(const T* g, const T* x, int64_t N, int64_t C, int64_t L, const double* mean,
                       const double* invstd, const double* scale, bool training, double* gsum, double* gdot,
                       T* gx);
/** w, b may be null. */
template <typename T>
void layerNorm(const T* x, int64_t M, int64_t D, const T* w, const T* b, double eps, T* out, double* mean,
               double* rstd);
/** w, gx, gw, gb may be null; gw and gb are accumulated into. */
template <typename T>
void layerNormBackward(const T* g, const T* x, int64_t M, int64_t D, const double* mean, const double* rstd,
                       const T* w, T* gx, double* gw, double* gb);

}  // namespace tstorch
