// The N-API glue: unpacks JavaScript arguments, dispatches on dtype, calls the plain C++ kernels.
// Tensor memory stays in JavaScript ArrayBuffers; kernels read and write it in place, synchronously.
#include <napi.h>

#include <cstdint>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "conv.h"
#include "cpu.h"
#include "gemm.h"
#include "threadpool.h"

// elementwise/reduction/pooling/normalisation kernels
#include "elementwise.h"
#include "reduce.h"
#include "pool.h"
#include "norm.h"
#include "threshold.h"
#include "axpy.h"
#include "softmax_backward.h"

namespace tstorch {

namespace {
Isa isaLimit = Isa::avx512;
}

Isa activeIsa() {
  static const Isa hw = detectIsa();
  return static_cast<int>(hw) < static_cast<int>(isaLimit) ? hw : isaLimit;
}

void setIsaLimit(Isa limit) { isaLimit = limit; }

const char* isaName(Isa isa) {
  switch (isa) {
    case Isa::avx512: return "avx512";
    case Isa::avx2: return "avx2";
    default: return "portable";
  }
}

}  // namespace tstorch

namespace {

using tstorch::MatArg;

int64_t I(const Napi::CallbackInfo& info, size_t i) {
  return info[i].As<Napi::Number>().Int64Value();
}

/** The element pointer of a typed array argument (its own byte offset applied). */
template <typename T>
T* Ptr(const Napi::CallbackInfo& info, size_t i) {
  Napi::TypedArray ta = info[i].As<Napi::TypedArray>();
  auto* base = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  return reinterpret_cast<T*>(base);
}

bool IsF32(const Napi::CallbackInfo& info, size_t i) {
  return info[i].As<Napi::TypedArray>().TypedArrayType() == napi_float32_array;
}

// gemm(batch, M, N, K, a, aOff, aBS, aRS, aCS, b, bOff, bBS, bRS, bCS, c, cOff, accumulate)
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  int64_t batch = I(info, 0), M = I(info, 1), N = I(info, 2), K = I(info, 3);
  bool acc = info[16].As<Napi::Boolean>().Value();
  if (IsF32(info, 4)) {
    MatArg<float> a{Ptr<float>(info, 4) + I(info, 5), I(info, 6), I(info, 7), I(info, 8)};
    MatArg<float> b{Ptr<float>(info, 9) + I(info, 10), I(info, 11), I(info, 12), I(info, 13)};
    tstorch::gemm(batch, M, N, K, a, b, Ptr<float>(info, 14) + I(info, 15), acc);
  } else {
    MatArg<double> a{Ptr<double>(info, 4) + I(info, 5), I(info, 6), I(info, 7), I(info, 8)};
    MatArg<double> b{Ptr<double>(info, 9) + I(info, 10), I(info, 11), I(info, 12), I(info, 13)};
    tstorch::gemm(batch, M, N, K, a, b, Ptr<double>(info, 14) + I(info, 15), acc);
  }
  return info.Env().Undefined();
}

// ---- convolution glue (conv.h) ----

/** The Conv2dGeom object of src/backend/backend.ts. */
tstorch::ConvGeom ConvGeomArg(const Napi::Value& v) {
  Napi::Object o = v.As<Napi::Object>();
  auto f = [&](const char* k) { return o.Get(k).As<Napi::Number>().Int64Value(); };
  return tstorch::ConvGeom{f("N"), f("C"), f("H"), f("W"), f("O"), f("kH"), f("kW"), f("sH"),
                           f("sW"), f("pH"), f("pW"), f("dH"), f("dW"), f("groups"), f("oH"), f("oW")};
}

// conv2d(g, x, xOff, w, wOff, bias | null, bOff, out)
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  tstorch::ConvGeom g = ConvGeomArg(info[0]);
  bool hasBias = info[5].IsTypedArray();
  if (IsF32(info, 1)) {
    tstorch::conv2dForward(g, Ptr<float>(info, 1) + I(info, 2), Ptr<float>(info, 3) + I(info, 4),
                           hasBias ? Ptr<float>(info, 5) + I(info, 6) : nullptr, Ptr<float>(info, 7));
  } else {
    tstorch::conv2dForward(g, Ptr<double>(info, 1) + I(info, 2), Ptr<double>(info, 3) + I(info, 4),
                           hasBias ? Ptr<double>(info, 5) + I(info, 6) : nullptr, Ptr<double>(info, 7));
  }
  return info.Env().Undefined();
}

