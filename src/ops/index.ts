// Every op, re-exported for Tensor's methods and the torch namespace.
export * from './binary.js';
export * from './unary.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './shape.js';
export * from './inplace.js';
export * from './indexing.js';
export { nonzero, index_select, masked_select } from './advanced_index.js';
export * from './random.js';
export { defineOp, OpCtx } from './define.js';
export { isExpandableTo, wrapDim } from './util.js';
export { runBackward } from '../autograd/engine.js';
export * from './gather_scatter.js';
export * from './sorting.js';
export * from './misc.js';
