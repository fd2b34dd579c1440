// A tensor's memory: one typed array shared by every view of it (c10/core/StorageImpl.h).
import type { DType, TypedArray } from './dtype.js';

let nextStorageId = 0;

/** Untyped-by-shape memory of one dtype. Views share a Storage; the GC frees it. */
export class Storage {
  /**
   * Creation order: the backward engine treats storages created after it started as its own
   * (a gradient in one it made itself may become a leaf's .grad without a copy).
   */
  readonly id = nextStorageId++;
  /** Backward bookkeeping (engine.ts): the engine run that last delivered it, and how often. */
  _run = -1;
  _deliveries = 0;

  /** The id the next Storage will get. */
  static nextId(): number {
    return nextStorageId;
  }

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
