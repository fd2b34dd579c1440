// 2-D convolution kernels (ATen/native/ConvolutionMM2d.cpp's role). Stride-1 convolutions run as
// an implicit GEMM over a zero-padded copy of each image: with positions numbered p = oh*Wp + ow
// in the padded width Wp, tap (c, kh, kw) reads the padded image at p + c*Hp*Wp + kh*dH*Wp + kw*dW,
// a contiguous window, so the micro-kernel loads B straight from the image (no im2col) and the
// Wp - oW columns per row it computes beyond the output are dropped. The input gradient is the
// same convolution of the output gradient with flipped, transposed weights; the weight gradient
// is dot products of output-gradient rows with image windows. 1x1 convolutions are plain GEMMs
// on the NCHW data, and other strides go through im2col / col2im and the GEMM.
#include "conv.h"

#include <algorithm>
#include <vector>

#include "gemm.h"
#include "gemm_kernels.h"
#include "threadpool.h"

namespace tstorch {
namespace {

/** Most elements of padded images held at once; batches are processed in chunks below it. */
constexpr int64_t kPadBudget = int64_t(1) << 22;
/** Positions per block of the weight gradient's dot products (rows of 4-8 KiB). */
constexpr int64_t kDotBlock = 1024;

/**
 * Whether the threads split a batch of N images between them, each thread taking whole images
 * (padded into its own buffer, so they stay in its core's cache): when the split is even, or
 * uneven by at most a quarter. Otherwise they share each image.
 */
bool imagesPerThread(int64_t N, int64_t threads) { return N % threads == 0 || N >= 4 * threads; }

/** A stride-1 convolution: in [N, Cin, Hin, Win] -> out [N, Cout, Hout, Wout], top/left pad pT, pL. */
struct Direct {
  int64_t N, Cin, Hin, Win, Cout, Hout, Wout, kH, kW, dH, dW, pT, pL, groups;
  int64_t Hp() const { return Hout + (kH - 1) * dH; }
  int64_t Wp() const { return Wout + (kW - 1) * dW; }
  int64_t plane() const { return Hp() * Wp(); }
  /** Positions computed per image (the padded-width rows of the output). */
  int64_t positions() const { return Hout * Wp(); }
  int64_t K() const { return Cin / groups * kH * kW; }
};

/** Copies planes [H, W] into zero-padded planes [Hp, Wp] with the data at (pT, pL) (may crop). */
template <typename T>
void padPlane(const T* src, int64_t H, int64_t W, T* dst, int64_t Hp, int64_t Wp, int64_t pT, int64_t pL) {
  const int64_t c0 = std::max<int64_t>(0, pL), c1 = std::min(Wp, W + pL);
  for (int64_t r = 0; r < Hp; r++) {
    T* d = dst + r * Wp;
    const int64_t sr = r - pT;
    if (sr < 0 || sr >= H || c0 >= c1) {
      std::fill(d, d + Wp, T(0));
      continue;
    }
    std::fill(d, d + c0, T(0));
    std::copy(src + sr * W + (c0 - pL), src + sr * W + (c1 - pL), d + c0);
    std::fill(d + c1, d + Wp, T(0));
  }
}

/** Pads images [n0, n0 + nb) of in into buf (stride imgPad per image, zeroed slack at the end). */
template <typename T>
void padImages(const Direct& g, const T* in, int64_t n0, int64_t nb, T* buf, int64_t imgPad) {
  const int64_t planes = nb * g.Cin, plane = g.plane();
  parallelFor(planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(plane, 1)), [&](int64_t q0, int64_t q1) {
    for (int64_t q = q0; q < q1; q++) {
      const int64_t j = q / g.Cin, c = q % g.Cin;
      padPlane(in + ((n0 + j) * g.Cin + c) * g.Hin * g.Win, g.Hin, g.Win, buf + j * imgPad + c * plane,
               g.Hp(), g.Wp(), g.pT, g.pL);
    }
  });
  for (int64_t j = 0; j < nb; j++) {
    std::fill(buf + j * imgPad + g.Cin * plane, buf + (j + 1) * imgPad, T(0));
  }
}

/** Offsets of the taps (c, kh, kw) of one group within a padded image. */
std::vector<int64_t> tapOffsets(const Direct& g) {
  std::vector<int64_t> offs;
  offs.reserve(g.K());
  for (int64_t c = 0; c < g.Cin / g.groups; c++) {
    for (int64_t kh = 0; kh < g.kH; kh++) {
      for (int64_t kw = 0; kw < g.kW; kw++) offs.push_back(c * g.plane() + kh * g.dH * g.Wp() + kw * g.dW);
    }
  }
  return offs;
}

/**
 * Writes rows of a tile (positions p0 .. p0+np of the padded-width numbering) into out planes
 * [Hout, Wout] (row i at out + i*planeOut), skipping the columns past Wout, adding bias[i].
 */
template <typename T>
void scatterTile(const T* tile, int64_t ldt, int rows, int64_t p0, int64_t np, const Direct& g, T* out,
                 const T* bias, bool acc) {
  const int64_t Wp = g.Wp(), planeOut = g.Hout * g.Wout;
  for (int i = 0; i < rows; i++) {
    const T* t = tile + i * ldt;
    T* o = out + i * planeOut;
    const T bv = bias ? bias[i] : T(0);
    int64_t q = 0, oh = p0 / Wp, ow = p0 % Wp;
    while (q < np) {
      const int64_t seg = std::min(np - q, Wp - ow);
      const int64_t valid = std::max<int64_t>(0, std::min(seg, g.Wout - ow));
      T* d = o + oh * g.Wout + ow;
      if (acc) {
        for (int64_t j = 0; j < valid; j++) d[j] += t[q + j];
      } else {
        for (int64_t j = 0; j < valid; j++) d[j] = t[q + j] + bv;
      }
      q += seg;
      oh++;
      ow = 0;
    }
  }
}

/**
 * out (+)= the stride-1 convolution g of in, with packed weights pw: per group, slivers of cmr
 * output channels, each K steps of cmr values (rows past the group's channels are zeros).
 */
template <typename T>
void directConv(const Direct& g, const T* in, const T* pw, const T* bias, T* out, bool acc) {
  const Kernels<T>& kr = kernelsFor(T());
  const int CMR = kr.cmr, CNR = kr.cnr;
  const int64_t Cg = g.Cin / g.groups, Og = g.Cout / g.groups, K = g.K();
  const int64_t nOs = (Og + CMR - 1) / CMR, plane = g.plane(), P = g.positions();
  const int64_t imgPad = g.Cin * plane + CNR + g.Wp();
  const std::vector<int64_t> offs = tapOffsets(g);
  const int64_t tiles = (P + CNR - 1) / CNR, threads = getNumThreads();
  /** The tiles [tl0, tl1) of one padded image (image n of the batch); tile is a CMR x CNR scratch. */
  const auto imageTiles = [&](const T* img, int64_t n, int64_t tl0, int64_t tl1, T* tile) {
    T* o = out + n * g.Cout * g.Hout * g.Wout;
    for (int64_t tl = tl0; tl < tl1; tl++) {
      const int64_t p0 = tl * CNR, np = std::min<int64_t>(CNR, P - p0);
      for (int64_t grp = 0; grp < g.groups; grp++) {
        for (int64_t os = 0; os < nOs; os++) {
          const int64_t oc = grp * Og + os * CMR;
          const int rows = static_cast<int>(std::min<int64_t>(CMR, Og - os * CMR));
          kr.convMicro(K, pw + (grp * nOs + os) * K * CMR, img + grp * Cg * plane + p0, offs.data(), tile);
          scatterTile(tile, CNR, rows, p0, np, g, o + oc * g.Hout * g.Wout, bias ? bias + oc : nullptr, acc);
        }
      }
    }
  };
  if (imagesPerThread(g.N, threads)) {
    // Each thread pads its own images one at a time into its own buffer and convolves each while
    // it is in the core's L2 (padding the whole batch first left it in L3 for the second pass).
    parallelFor(threads, 1, [&](int64_t r0, int64_t r1) {
      static thread_local Buffer<T> own;
      T* img = own.get(imgPad);
      alignas(64) T tile[32 * 64];
      for (int64_t r = r0; r < r1; r++) {
        for (int64_t n = g.N * r / threads; n < g.N * (r + 1) / threads; n++) {
          padImages(g, in, n, 1, img, imgPad);  // serial here: inside a parallel chunk
          imageTiles(img, n, 0, tiles, tile);
        }
      }
    });
    return;
  }
  // Fewer images than the threads share evenly: the threads split each image's positions, in up
  // to 8 tiles a task and a number of tasks per image that the threads share evenly (a thread's
  // tasks are contiguous, so they also share the image's rows in cache).
  const int64_t perTask = (tiles + threads * ((tiles + 8 * threads - 1) / (8 * threads)) - 1) /
                          (threads * ((tiles + 8 * threads - 1) / (8 * threads)));
  const int64_t blocks = (tiles + perTask - 1) / perTask;
  const int64_t chunk = std::max<int64_t>(1, std::min(g.N, kPadBudget / imgPad));
  static thread_local Buffer<T> padBuf;
  T* buf = padBuf.get(std::min(chunk, g.N) * imgPad);
  for (int64_t n0 = 0; n0 < g.N; n0 += chunk) {
    const int64_t nb = std::min(chunk, g.N - n0);
    padImages(g, in, n0, nb, buf, imgPad);
    parallelFor(nb * blocks, 1, [&](int64_t t0, int64_t t1) {
      alignas(64) T tile[32 * 64];
      for (int64_t t = t0; t < t1; t++) {
        const int64_t j = t / blocks, blk = t % blocks;
        imageTiles(buf + j * imgPad, n0 + j, blk * perTask, std::min(tiles, (blk + 1) * perTask), tile);
      }
    });
  }
}

/** Depthwise (one input and one output channel per group): a weighted sum of windows per plane. */
template <typename T>
void depthwiseConv(const Direct& g, const T* in, const T* wk, const T* bias, T* out, bool acc) {
  const Kernels<T>& kr = kernelsFor(T());
  const int64_t K = g.kH * g.kW, plane = g.plane(), P = g.positions();
  const int64_t imgPad = g.Cin * plane + 64 + g.Wp();
  const int64_t chunk = std::max<int64_t>(1, std::min(g.N, kPadBudget / imgPad));
  const std::vector<int64_t> offs = tapOffsets(Direct{g.N, 1, g.Hin, g.Win, 1, g.Hout, g.Wout, g.kH, g.kW,
                                                      g.dH, g.dW, g.pT, g.pL, 1});
  static thread_local Buffer<T> padBuf;
  T* buf = padBuf.get(std::min(chunk, g.N) * imgPad);
  constexpr int64_t kBlock = 1024;
  for (int64_t n0 = 0; n0 < g.N; n0 += chunk) {
    const int64_t nb = std::min(chunk, g.N - n0);
    padImages(g, in, n0, nb, buf, imgPad);
    parallelFor(nb * g.Cin, 1, [&](int64_t t0, int64_t t1) {
      alignas(64) T acc1[kBlock];
      for (int64_t t = t0; t < t1; t++) {
        const int64_t j = t / g.Cin, c = t % g.Cin;
        const T* img = buf + j * imgPad + c * plane;
        T* o = out + ((n0 + j) * g.Cout + c) * g.Hout * g.Wout;
        for (int64_t p0 = 0; p0 < P; p0 += kBlock) {
          const int64_t np = std::min(kBlock, P - p0);
          kr.dwRow(np, K, wk + c * K, img + p0, offs.data(), acc1);
          scatterTile(acc1, kBlock, 1, p0, np, g, o, bias ? bias + c : nullptr, acc);
        }
      }
    });
  }
}

/**
 * Runs the stride-1 convolution g with weights given by wAt(group, local out channel, tap k):
 * packs them for the micro-kernel (or per channel for depthwise) and convolves.
 */
template <typename T, typename WAt>
void runDirect(const Direct& g, const T* in, WAt wAt, const T* bias, T* out, bool acc) {
  const Kernels<T>& kr = kernelsFor(T());
  const int64_t Cg = g.Cin / g.groups, Og = g.Cout / g.groups, K = g.K();
  static thread_local Buffer<T> wBuf;
  if (Cg == 1 && Og == 1) {
    T* wk = wBuf.get(g.groups * K);
    for (int64_t grp = 0; grp < g.groups; grp++) {
      for (int64_t k = 0; k < K; k++) wk[grp * K + k] = wAt(grp, 0, k);
    }
    depthwiseConv(g, in, wk, bias, out, acc);
    return;
  }
  const int CMR = kr.cmr;
  const int64_t nOs = (Og + CMR - 1) / CMR;
  T* pw = wBuf.get(g.groups * nOs * K * CMR);
  for (int64_t grp = 0; grp < g.groups; grp++) {
    for (int64_t os = 0; os < nOs; os++) {
      T* d = pw + (grp * nOs + os) * K * CMR;
      for (int i = 0; i < CMR; i++) {
        const int64_t o = os * CMR + i;
        for (int64_t k = 0; k < K; k++) d[k * CMR + i] = o < Og ? wAt(grp, o, k) : T(0);
      }
    }
  }
  directConv(g, in, pw, bias, out, acc);
}

bool isPointwise(const ConvGeom& g) {
  return g.kH == 1 && g.kW == 1 && g.sH == 1 && g.sW == 1 && g.pH == 0 && g.pW == 0 && g.oH == g.H &&
         g.oW == g.W;
}

Direct forwardDirect(const ConvGeom& g) {
  return Direct{g.N, g.C, g.H, g.W, g.O, g.oH, g.oW, g.kH, g.kW, g.dH, g.dW, g.pH, g.pW, g.groups};
}

template <typename T>
void addBias(const ConvGeom& g, const T* bias, T* out) {
  const int64_t L = g.oH * g.oW;
  parallelFor(g.N * g.O, std::max<int64_t>(1, 16384 / std::max<int64_t>(L, 1)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const T b = bias[r % g.O];
      for (T* p = out + r * L; p < out + (r + 1) * L; p++) *p += b;
    }
  });
}

