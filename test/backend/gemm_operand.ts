// Strided matrix operands for the gemm tests (matmul.test.ts, native_gemm.test.ts): a batch of
// matrices in a padded buffer, laid out contiguous, transposed, strided or batch-broadcast.

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