// conv2dBackwardInput(g, gOut, gOff, w, wOff, gIn)
Napi::Value Conv2dBackwardInput(const Napi::CallbackInfo& info) {
  tstorch::ConvGeom g = ConvGeomArg(info[0]);
  if (IsF32(info, 1)) {
    tstorch::conv2dBackwardInput(g, Ptr<float>(info, 1) + I(info, 2), Ptr<float>(info, 3) + I(info, 4),
                                 Ptr<float>(info, 5));
  } else {
    tstorch::conv2dBackwardInput(g, Ptr<double>(info, 1) + I(info, 2), Ptr<double>(info, 3) + I(info, 4),
                                 Ptr<double>(info, 5));
  }
  return info.Env().Undefined();
}

// conv2dBackwardWeight(g, x, xOff, gOut, gOff, gW)
Napi::Value Conv2dBackwardWeight(const Napi::CallbackInfo& info) {
  tstorch::ConvGeom g = ConvGeomArg(info[0]);
  if (IsF32(info, 1)) {
    tstorch::conv2dBackwardWeight(g, Ptr<float>(info, 1) + I(info, 2), Ptr<float>(info, 3) + I(info, 4),
                                  Ptr<float>(info, 5));
  } else {
    tstorch::conv2dBackwardWeight(g, Ptr<double>(info, 1) + I(info, 2), Ptr<double>(info, 3) + I(info, 4),
                                  Ptr<double>(info, 5));
  }
  return info.Env().Undefined();
}

// ---- end of convolution glue ----

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  tstorch::setNumThreads(static_cast<int>(I(info, 0)));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), tstorch::getNumThreads());
}

// setIsa('avx512' | 'avx2' | 'portable'): caps the instruction set (parity tests run every path).
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  tstorch::Isa isa = name == "avx512" ? tstorch::Isa::avx512
                   : name == "avx2"   ? tstorch::Isa::avx2
                                      : tstorch::Isa::portable;
  tstorch::setIsaLimit(isa);
  return Napi::String::New(info.Env(), tstorch::isaName(tstorch::activeIsa()));
}

Napi::Value GetIsa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), tstorch::isaName(tstorch::activeIsa()));
}

// ---- Elementwise, reduction, pooling and normalisation glue (elementwise.h, reduce.h, pool.h,
// norm.h). Geometry comes packed in a Float64Array `meta`: [nd, shape..., then per strided operand
// offset, strides...]; contiguous outputs get dense strides here. ----
namespace {

using tstorch::Arr;
using tstorch::DType;
using tstorch::Geom;
using tstorch::Store;

/** A typed array argument's element pointer and type, from one napi_get_typedarray_info call. */
Arr ArrOf(const Napi::CallbackInfo& info, size_t i) {
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_get_typedarray_info(info.Env(), info[i], &type, &length, &data, nullptr, nullptr);
  switch (type) {
    case napi_float32_array: return {data, DType::f32};
    case napi_float64_array: return {data, DType::f64};
    case napi_int32_array: return {data, DType::i32};
    default: return {data, DType::u8};
  }
}

Store StoreOf(const Napi::CallbackInfo& info, size_t i) {
  return static_cast<Store>(info[i].As<Napi::Number>().Int32Value());
}

/** Reads [nd, shape, (off, strides) x nIn] from meta into operands first.. of g. */
void ReadGeom(const Napi::CallbackInfo& info, size_t metaArg, int first, int nIn, Geom& g) {
  const double* m = static_cast<const double*>(ArrOf(info, metaArg).p);
  g.nd = static_cast<int>(m[0]);
  g.nops = first + nIn;
  for (int d = 0; d < g.nd; d++) g.shape[d] = static_cast<int64_t>(m[1 + d]);
  const double* p = m + 1 + g.nd;
  for (int k = first; k < first + nIn; k++) {
    g.off[k] = static_cast<int64_t>(*p++);
    for (int d = 0; d < g.nd; d++) g.str[k][d] = static_cast<int64_t>(*p++);
  }
  if (first == 1) {
    g.off[0] = 0;
    g.setDense(0);
  }
}

// unary(op, x, out, store, meta[x])
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Geom g;
  ReadGeom(info, 4, 1, 1, g);
  tstorch::unary(static_cast<int>(I(info, 0)), g, ArrOf(info, 2), ArrOf(info, 1), StoreOf(info, 3));
  return info.Env().Undefined();
}

