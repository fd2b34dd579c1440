// Python's calling convention in TypeScript: positional arguments, then a trailing options object
// with PyTorch's keyword names, merged into one record (`f(x, 1, { keepdim: true })`).

/**
 * Whether an argument is a trailing options object: a plain object literal, so that tensors,
 * modules, generators, arrays and Maps passed positionally are never mistaken for one.
 */
export function isOpts(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Merges positional arguments, named by `names` in order, with any options object among them.
 * @example kwargs<{ a?: number; b?: number }>(['a', 'b'], [1, { b: 2 }])  // { a: 1, b: 2 }
 */
export function kwargs<O>(names: readonly string[], args: readonly unknown[]): O {
  const o: Record<string, unknown> = {};
  args.forEach((v, i) => {
    if (isOpts(v)) Object.assign(o, v);
    else if (v !== undefined) o[names[i]] = v;
  });
  return o as O;
}
