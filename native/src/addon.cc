// The N-API glue: unpacks JavaScript arguments, dispatches on dtype, calls the plain C++ kernels.
// Tensor memory stays in JavaScript ArrayBuffers; kernels read and write it in place, synchronously.
#include <napi.h>

#include <cstdint>

#include "cpu.h"
#include "gemm.h"
#include "threadpool.h"

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

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, Gemm));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa));
  exports.Set("getIsa", Napi::Function::New(env, GetIsa));
  return exports;
}

}  // namespace

NODE_API_MODULE(tstorch, Init)
