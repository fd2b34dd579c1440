{
  "targets": [{
    "target_name": "tstorch",
    "sources": ["src/addon.cc", "src/threadpool.cc", "src/gemm.cc", "src/gemm_kernels.cc", "src/conv.cc",
      "src/elementwise.cc", "src/reduce.cc", "src/pool.cc", "src/norm.cc",
      "src/threshold.cc",
      "src/axpy.cc", "src/softmax_backward.cc"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
    "cflags_cc!": ["-fno-exceptions"],
    "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "-pthread"],
    "ldflags": ["-pthread"]
  }]
}