/** Unfolds one image [C, H, W] into col [C*kH*kW, oH*oW] (zeros where padded). */
template <typename T>
void im2col(const ConvGeom& g, const T* x, T* col) {
  const int64_t L = g.oH * g.oW;
  for (int64_t c = 0; c < g.C; c++) {
    for (int64_t kh = 0; kh < g.kH; kh++) {
      for (int64_t kw = 0; kw < g.kW; kw++, col += L) {
        for (int64_t oh = 0; oh < g.oH; oh++) {
          T* d = col + oh * g.oW;
          const int64_t ih = oh * g.sH - g.pH + kh * g.dH;
          if (ih < 0 || ih >= g.H) {
            std::fill(d, d + g.oW, T(0));
            continue;
          }
          const T* s = x + (c * g.H + ih) * g.W;
          for (int64_t ow = 0, iw = kw * g.dW - g.pW; ow < g.oW; ow++, iw += g.sW) {
            d[ow] = (iw >= 0 && iw < g.W) ? s[iw] : T(0);
          }
        }
      }
    }
  }
}

/** Folds col [C*kH*kW, oH*oW] back onto one image gradient [C, H, W] by summation. */
template <typename T>
void col2im(const ConvGeom& g, const T* col, T* gx) {
  const int64_t L = g.oH * g.oW;
  for (int64_t c = 0; c < g.C; c++) {
    for (int64_t kh = 0; kh < g.kH; kh++) {
      for (int64_t kw = 0; kw < g.kW; kw++, col += L) {
        for (int64_t oh = 0; oh < g.oH; oh++) {
          const int64_t ih = oh * g.sH - g.pH + kh * g.dH;
          if (ih < 0 || ih >= g.H) continue;
          T* d = gx + (c * g.H + ih) * g.W;
          const T* s = col + oh * g.oW;
          for (int64_t ow = 0, iw = kw * g.dW - g.pW; ow < g.oW; ow++, iw += g.sW) {
            if (iw >= 0 && iw < g.W) d[iw] += s[ow];
          }
        }
      }
    }
  }
}

