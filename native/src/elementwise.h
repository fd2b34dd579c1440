// Elementwise kernels of the native backend (unary, binary, where, copy/cast, fill) over strided
// views; the N-API glue (addon.cc) fills a Geom whose operand 0 is the output.
#pragma once
#include "elementwise_iter.h"

namespace tstorch {

/** out (operand 0) = op(x (operand 1)); op is a UnaryCode. */
void unary(int op, Geom& g, Arr out, Arr x, Store st);
/** out (operand 0) = op(a (1), b (2)); op is a BinaryCode. */
void binary(int op, Geom& g, Arr out, Arr a, Arr b, Store st);
/** out (0) = c (1) != 0 ? a (2) : b (3). */
void where(Geom& g, Arr out, Arr c, Arr a, Arr b, Store st);
/** dst (0) = src (1), converted as `st` says. */
void copy(Geom& g, Arr dst, Arr src, Store st);
/** dst (0) = value (already of the destination's dtype). */
void fill(Geom& g, Arr dst, double value);

}  // namespace tstorch
