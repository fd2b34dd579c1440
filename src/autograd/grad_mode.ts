// Grad mode: no_grad, enable_grad, set_grad_enabled, inference_mode (torch/autograd/grad_mode.py).
//
// The mode is scoped to the callback and to the asynchronous work it starts, and to nothing
// else: on Node.js it lives in an AsyncLocalStorage, so `await torch.no_grad(async () => ...)`
// keeps grad off across its awaits while unrelated concurrent work keeps its own mode. Where
// AsyncLocalStorage is missing (browsers) it falls back to a synchronous stack, and an async
// callback then only sees the mode until its first await.

interface Store<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

function makeStore(): Store<boolean> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const hooks = proc?.getBuiltinModule?.('node:async_hooks') as
    | { AsyncLocalStorage: new () => Store<boolean> }
    | undefined;
  if (hooks) return new hooks.AsyncLocalStorage();
  let current: boolean | undefined;
  return {
    getStore: () => current,
    run<R>(store: boolean, fn: () => R): R {
      const saved = current;
      current = store;
      try {
        return fn();
      } finally {
        current = saved;
      }
    },
  };
}

const store = makeStore();
let globalEnabled = true;

/** torch.is_grad_enabled() */
export function is_grad_enabled(): boolean {
  const s = store.getStore();
  return s === undefined ? globalEnabled : s;
}

/**
 * Runs `fn` with gradient recording off and returns its result (`with torch.no_grad():`).
 * @example const y = torch.no_grad(() => w.mul_(0.9));
 */
export function no_grad<R>(fn: () => R): R {
  return store.run(false, fn);
}

/** Runs `fn` with gradient recording on, even inside no_grad. */
export function enable_grad<R>(fn: () => R): R {
  return store.run(true, fn);
}

/**
 * `torch.set_grad_enabled(mode)` sets the mode for code outside any scoped callback;
 * `torch.set_grad_enabled(mode, fn)` runs fn under that mode and returns its result.
 */
export function set_grad_enabled(mode: boolean): void;
export function set_grad_enabled<R>(mode: boolean, fn: () => R): R;
export function set_grad_enabled<R>(mode: boolean, fn?: () => R): R | void {
  if (fn) return store.run(mode, fn);
  globalEnabled = mode;
}

/** `torch.inference_mode()`: like no_grad (tstorch has no separate inference tensors). */
export function inference_mode<R>(fn: () => R): R;
export function inference_mode<R>(mode: boolean, fn: () => R): R;
export function inference_mode<R>(a: boolean | (() => R), b?: () => R): R {
  if (typeof a === 'function') return store.run(false, a);
  const fn = b as () => R;
  return a ? store.run(false, fn) : fn();
}