// binary(op, a, b, out, store, meta[a, b])
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Geom g;
  ReadGeom(info, 5, 1, 2, g);
  tstorch::binary(static_cast<int>(I(info, 0)), g, ArrOf(info, 3), ArrOf(info, 1), ArrOf(info, 2),
                  StoreOf(info, 4));
  return info.Env().Undefined();
}

// binaryScalar(op, a, s, out, store, reversed, meta[a]): the scalar is a stride-0 float64 operand.
Napi::Value BinaryScalar(const Napi::CallbackInfo& info) {
  Geom g;
  ReadGeom(info, 6, 1, 1, g);
  g.nops = 3;
  double s = info[2].As<Napi::Number>().DoubleValue();
  Arr sa{&s, DType::f64};
  bool reversed = info[5].As<Napi::Boolean>().Value();
  if (reversed) {
    for (int d = 0; d < g.nd; d++) g.str[2][d] = g.str[1][d];
    g.off[2] = g.off[1];
  }
  int sk = reversed ? 1 : 2;
  g.off[sk] = 0;
  for (int d = 0; d < g.nd; d++) g.str[sk][d] = 0;
  Arr a = ArrOf(info, 1);
  tstorch::binary(static_cast<int>(I(info, 0)), g, ArrOf(info, 3), reversed ? sa : a, reversed ? a : sa,
                  StoreOf(info, 4));
  return info.Env().Undefined();
}

// where(cond, a, b, out, store, meta[cond, a, b])
Napi::Value Where(const Napi::CallbackInfo& info) {
  Geom g;
  ReadGeom(info, 5, 1, 3, g);
  tstorch::where(g, ArrOf(info, 3), ArrOf(info, 0), ArrOf(info, 1), ArrOf(info, 2), StoreOf(info, 4));
  return info.Env().Undefined();
}

// copy(src, dst, store, meta[dst, src])
Napi::Value Copy(const Napi::CallbackInfo& info) {
  Geom g;
  ReadGeom(info, 3, 0, 2, g);
  tstorch::copy(g, ArrOf(info, 1), ArrOf(info, 0), StoreOf(info, 2));
  return info.Env().Undefined();
}

// fill(dst, value, meta[dst])
Napi::Value Fill(const Napi::CallbackInfo& info) {
  Geom g;
  ReadGeom(info, 2, 0, 1, g);
  tstorch::fill(g, ArrOf(info, 0), info[1].As<Napi::Number>().DoubleValue());
  return info.Env().Undefined();
}

int64_t Len(const Napi::CallbackInfo& info, size_t i) {
  return static_cast<int64_t>(info[i].As<Napi::TypedArray>().ElementLength());
}

// reduce(mode, x, out, store, meta[outStrides, x])
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Geom g;
  ReadGeom(info, 4, 0, 2, g);
  tstorch::reduce(static_cast<int>(I(info, 0)), g, ArrOf(info, 1), ArrOf(info, 2), Len(info, 2),
                  StoreOf(info, 3));
  return info.Env().Undefined();
}

