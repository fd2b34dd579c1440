// torch.backends: which kernels run (the native C++ addon or the TypeScript reference), and the
// thread count (torch.set_num_threads). Mirrors the spirit of torch/backends/__init__.py.
import { K, setBackend } from '../backend/backend.js';
import { reference } from '../backend/reference/index.js';
import { native as nativeBackend } from '../backend/native/index.js';
import { addon, loadError } from '../backend/native/binding.js';
import { check } from '../utils/check.js';

export type BackendName = 'native' | 'reference';

/**
 * The name of the backend whose kernels run now.
 * @example torch.backends.get_backend()  // 'native'
 */
export function get_backend(): BackendName {
  return K().name as BackendName;
}

/**
 * Chooses the kernels: 'native' (the C++ addon) or 'reference' (pure TypeScript). The environment
 * variable TSTORCH_BACKEND chooses the same at import.
 * @example torch.backends.set_backend('reference')
 */
export function set_backend(name: BackendName): void {
  check(name === 'native' || name === 'reference',
    () => `set_backend: expected 'native' or 'reference', but got '${String(name)}'`);
  if (name === 'reference') {
    setBackend(reference);
    return;
  }
  check(nativeBackend !== null, () => `set_backend: the native backend is unavailable (${loadError})`);
  setBackend(nativeBackend!);
}

/** The native backend's status: `is_available()`, why not, and which vector instructions it uses. */
export const native = {
  /** @example torch.backends.native.is_available()  // true when the addon built */
  is_available(): boolean {
    return addon !== null;
  },
  /** Why the addon did not load, or null. */
  unavailable_reason(): string | null {
    return loadError;
  },
  /** The instruction set the kernels dispatch to: 'avx512', 'avx2' or 'portable'. */
  isa(): string {
    return addon === null ? 'none' : addon.getIsa();
  },
  /** Caps the instruction set (for testing every kernel path); returns the one now in use. */
  set_isa(isa: 'avx512' | 'avx2' | 'portable'): string {
    check(addon !== null, () => `set_isa: the native backend is unavailable (${loadError})`);
    return addon!.setIsa(isa);
  },
};

let referenceThreads = 1;

/**
 * The number of threads kernels use (the native backend's pool; the reference backend runs on one).
 * @example torch.get_num_threads()  // 2 on a 2-core machine
 */
export function get_num_threads(): number {
  return addon === null ? referenceThreads : addon.getNumThreads();
}

/**
 * Sets the number of threads the native kernels use.
 * @example torch.set_num_threads(1)
 */
export function set_num_threads(n: number): void {
  check(Number.isInteger(n) && n > 0, () => 'set_num_threads expects a positive integer');
  if (addon === null) referenceThreads = n;
  else addon.setNumThreads(n);
}
