// The one error helper: check(cond, () => message) throws with PyTorch's wording.
// Mirrors TORCH_CHECK / TORCH_CHECK_INDEX from c10/util/Exception.h.

/** Throws `new ErrorClass(message())` unless `cond` holds. The message is built lazily. */
export function check(
  cond: boolean,
  message: () => string,
  ErrorClass: new (msg: string) => Error = Error,
): asserts cond {
  if (!cond) throw new ErrorClass(message());
}

/** PyTorch's IndexError, raised for out-of-range indices and dims. */
export class IndexError extends Error {
  override name = 'IndexError';
}

/** PyTorch's NotImplementedError. */
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
}

/** Wraps a possibly negative dim into [0, ndim); PyTorch's maybe_wrap_dim. */
export function wrapDim(dim: number, ndim: number): number {
  const n = ndim === 0 ? 1 : ndim;
  check(
    Number.isInteger(dim) && dim >= -n && dim < n,
    () => `Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`,
    IndexError,
  );
  return dim < 0 ? dim + n : dim;
}

/** Python's ValueError (bad argument values). */
export class ValueError extends Error {
  override name = 'ValueError';
}

/** Python's AttributeError (a missing module attribute). */
export class AttributeError extends Error {
  override name = 'AttributeError';
}

/** Python's KeyError (a missing dict key). */
export class KeyError extends Error {
  override name = 'KeyError';
}