template <typename T>
void forwardIm2col(const ConvGeom& g, const T* x, const T* w, T* out) {
  const int64_t L = g.oH * g.oW, Og = g.O / g.groups, K = g.C / g.groups * g.kH * g.kW;
  parallelFor(g.N, 1, [&](int64_t n0, int64_t n1) {
    std::vector<T> col(g.groups * K * L);
    for (int64_t n = n0; n < n1; n++) {
      im2col(g, x + n * g.C * g.H * g.W, col.data());
      for (int64_t grp = 0; grp < g.groups; grp++) {
        gemmEx(1, Og, L, K, MatArg<T>{w + grp * Og * K, 0, K, 1},
               MatArg<T>{col.data() + grp * K * L, 0, L, 1},
               out + (n * g.O + grp * Og) * L, 0, L, false);
      }
    }
  });
}

template <typename T>
void backwardInputIm2col(const ConvGeom& g, const T* gOut, const T* w, T* gIn) {
  const int64_t L = g.oH * g.oW, Og = g.O / g.groups, K = g.C / g.groups * g.kH * g.kW;
  parallelFor(g.N, 1, [&](int64_t n0, int64_t n1) {
    std::vector<T> col(g.groups * K * L);
    for (int64_t n = n0; n < n1; n++) {
      for (int64_t grp = 0; grp < g.groups; grp++) {
        gemmEx(1, K, L, Og, MatArg<T>{w + grp * Og * K, 0, 1, K},
               MatArg<T>{gOut + (n * g.O + grp * Og) * L, 0, L, 1}, col.data() + grp * K * L, 0, L, false);
      }
      col2im(g, col.data(), gIn + n * g.C * g.H * g.W);
    }
  });
}

