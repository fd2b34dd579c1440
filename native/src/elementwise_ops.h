// The pointwise math of the elementwise kernels, in double, mirroring unaryFns / binaryFns of
// src/backend/reference/elementwise.ts (the executable spec) case by case. Op codes follow the order
// of UnaryOp and BinaryOp in src/backend/backend.ts (src/backend/native/index.ts sends them).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace tstorch {

enum UnaryCode {
  U_neg, U_exp, U_log, U_sqrt, U_rsqrt, U_abs, U_sigmoid, U_tanh, U_relu, U_sin, U_cos, U_tan, U_asin,
  U_acos, U_atan, U_sinh, U_cosh, U_asinh, U_acosh, U_atanh, U_log2, U_log10, U_log1p, U_expm1, U_floor,
  U_ceil, U_round, U_trunc, U_frac, U_sign, U_reciprocal, U_square, U_erf, U_erfc, U_logical_not, U_isnan,
  U_isinf, U_isfinite, U_exp2, U_softplus, U_gelu, U_gelu_tanh, U_silu, U_mish, U_relu6, U_hardsigmoid,
  U_hardswish, U_selu, U_elu1, U_count
};

enum BinaryCode {
  B_add, B_sub, B_mul, B_div, B_pow, B_maximum, B_minimum, B_eq, B_ne, B_lt, B_le, B_gt, B_ge, B_atan2,
  B_fmod, B_remainder, B_floor_divide, B_logical_and, B_logical_or, B_logical_xor, B_bitwise_and,
  B_bitwise_or, B_bitwise_xor, B_div_trunc, B_div_floor, B_hypot, B_copysign, B_xlogy, B_fmax, B_fmin,
  B_count
};

/** Calls f(std::integral_constant<int, op>) for a runtime op code in [K, N). */
template <int K, int N, class F>
inline void dispatchOp(int op, F&& f) {
  if constexpr (K < N) {
    if (op == K) {
      f(std::integral_constant<int, K>{});
    } else {
      dispatchOp<K + 1, N>(op, f);
    }
  }
}

inline double softplusD(double x) { return x > 20 ? x : std::log1p(std::exp(x)); }

template <int OP>
inline double unaryFn(double x) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  if constexpr (OP == U_neg) return -x;
  if constexpr (OP == U_exp) return std::exp(x);
  if constexpr (OP == U_log) return std::log(x);
  if constexpr (OP == U_sqrt) return std::sqrt(x);
  if constexpr (OP == U_rsqrt) return 1 / std::sqrt(x);
  if constexpr (OP == U_abs) return std::fabs(x);
  if constexpr (OP == U_sigmoid) return 1 / (1 + std::exp(-x));
  if constexpr (OP == U_tanh) return std::tanh(x);
  if constexpr (OP == U_relu) return x > 0 ? x : (x != x ? x : 0.0);
  if constexpr (OP == U_sin) return std::sin(x);
  if constexpr (OP == U_cos) return std::cos(x);
  if constexpr (OP == U_tan) return std::tan(x);
  if constexpr (OP == U_asin) return std::asin(x);
  if constexpr (OP == U_acos) return std::acos(x);
  if constexpr (OP == U_atan) return std::atan(x);
  if constexpr (OP == U_sinh) return std::sinh(x);
  if constexpr (OP == U_cosh) return std::cosh(x);
  if constexpr (OP == U_asinh) return std::asinh(x);
  if constexpr (OP == U_acosh) return std::acosh(x);
  if constexpr (OP == U_atanh) return std::atanh(x);
  if constexpr (OP == U_log2) return std::log2(x);
  if constexpr (OP == U_log10) return std::log10(x);
  if constexpr (OP == U_log1p) return std::log1p(x);
  if constexpr (OP == U_expm1) return std::expm1(x);
  if constexpr (OP == U_floor) return std::floor(x);
  if constexpr (OP == U_ceil) return std::ceil(x);
  if constexpr (OP == U_round) return std::nearbyint(x);  // half to even, as PyTorch
  if constexpr (OP == U_trunc) return std::trunc(x);
  if constexpr (OP == U_frac) return x - std::trunc(x);
  if constexpr (OP == U_sign) return x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : x;
  if constexpr (OP == U_reciprocal) return 1 / x;
  if constexpr (OP == U_square) return x * x;
  if constexpr (OP == U_erf) return std::erf(x);
  if constexpr (OP == U_erfc) return std::erfc(x);
  if constexpr (OP == U_logical_not) return x == 0 ? 1.0 : 0.0;
  if constexpr (OP == U_isnan) return x != x ? 1.0 : 0.0;
  if constexpr (OP == U_isinf) return std::isinf(x) ? 1.0 : 0.0;
  if constexpr (OP == U_isfinite) return std::isfinite(x) ? 1.0 : 0.0;
  if constexpr (OP == U_exp2) return std::pow(2.0, x);
  if constexpr (OP == U_softplus) return softplusD(x);
  if constexpr (OP == U_gelu) return 0.5 * x * (1 + std::erf(x * M_SQRT1_2));
  if constexpr (OP == U_gelu_tanh) {
    return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
  }
  if constexpr (OP == U_silu) return x / (1 + std::exp(-x));
  if constexpr (OP == U_mish) return x * std::tanh(softplusD(x));
  if constexpr (OP == U_relu6) {
    if (x != x) return x;
    const double r = x > 0 ? x : 0.0;
    return r < 6 ? r : 6.0;
  }
  if constexpr (OP == U_hardsigmoid) {
    const double v = x / 6 + 0.5;
    if (v != v) return v;
    return v > 1 ? 1.0 : v > 0 ? v : 0.0;
  }
  if constexpr (OP == U_hardswish) {
    const double v = x + 3;
    const double c = v != v ? v : v > 6 ? 6.0 : v > 0 ? v : 0.0;
    return (x * c) / 6;
  }
  if constexpr (OP == U_selu) {
    return 1.0507009873554804934193349852946 *
           (x > 0 ? x : 1.6732632423543772848170429916717 * std::expm1(x));
  }
  if constexpr (OP == U_elu1) return x > 0 ? x : std::expm1(x);
  return nan;
}

