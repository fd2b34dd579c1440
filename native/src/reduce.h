// Reduction kernels of the native backend: sum/prod/max/min/any/all over dims, variance,
// logsumexp, softmax / log_softmax, and max/min with indices (ATen/native/ReduceOps.cpp, SoftMax.cpp).
#pragma once
#include "elementwise_iter.h"

namespace tstorch {

/** Reduction modes (R_sqdev and R_expsum are the second passes of variance and logsumexp). */
enum ReduceMode { R_sum, R_prod, R_max, R_min, R_any, R_all, R_sqdev, R_expsum, R_count };

/**
 * Reduces x (operand 1 of g) into nOut slots: operand 0 holds the output strides laid over x's
 * shape (0 on reduced dims). out = store(result).
 */
void reduce(int mode, Geom& g, Arr x, Arr out, int64_t nOut, Store st);
/** Sum of squared deviations over the reduced dims / max(count - correction, 0), sqrt if asked. */
void varReduce(Geom& g, Arr x, Arr out, int64_t nOut, int64_t count, double correction, bool takeSqrt);
/** log(sum(exp(x))) over the reduced dims; an all-infinite slice gives that infinity. */
void logsumexp(Geom& g, Arr x, Arr out, int64_t nOut);
/** g: x's shape with the dim removed; operand 0 the dense output, 1 x. */
void softmax(Geom& g, Arr x, Arr out, int64_t st, int64_t ost, int64_t size, bool log);
/** g as for softmax; values may have a null pointer; indices are int64 stored as double. */
void reduceArg(Geom& g, Arr x, Arr values, double* indices, int64_t st, int64_t size, bool isMax);

}  // namespace tstorch