template <typename T>
void backwardWeightIm2col(const ConvGeom& g, const T* x, const T* gOut, T* gW) {
  const int64_t L = g.oH * g.oW, Og = g.O / g.groups, K = g.C / g.groups * g.kH * g.kW;
  const int64_t parts = std::min<int64_t>(getNumThreads(), g.N), size = g.O * K;
  // Each part sums its images into its own buffer (the first into gW itself), then they are added.
  std::vector<T> partial(std::max<int64_t>(0, parts - 1) * size, T(0));
  parallelFor(parts, 1, [&](int64_t q0, int64_t q1) {
    std::vector<T> col(g.groups * K * L);
    for (int64_t q = q0; q < q1; q++) {
      T* dst = q == 0 ? gW : partial.data() + (q - 1) * size;
      for (int64_t n = g.N * q / parts; n < g.N * (q + 1) / parts; n++) {
        im2col(g, x + n * g.C * g.H * g.W, col.data());
        for (int64_t grp = 0; grp < g.groups; grp++) {
          gemmEx(1, Og, K, L, MatArg<T>{gOut + (n * g.O + grp * Og) * L, 0, L, 1},
                 MatArg<T>{col.data() + grp * K * L, 0, 1, L}, dst + grp * Og * K, 0, K, true);
        }
      }
    }
  });
  for (int64_t q = 1; q < parts; q++) {
    const T* s = partial.data() + (q - 1) * size;
    for (int64_t i = 0; i < size; i++) gW[i] += s[i];
  }
}