// varReduce(x, out, count, correction, takeSqrt, meta[outStrides, x])
Napi::Value VarReduce(const Napi::CallbackInfo& info) {
  Geom g;
  ReadGeom(info, 5, 0, 2, g);
  tstorch::varReduce(g, ArrOf(info, 0), ArrOf(info, 1), Len(info, 1), I(info, 2),
                     info[3].As<Napi::Number>().DoubleValue(), info[4].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

// logsumexp(x, out, meta[outStrides, x])
Napi::Value LogSumExp(const Napi::CallbackInfo& info) {
  Geom g;
  ReadGeom(info, 2, 0, 2, g);
  tstorch::logsumexp(g, ArrOf(info, 0), ArrOf(info, 1), Len(info, 1));
  return info.Env().Undefined();
}

// softmax(x, out, st, ost, size, log, meta[out, x] over x's shape without the dim)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Geom g;
  ReadGeom(info, 6, 0, 2, g);
  tstorch::softmax(g, ArrOf(info, 0), ArrOf(info, 1), I(info, 2), I(info, 3), I(info, 4),
                   info[5].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

// reduceArg(x, values | null, indices, st, size, isMax, meta[indices, x] without the dim)
Napi::Value ReduceArg(const Napi::CallbackInfo& info) {
  Geom g;
  ReadGeom(info, 6, 0, 2, g);
  Arr values{nullptr, DType::f64};
  if (!info[1].IsNull()) values = ArrOf(info, 1);
  tstorch::reduceArg(g, ArrOf(info, 0), values, Ptr<double>(info, 2), I(info, 3), I(info, 4),
                     info[5].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

tstorch::PoolGeom PoolGeomOf(const Napi::CallbackInfo& info, size_t i) {
  const double* m = Ptr<double>(info, i);
  auto v = [&](int k) { return static_cast<int64_t>(m[k]); };
  return {v(0), v(1), v(2), v(3), v(4), v(5), v(6), v(7), v(8), v(9), v(10), v(11), v(12)};
}

/** Argument i's element pointer, advanced by the element offset in argument j (when j > 0). */
template <typename T>
T* At(const Napi::CallbackInfo& info, size_t i, size_t j = 0) {
  return Ptr<T>(info, i) + (j > 0 ? I(info, j) : 0);
}

// Pooling: (geom meta, data, dataOff, ...) with float32 or float64 data, one dtype per call.
#define TS_FLOAT_DISPATCH(arg, call)  \
  if (IsF32(info, arg)) {             \
    using T = float;                  \
    call;                             \
  } else {                            \
    using T = double;                 \
    call;                             \
  }                                   \
  return info.Env().Undefined();

Napi::Value MaxPool2d(const Napi::CallbackInfo& info) {
  auto g = PoolGeomOf(info, 0);
  TS_FLOAT_DISPATCH(1, tstorch::maxPool2d(g, At<T>(info, 1, 2), At<T>(info, 3), At<double>(info, 4)))
}

Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info) {
  auto g = PoolGeomOf(info, 0);
  TS_FLOAT_DISPATCH(1, tstorch::maxPool2dBackward(g, At<T>(info, 1, 2), At<double>(info, 3), At<T>(info, 4)))
}

Napi::Value MaxPool2dGather(const Napi::CallbackInfo& info) {
  auto g = PoolGeomOf(info, 0);
  TS_FLOAT_DISPATCH(1, tstorch::maxPool2dGather(g, At<T>(info, 1, 2), At<double>(info, 3), At<T>(info, 4)))
}

Napi::Value AvgPool2d(const Napi::CallbackInfo& info) {
  auto g = PoolGeomOf(info, 0);
  bool cip = info[4].As<Napi::Boolean>().Value();
  double div = info[5].As<Napi::Number>().DoubleValue();
  TS_FLOAT_DISPATCH(1, tstorch::avgPool2d(g, At<T>(info, 1, 2), At<T>(info, 3), cip, div))
}

Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info) {
  auto g = PoolGeomOf(info, 0);
  bool cip = info[4].As<Napi::Boolean>().Value();
  double div = info[5].As<Napi::Number>().DoubleValue();
  TS_FLOAT_DISPATCH(1, tstorch::avgPool2dBackward(g, At<T>(info, 1, 2), At<T>(info, 3), cip, div))
}

Napi::Value AdaptiveAvgPool2d(const Napi::CallbackInfo& info) {
  auto g = PoolGeomOf(info, 0);
  TS_FLOAT_DISPATCH(1, tstorch::adaptiveAvgPool2d(g, At<T>(info, 1, 2), At<T>(info, 3)))
}

Napi::Value AdaptiveAvgPool2dBackward(const Napi::CallbackInfo& info) {
  auto g = PoolGeomOf(info, 0);
  TS_FLOAT_DISPATCH(1, tstorch::adaptiveAvgPool2dBackward(g, At<T>(info, 1, 2), At<T>(info, 3)))
}

template <typename T>
T* PtrOrNull(const Napi::CallbackInfo& info, size_t i) {
  return info[i].IsNull() ? nullptr : Ptr<T>(info, i);
}

// batchNormStats(x, xOff, N, C, L, mean, variance)
Napi::Value BatchNormStats(const Napi::CallbackInfo& info) {
  int64_t N = I(info, 2), C = I(info, 3), L = I(info, 4);
  double* mean = Ptr<double>(info, 5);
  double* var = Ptr<double>(info, 6);
  TS_FLOAT_DISPATCH(0, tstorch::batchNormStats(At<T>(info, 0, 1), N, C, L, mean, var))
}

// batchNormApply(x, xOff, N, C, L, scale, shift, out)
Napi::Value BatchNormApply(const Napi::CallbackInfo& info) {
  int64_t N = I(info, 2), C = I(info, 3), L = I(info, 4);
  const double* sc = Ptr<double>(info, 5);
  const double* sh = Ptr<double>(info, 6);
  TS_FLOAT_DISPATCH(0, tstorch::batchNormApply(At<T>(info, 0, 1), N, C, L, sc, sh, At<T>(info, 7)))
}

// batchNormBackward(g, gOff, x, xOff, N, C, L, mean, invstd, scale, training, gsum, gdot, gx | null)
template <typename T>
void BatchNormBackwardT(const Napi::CallbackInfo& info) {
  tstorch::batchNormBackward(At<T>(info, 0, 1), At<T>(info, 2, 3), I(info, 4), I(info, 5), I(info, 6),
                             At<double>(info, 7), At<double>(info, 8), At<double>(info, 9),
                             info[10].As<Napi::Boolean>().Value(), At<double>(info, 11), At<double>(info, 12),
                             PtrOrNull<T>(info, 13));
}

Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  TS_FLOAT_DISPATCH(0, BatchNormBackwardT<T>(info))
}

// layerNorm(x, xOff, M, D, w | null, wOff, b | null, bOff, eps, out, mean, rstd)
template <typename T>
void LayerNormT(const Napi::CallbackInfo& info) {
  const T* w = PtrOrNull<T>(info, 4);
  const T* b = PtrOrNull<T>(info, 6);
  tstorch::layerNorm(Ptr<T>(info, 0) + I(info, 1), I(info, 2), I(info, 3), w ? w + I(info, 5) : nullptr,
                     b ? b + I(info, 7) : nullptr, info[8].As<Napi::Number>().DoubleValue(), Ptr<T>(info, 9),
                     Ptr<double>(info, 10), Ptr<double>(info, 11));
}

Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  if (IsF32(info, 0)) LayerNormT<float>(info);
  else LayerNormT<double>(info);
  return info.Env().Undefined();
}

// layerNormBackward(g, gOff, x, xOff, M, D, mean, rstd, w | null, wOff, gx | null, gw | null, gb | null)
template <typename T>
void LayerNormBackwardT(const Napi::CallbackInfo& info) {
  const T* w = PtrOrNull<T>(info, 8);
  tstorch::layerNormBackward(At<T>(info, 0, 1), At<T>(info, 2, 3), I(info, 4), I(info, 5),
                             At<double>(info, 6), At<double>(info, 7), w ? w + I(info, 9) : nullptr,
                             PtrOrNull<T>(info, 10),
                             PtrOrNull<double>(info, 11), PtrOrNull<double>(info, 12));
}

Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  if (IsF32(info, 0)) LayerNormBackwardT<float>(info);
  else LayerNormBackwardT<double>(info);
  return info.Env().Undefined();
}

