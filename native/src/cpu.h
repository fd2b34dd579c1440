// Which vector instructions this CPU has, asked once at load time (runtime dispatch).
#pragma once

namespace tstorch {

enum class Isa { portable = 0, avx2 = 1, avx512 = 2 };

inline Isa detectIsa() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
    return Isa::avx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::avx2;
#endif
  return Isa::portable;
}

/** The instruction set kernels dispatch on; settable for tests (never above what the CPU has). */
Isa activeIsa();
void setIsaLimit(Isa limit);
const char* isaName(Isa isa);

}  // namespace tstorch