/**
 * Weight gradient of a stride-1 convolution: dot products of gOut rows with image windows. The
 * gOut rows are padded with zeros to a multiple of DOT_LANES so every dot runs in whole vectors,
 * and the sums stay in vector lanes until the end (small planes, as in LeNet, made the tails and
 * horizontal sums of per-image dots cost more than the products). With a batch the threads can
 * share evenly, each thread takes its own images (padded into its own buffer, so they stay in its
 * core's cache) and sums into its own accumulators, added in thread order at the end; otherwise
 * the threads split the tiles of gW and every thread reads every image.
 */
template <typename T>
void backwardWeightDirect(const ConvGeom& cg, const T* x, const T* gOut, T* gW) {
  const Kernels<T>& kr = kernelsFor(T());
  const Direct g = forwardDirect(cg);
  const int64_t Cg = g.Cin / g.groups, Og = g.Cout / g.groups, K = g.K(), plane = g.plane();
  const int64_t P = g.positions(), Wp = g.Wp(), L = g.Hout * g.Wout;
  const int64_t Pv = (P + DOT_LANES - 1) / DOT_LANES * DOT_LANES;
  // The windows read up to Pv - P positions past a row's end: inside the zeroed slack of imgPad.
  const int64_t imgPad = g.Cin * plane + Wp + 64, outPad = g.Cout * Pv;
  const std::vector<int64_t> offs = tapOffsets(g);
  // A DOT_M x DOT_N tile of (gOut rows, taps) or its transpose, whichever wastes fewer products
  // on the partial tiles at the edges (LeNet's 6 output channels fit 6 x 4 exactly).
  const auto padded = [](int64_t v, int64_t m) { return (v + m - 1) / m * m; };
  const bool tr = padded(Og, DOT_N) * padded(K, DOT_M) < padded(Og, DOT_M) * padded(K, DOT_N);
  const int TM = tr ? DOT_N : DOT_M, TN = tr ? DOT_M : DOT_N;
  const auto dotAcc = tr ? kr.dotTileAccT : kr.dotTileAcc;
  const int64_t oTiles = (Og + TM - 1) / TM, kTiles = (K + TN - 1) / TN;
  constexpr int64_t kTileAcc = int64_t(DOT_M) * DOT_N * DOT_LANES;
  const int64_t tiles = g.groups * oTiles * kTiles;

  /** Pads gOut's rows [q0, q1) of image n to the padded width, zeros in the extra columns (they
   *  cancel the products at the extra positions). */
  const auto padOut = [&](int64_t n, int64_t q0, int64_t q1, T* dst) {
    for (int64_t q = q0; q < q1; q++) {
      padPlane(gOut + (n * g.Cout + q) * L, g.Hout, g.Wout, dst + q * Pv, g.Hout, Wp, 0, 0);
      std::fill(dst + q * Pv + P, dst + (q + 1) * Pv, T(0));
    }
  };
  /** Adds one padded image's products for tiles [t0, t1) into acc (kTileAcc values a tile). */
  const auto imageTiles = [&](const T* img, const T* gimg, int64_t t0, int64_t t1, T* acc) {
    // Position blocks outside the tile loop keep the block's rows of gOut and of the image in L2.
    for (int64_t p0 = 0; p0 < Pv; p0 += kDotBlock) {
      const int64_t np = std::min(kDotBlock, Pv - p0);
      for (int64_t t = t0; t < t1; t++) {
        const int64_t grp = t / (oTiles * kTiles), ot = t / kTiles % oTiles, kt = t % kTiles;
        const int rows = static_cast<int>(std::min<int64_t>(TM, Og - ot * TM));
        const int cols = static_cast<int>(std::min<int64_t>(TN, K - kt * TN));
        const T* a[DOT_M + DOT_N];
        const T* b[DOT_M + DOT_N];
        for (int i = 0; i < TM; i++) a[i] = gimg + (grp * Og + ot * TM + std::min(i, rows - 1)) * Pv + p0;
        for (int i = 0; i < TN; i++) {
          b[i] = img + grp * Cg * plane + offs[kt * TN + std::min(i, cols - 1)] + p0;
        }
        dotAcc(np, a, b, acc + t * kTileAcc);
      }
    }
  };

  std::vector<T> sums(tiles * kTileAcc, T(0));
  const int threads = getNumThreads();
  if (threads > 1 && imagesPerThread(g.N, threads)) {
    std::vector<T> partial((threads - 1) * tiles * kTileAcc, T(0));
    parallelFor(threads, 1, [&](int64_t r0, int64_t r1) {
      static thread_local Buffer<T> own;
      T* ib = own.get(imgPad + outPad);
      T* gb = ib + imgPad;
      for (int64_t r = r0; r < r1; r++) {
        T* acc = r == 0 ? sums.data() : partial.data() + (r - 1) * tiles * kTileAcc;
        for (int64_t n = g.N * r / threads; n < g.N * (r + 1) / threads; n++) {
          padImages(g, x, n, 1, ib, imgPad);  // serial here: inside a parallel chunk
          padOut(n, 0, g.Cout, gb);
          imageTiles(ib, gb, 0, tiles, acc);
        }
      }
    });
    for (int r = 1; r < threads; r++) {
      const T* part = partial.data() + (r - 1) * tiles * kTileAcc;
      for (int64_t i = 0; i < tiles * kTileAcc; i++) sums[i] += part[i];
    }
  } else {
    const int64_t chunk = std::max<int64_t>(1, std::min(g.N, kPadBudget / (imgPad + outPad)));
    static thread_local Buffer<T> padBuf;
    T* buf = padBuf.get(std::min(chunk, g.N) * (imgPad + outPad));
    T* gbuf = buf + std::min(chunk, g.N) * imgPad;
    for (int64_t n0 = 0; n0 < g.N; n0 += chunk) {
      const int64_t nb = std::min(chunk, g.N - n0);
      padImages(g, x, n0, nb, buf, imgPad);
      parallelFor(nb * g.Cout, 8, [&](int64_t q0, int64_t q1) {
        for (int64_t q = q0; q < q1; q++) {
          padOut(n0 + q / g.Cout, q % g.Cout, q % g.Cout + 1, gbuf + (q / g.Cout) * outPad);
        }
      });
      // Each thread owns a range of (group, gOut rows, taps) tiles of gW, summed over every image.
      parallelFor(tiles, 1, [&](int64_t t0, int64_t t1) {
        for (int64_t j = 0; j < nb; j++) imageTiles(buf + j * imgPad, gbuf + j * outPad, t0, t1, sums.data());
      });
    }
  }
  for (int64_t t = 0; t < tiles; t++) {
    const int64_t grp = t / (oTiles * kTiles), ot = t / kTiles % oTiles, kt = t % kTiles;
    const int rows = static_cast<int>(std::min<int64_t>(TM, Og - ot * TM));
    const int cols = static_cast<int>(std::min<int64_t>(TN, K - kt * TN));
    for (int i = 0; i < rows; i++) {
      T* d = gW + (grp * Og + ot * TM + i) * K + kt * TN;
      for (int c = 0; c < cols; c++) {
        const T* lanes = sums.data() + t * kTileAcc + (i * TN + c) * DOT_LANES;
        T s = 0;
        for (int l = 0; l < DOT_LANES; l++) s += lanes[l];
        d[c] += s;
      }
    }
  }
}