/** JavaScript's Math.pow: differs from C's pow where the base is +-1 and the exponent NaN or inf. */
inline double jsPow(double a, double b) {
  if (b != b) return std::numeric_limits<double>::quiet_NaN();
  if (std::fabs(a) == 1 && std::isinf(b)) return std::numeric_limits<double>::quiet_NaN();
  return std::pow(a, b);
}

template <int OP>
inline double binaryFn(double a, double b) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  if constexpr (OP == B_add) return a + b;
  if constexpr (OP == B_sub) return a - b;
  if constexpr (OP == B_mul) return a * b;
  if constexpr (OP == B_div) return a / b;
  if constexpr (OP == B_pow) return jsPow(a, b);
  if constexpr (OP == B_maximum) return (a != a || b != b) ? nan : a > b ? a : b;
  if constexpr (OP == B_minimum) return (a != a || b != b) ? nan : a < b ? a : b;
  if constexpr (OP == B_fmax) return a != a ? b : b != b ? a : a > b ? a : b;
  if constexpr (OP == B_fmin) return a != a ? b : b != b ? a : a < b ? a : b;
  if constexpr (OP == B_eq) return a == b ? 1.0 : 0.0;
  if constexpr (OP == B_ne) return a != b ? 1.0 : 0.0;
  if constexpr (OP == B_lt) return a < b ? 1.0 : 0.0;
  if constexpr (OP == B_le) return a <= b ? 1.0 : 0.0;
  if constexpr (OP == B_gt) return a > b ? 1.0 : 0.0;
  if constexpr (OP == B_ge) return a >= b ? 1.0 : 0.0;
  if constexpr (OP == B_atan2) return std::atan2(a, b);
  if constexpr (OP == B_hypot) return std::hypot(a, b);
  if constexpr (OP == B_fmod) return std::fmod(a, b);
  if constexpr (OP == B_remainder) {
    const double r = std::fmod(a, b);
    return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
  }
  if constexpr (OP == B_floor_divide || OP == B_div_floor) return std::floor(a / b);
  if constexpr (OP == B_div_trunc) return std::trunc(a / b);
  if constexpr (OP == B_logical_and) return (a != 0 && b != 0) ? 1.0 : 0.0;
  if constexpr (OP == B_logical_or) return (a != 0 || b != 0) ? 1.0 : 0.0;
  if constexpr (OP == B_logical_xor) return ((a != 0) != (b != 0)) ? 1.0 : 0.0;
  if constexpr (OP == B_bitwise_and) {
    return static_cast<double>(static_cast<int64_t>(a) & static_cast<int64_t>(b));
  }
  if constexpr (OP == B_bitwise_or) {
    return static_cast<double>(static_cast<int64_t>(a) | static_cast<int64_t>(b));
  }
  if constexpr (OP == B_bitwise_xor) {
    return static_cast<double>(static_cast<int64_t>(a) ^ static_cast<int64_t>(b));
  }
  if constexpr (OP == B_copysign) {
    return (b < 0 || (b == 0 && std::signbit(b))) ? -std::fabs(a) : std::fabs(a);
  }
  if constexpr (OP == B_xlogy) return b != b ? nan : a == 0 ? 0.0 : a * std::log(b);
  return nan;
}

}  // namespace tstorch
