// Shared by the gemm tests (matmul.test.ts, native_gemm.test.ts): strided matrix operands (a batch
// of matrices in a padded buffer, laid out contiguous, transposed, strided or batch-broadcast),
// the test case, and a float64 triple-loop reference with each element's rounding-error scale.

export type FloatArray = Float32Array | Float64Array;
export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
export type Layout = 'contiguous' | 'transposed' | 'strided' | 'broadcast';
export const LAYOUTS: Layout[] = ['contiguous', 'transposed', 'strided', 'broadcast'];

/** A batch of rows x cols matrices in a padded buffer, with the strides that describe them. */
export interface Operand {
  buf: FloatArray;
  off: number;
  bs: number;
  rs: number;
  cs: number;
}

/** Random values in [-1, 1) at a random offset, in the given layout. */
export function operand(T: FloatCtor, batch: number, rows: number, cols: number, layout: Layout,
  rand: () => number): Operand {
  const off = Math.floor(rand() * 5);
  let rs = cols;
  let cs = 1;
  if (layout === 'transposed') {
    rs = 1;
    cs = rows;
  } else if (layout === 'strided') {
    rs = 2 * cols + 3;
    cs = 2;
  }
  const one = layout === 'strided' ? rows * rs + 1 : rows * cols;
  const bs = layout === 'broadcast' ? 0 : one;
  const buf = new T(off + Math.max(1, layout === 'broadcast' ? one : batch * one) + 3);
  for (let i = 0; i < buf.length; i++) buf[i] = rand() * 2 - 1;
  return { buf, off, bs, rs, cs };
}

/** C = C0 (if accumulating) + A @ B in float64, and sum |C0| + |A| @ |B| for scale. */
export function naive(batch: number, M: number, N: number, K: number, A: Operand, B: Operand,
  c0: FloatArray | null): { ref: Float64Array; scale: Float64Array } {
  const ref = new Float64Array(batch * M * N);
  const scale = new Float64Array(batch * M * N);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        const o = (t * M + i) * N + j;
        let s = c0 === null ? 0 : c0[o];
        let m = Math.abs(s);
        for (let k = 0; k < K; k++) {
          const a = A.buf[A.off + t * A.bs + i * A.rs + k * A.cs];
          const p = a * B.buf[B.off + t * B.bs + k * B.rs + j * B.cs];
          s += p;
          m += Math.abs(p);
        }
        ref[o] = s;
        scale[o] = m;
      }
    }
  }
  return { ref, scale };
}

/** One gemm test case: C[batch, M, N] (+)= A[batch, M, K] @ B[batch, K, N]. */
export interface Case {
  T: FloatCtor;
  batch: number;
  M: number;
  N: number;
  K: number;
  la: Layout;
  lb: Layout;
  accumulate: boolean;
}