template <typename T>
void forward(const ConvGeom& g, const T* x, const T* w, const T* bias, T* out) {
  const int64_t L = g.oH * g.oW, Og = g.O / g.groups, Cg = g.C / g.groups, K = Cg * g.kH * g.kW;
  if (g.N <= 0 || g.O <= 0 || L <= 0) return;
  if (isPointwise(g)) {
    for (int64_t grp = 0; grp < g.groups; grp++) {
      gemmEx(g.N, Og, L, Cg, MatArg<T>{w + grp * Og * Cg, 0, Cg, 1},
             MatArg<T>{x + grp * Cg * L, g.C * L, L, 1},
             out + grp * Og * L, g.O * L, L, false);
    }
  } else if (g.sH == 1 && g.sW == 1) {
    auto wAt = [&](int64_t grp, int64_t o, int64_t k) { return w[(grp * Og + o) * K + k]; };
    runDirect(forwardDirect(g), x, wAt, bias, out, false);
    return;
  } else {
    forwardIm2col(g, x, w, out);
  }
  if (bias) addBias(g, bias, out);
}

template <typename T>
void backwardInput(const ConvGeom& g, const T* gOut, const T* w, T* gIn) {
  const int64_t L = g.oH * g.oW, Og = g.O / g.groups, Cg = g.C / g.groups, kk = g.kH * g.kW;
  if (g.N <= 0 || g.O <= 0 || L <= 0 || g.C <= 0) return;
  if (isPointwise(g)) {
    for (int64_t grp = 0; grp < g.groups; grp++) {
      gemmEx(g.N, Cg, L, Og, MatArg<T>{w + grp * Og * Cg, 0, 1, Cg},
             MatArg<T>{gOut + grp * Og * L, g.O * L, L, 1}, gIn + grp * Cg * L, g.C * L, L, true);
    }
  } else if (g.sH == 1 && g.sW == 1) {
    // The adjoint of a stride-1 convolution: convolve gOut, padded by (k-1)*d - p, with the kernel
    // flipped and its channel axes swapped.
    Direct t{g.N, g.O, g.oH, g.oW, g.C, g.H, g.W, g.kH, g.kW, g.dH, g.dW,
             (g.kH - 1) * g.dH - g.pH, (g.kW - 1) * g.dW - g.pW, g.groups};
    auto wAt = [&](int64_t grp, int64_t c, int64_t k) {
      const int64_t o = k / kk, tap = k % kk, kh = g.kH - 1 - tap / g.kW, kw = g.kW - 1 - tap % g.kW;
      return w[((grp * Og + o) * Cg + c) * kk + kh * g.kW + kw];
    };
    runDirect(t, gOut, wAt, static_cast<const T*>(nullptr), gIn, true);
  } else {
    backwardInputIm2col(g, gOut, w, gIn);
  }
}