// thresholdBackward(g, gOff, gStride, x, xOff, n, threshold, out): one float dtype for all three arrays
Napi::Value ThresholdBackward(const Napi::CallbackInfo& info) {
  const double th = info[6].As<Napi::Number>().DoubleValue();
  TS_FLOAT_DISPATCH(0, tstorch::thresholdBackward(At<T>(info, 0, 1), I(info, 2) == 0, At<T>(info, 3, 4),
                                                  I(info, 5), th, At<T>(info, 7)))
}

// addScaled(a, aOff, b, bOff, n, alpha, out, outOff): one float dtype for all three arrays
Napi::Value AddScaled(const Napi::CallbackInfo& info) {
  const double alpha = info[5].As<Napi::Number>().DoubleValue();
  TS_FLOAT_DISPATCH(0, tstorch::addScaled(At<T>(info, 0, 1), At<T>(info, 2, 3), I(info, 4), alpha,
                                          At<T>(info, 6, 7)))
}

// logSoftmaxBackward(g, gOff, y, yOff, outer, size, inner, out): one float dtype for all three arrays
Napi::Value LogSoftmaxBackward(const Napi::CallbackInfo& info) {
  TS_FLOAT_DISPATCH(0, tstorch::logSoftmaxBackward(At<T>(info, 0, 1), At<T>(info, 2, 3), I(info, 4),
                                                   I(info, 5), I(info, 6), At<T>(info, 7)))
}

