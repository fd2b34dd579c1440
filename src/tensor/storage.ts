// A tensor's memory: one typed array shared by every view of it (c10/core/StorageImpl.h).
import type { DType, TypedArray } from './dtype.js';

/** Untyped-by-shape memory of one dtype. Views share a Storage; the GC frees it. */
export class Storage {
  constructor(
    public data: TypedArray,
    readonly dtype: DType,
  ) {}

  get length(): number {
    return this.data.length;
  }
}

/** The in-place version counter shared by a tensor, its views and its detached aliases. */
export class VersionCounter {
  value = 0;
}