template <typename T>
void backwardWeight(const ConvGeom& g, const T* x, const T* gOut, T* gW) {
  const int64_t L = g.oH * g.oW, Og = g.O / g.groups, Cg = g.C / g.groups;
  if (g.N <= 0 || g.O <= 0 || L <= 0 || g.C <= 0) return;
  if (isPointwise(g)) {
    for (int64_t n = 0; n < g.N; n++) {
      for (int64_t grp = 0; grp < g.groups; grp++) {
        gemmEx(1, Og, Cg, L, MatArg<T>{gOut + (n * g.O + grp * Og) * L, 0, L, 1},
               MatArg<T>{x + (n * g.C + grp * Cg) * L, 0, 1, L}, gW + grp * Og * Cg, 0, Cg, true);
      }
    }
  } else if (g.sH == 1 && g.sW == 1) {
    backwardWeightDirect(g, x, gOut, gW);
  } else {
    backwardWeightIm2col(g, x, gOut, gW);
  }
}

}  // namespace

void conv2dForward(const ConvGeom& g, const float* x, const float* w, const float* bias, float* out) {
  forward(g, x, w, bias, out);
}
void conv2dForward(const ConvGeom& g, const double* x, const double* w, const double* bias, double* out) {
  forward(g, x, w, bias, out);
}
void conv2dBackwardInput(const ConvGeom& g, const float* gOut, const float* w, float* gIn) {
  backwardInput(g, gOut, w, gIn);
}
void conv2dBackwardInput(const ConvGeom& g, const double* gOut, const double* w, double* gIn) {
  backwardInput(g, gOut, w, gIn);
}
void conv2dBackwardWeight(const ConvGeom& g, const float* x, const float* gOut, float* gW) {
  backwardWeight(g, x, gOut, gW);
}
void conv2dBackwardWeight(const ConvGeom& g, const double* x, const double* gOut, double* gW) {
  backwardWeight(g, x, gOut, gW);
}

}  // namespace tstorch