void InitKernels(Napi::Env env, Napi::Object exports) {
  exports.Set("logSoftmaxBackward", Napi::Function::New(env, LogSoftmaxBackward));
  exports.Set("addScaled", Napi::Function::New(env, AddScaled));
  exports.Set("thresholdBackward", Napi::Function::New(env, ThresholdBackward));
  exports.Set("batchNormStats", Napi::Function::New(env, BatchNormStats));
  exports.Set("batchNormApply", Napi::Function::New(env, BatchNormApply));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm));
  exports.Set("layerNormBackward", Napi::Function::New(env, LayerNormBackward));
  exports.Set("maxPool2d", Napi::Function::New(env, MaxPool2d));
  exports.Set("maxPool2dBackward", Napi::Function::New(env, MaxPool2dBackward));
  exports.Set("maxPool2dGather", Napi::Function::New(env, MaxPool2dGather));
  exports.Set("avgPool2d", Napi::Function::New(env, AvgPool2d));
  exports.Set("avgPool2dBackward", Napi::Function::New(env, AvgPool2dBackward));
  exports.Set("adaptiveAvgPool2d", Napi::Function::New(env, AdaptiveAvgPool2d));
  exports.Set("adaptiveAvgPool2dBackward", Napi::Function::New(env, AdaptiveAvgPool2dBackward));
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("varReduce", Napi::Function::New(env, VarReduce));
  exports.Set("logsumexp", Napi::Function::New(env, LogSumExp));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("reduceArg", Napi::Function::New(env, ReduceArg));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("binaryScalar", Napi::Function::New(env, BinaryScalar));
  exports.Set("where", Napi::Function::New(env, Where));
  exports.Set("copy", Napi::Function::New(env, Copy));
  exports.Set("fill", Napi::Function::New(env, Fill));
}

}  // namespace
// ---- end of the elementwise/reduction/pooling/normalisation glue ----

// Every op allocates its output, as in PyTorch. glibc would serve large blocks with fresh mmap pages
// and unmap them when V8 frees them, so each new output page-faults its whole size again; keeping
// freed blocks in the heap lets the next output reuse warm pages (like PyTorch's CPU allocator).
void TuneAllocator() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  TuneAllocator();
  InitKernels(env, exports);
  exports.Set("gemm", Napi::Function::New(env, Gemm));
  exports.Set("conv2d", Napi::Function::New(env, Conv2d));
  exports.Set("conv2dBackwardInput", Napi::Function::New(env, Conv2dBackwardInput));
  exports.Set("conv2dBackwardWeight", Napi::Function::New(env, Conv2dBackwardWeight));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa));
  exports.Set("getIsa", Napi::Function::New(env, GetIsa));
  return exports;
}

}  // namespace

NODE_API_MODULE(tstorch, Init)
