// The only file that knows the native addon exists: loads native/build/Release/tstorch.node if it
// was built, and says why not otherwise. Importing this never throws.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { TypedArray } from '../../tensor/dtype.js';
import type { Conv2dGeom } from '../backend.js';

/** The addon's exports (native/src/addon.cc); arrays are passed without copying. */
export interface NativeAddon {
  gemm(batch: number, M: number, N: number, K: number,
    a: TypedArray, aOff: number, aBS: number, aRS: number, aCS: number,
    b: TypedArray, bOff: number, bBS: number, bRS: number, bCS: number,
    c: TypedArray, cOff: number, accumulate: boolean): void;
  // ---- convolution (native/src/conv.cc): float32 or float64 arrays, one dtype per call ----
  conv2d(g: Conv2dGeom, x: TypedArray, xOff: number, w: TypedArray, wOff: number,
    bias: TypedArray | null, bOff: number, out: TypedArray): void;
  conv2dBackwardInput(g: Conv2dGeom, gOut: TypedArray, gOff: number, w: TypedArray, wOff: number,
    gIn: TypedArray): void;
  conv2dBackwardWeight(g: Conv2dGeom, x: TypedArray, xOff: number, gOut: TypedArray, gOff: number,
    gW: TypedArray): void;
  // ---- end of convolution ----
  // ---- elementwise, reductions, pooling, normalisation (native/src/elementwise.cc, reduce.cc,
  // pool.cc, norm.cc); `meta` packs the views' geometry (src/backend/native/elementwise.ts) ----
  unary(op: number, x: TypedArray, out: TypedArray, store: number, meta: Float64Array): void;
  binary(op: number, a: TypedArray, b: TypedArray, out: TypedArray, store: number, meta: Float64Array): void;
  binaryScalar(op: number, a: TypedArray, s: number, out: TypedArray, store: number, reversed: boolean,
    meta: Float64Array): void;
  where(cond: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray, store: number,
    meta: Float64Array): void;
  copy(src: TypedArray, dst: TypedArray, store: number, meta: Float64Array): void;
  fill(dst: TypedArray, value: number, meta: Float64Array): void;
  reduce(mode: number, x: TypedArray, out: TypedArray, store: number, meta: Float64Array): void;
  varReduce(x: TypedArray, out: TypedArray, count: number, correction: number, takeSqrt: boolean,
    meta: Float64Array): void;
  logsumexp(x: TypedArray, out: TypedArray, meta: Float64Array): void;
  softmax(x: TypedArray, out: TypedArray, st: number, ost: number, size: number, log: boolean,
    meta: Float64Array): void;
  reduceArg(x: TypedArray, values: TypedArray | null, indices: Float64Array, st: number, size: number,
    isMax: boolean, meta: Float64Array): void;
  maxPool2d(g: Float64Array, x: TypedArray, xOff: number, out: TypedArray, indices: Float64Array): void;
  maxPool2dBackward(g: Float64Array, gOut: TypedArray, gOff: number, indices: Float64Array,
    gIn: TypedArray): void;
  maxPool2dGather(g: Float64Array, src: TypedArray, srcOff: number, indices: Float64Array,
    out: TypedArray): void;
  avgPool2d(g: Float64Array, x: TypedArray, xOff: number, out: TypedArray, countIncludePad: boolean,
    divisor: number): void;
  avgPool2dBackward(g: Float64Array, gOut: TypedArray, gOff: number, gIn: TypedArray,
    countIncludePad: boolean, divisor: number): void;
  adaptiveAvgPool2d(g: Float64Array, x: TypedArray, xOff: number, out: TypedArray): void;
  adaptiveAvgPool2dBackward(g: Float64Array, gOut: TypedArray, gOff: number, gIn: TypedArray): void;
  batchNormStats(x: TypedArray, xOff: number, N: number, C: number, L: number, mean: Float64Array,
    variance: Float64Array): void;
  batchNormApply(x: TypedArray, xOff: number, N: number, C: number, L: number, scale: Float64Array,
    shift: Float64Array, out: TypedArray): void;
  batchNormBackward(g: TypedArray, gOff: number, x: TypedArray, xOff: number, N: number, C: number, L: number,
    mean: Float64Array, invstd: Float64Array, scale: Float64Array, training: boolean, gsum: Float64Array,
    gdot: Float64Array, gx: TypedArray | null): void;
  layerNorm(x: TypedArray, xOff: number, M: number, D: number, w: TypedArray | null, wOff: number,
    b: TypedArray | null, bOff: number, eps: number, out: TypedArray, mean: Float64Array,
    rstd: Float64Array): void;
  layerNormBackward(g: TypedArray, gOff: number, x: TypedArray, xOff: number, M: number, D: number,
    mean: Float64Array, rstd: Float64Array, w: TypedArray | null, wOff: number, gx: TypedArray | null,
    gw: Float64Array | null, gb: Float64Array | null): void;
  // ---- end of elementwise, reductions, pooling, normalisation ----
  thresholdBackward(g: TypedArray, gOff: number, gStride: number, x: TypedArray, xOff: number, n: number,
    threshold: number, out: TypedArray): void;
  addScaled(a: TypedArray, aOff: number, b: TypedArray, bOff: number, n: number, alpha: number,
    out: TypedArray, outOff: number): void;
  logSoftmaxBackward(g: TypedArray, gOff: number, y: TypedArray, yOff: number, outer: number, size: number,
    inner: number, out: TypedArray): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  setIsa(isa: string): string;
  getIsa(): string;
}

function load(): { addon: NativeAddon | null; error: string | null } {
  try {
    // src/backend/native/ and dist/backend/native/ both sit three levels below the package root.
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    const require = createRequire(import.meta.url);
    return { addon: require(resolve(root, 'native/build/Release/tstorch.node')) as NativeAddon, error: null };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { addon: null, error: msg };
  }
}

const loaded = typeof process === 'undefined' ? { addon: null, error: 'not running in Node.js' } : load();

/** The loaded addon, or null when it is not built or cannot load. */
export const addon: NativeAddon | null = loaded.addon;
/** Why the addon is unavailable (null when it loaded). */
export const loadError: string | null = loaded.error;
