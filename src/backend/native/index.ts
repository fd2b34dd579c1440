// The native backend: the addon's C++ kernels where it has them, the reference kernels elsewhere.
import type { Backend } from '../backend.js';
import { reference } from '../reference/index.js';
import { addon } from './binding.js';

function build(): Backend | null {
  if (addon === null) return null;
  const a = addon;
  return {
    ...reference,
    name: 'native',
    gemm: (batch, M, N, K, x, xOff, xbs, xrs, xcs, y, yOff, ybs, yrs, ycs, c, cOff, accumulate) =>
      a.gemm(batch, M, N, K, x, xOff, xbs, xrs, xcs, y, yOff, ybs, yrs, ycs, c, cOff, accumulate),
  };
}

/** The native backend, or null when the addon is unavailable. */
export const native: Backend | null = build();
