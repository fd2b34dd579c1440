// The only file that knows the native addon exists: loads native/build/Release/tstorch.node if it
// was built, and says why not otherwise. Importing this never throws.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { TypedArray } from '../../tensor/dtype.js';

/** The addon's exports (native/src/addon.cc); arrays are passed without copying. */
export interface NativeAddon {
  gemm(batch: number, M: number, N: number, K: number,
    a: TypedArray, aOff: number, aBS: number, aRS: number, aCS: number,
    b: TypedArray, bOff: number, bBS: number, bRS: number, bCS: number,
    c: TypedArray, cOff: number, accumulate: boolean): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  setIsa(isa: string): string;
  getIsa(): string;
}

function load(): { addon: NativeAddon | null; error: string | null } {
  try {
    // src/backend/native/ and dist/backend/native/ both sit three levels below the package root.
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    const require = createRequire(import.meta.url);
    return { addon: require(resolve(root, 'native/build/Release/tstorch.node')) as NativeAddon, error: null };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { addon: null, error: msg };
  }
}

const loaded = typeof process === 'undefined' ? { addon: null, error: 'not running in Node.js' } : load();

/** The loaded addon, or null when it is not built or cannot load. */
export const addon: NativeAddon | null = loaded.addon;
/** Why the addon is unavailable (null when it loaded). */
export const loadError: string | null = loaded.error;
