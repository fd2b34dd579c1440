// Python's print() and repr() for the ported notebook: True/None, tuples, lists, OrderedDicts,
// and the names Python's type() shows for tstorch's classes.
import * as torch from '../src/index.js';

/** A Python tuple, printed as (a, b). */
export class Tuple {
  constructor(readonly items: unknown[]) {}
}

export function tuple(...items: unknown[]): Tuple {
  return new Tuple(items);
}

/** Python's repr(x) for the values the notebook prints. */
export function repr(x: unknown): string {
  if (x === null || x === undefined) return 'None';
  if (typeof x === 'boolean') return x ? 'True' : 'False';
  if (typeof x === 'string') return `'${x}'`;
  if (x instanceof Tuple) return `(${x.items.map(repr).join(', ')}${x.items.length === 1 ? ',' : ''})`;
  if (x instanceof Map) {
    if (x.size === 0) return 'OrderedDict()';
    return `OrderedDict([${[...x].map(([k, v]) => `(${repr(k)}, ${repr(v)})`).join(', ')}])`;
  }
  if (Array.isArray(x) && !(x instanceof torch.Size)) return `[${x.map(repr).join(', ')}]`;
  return String(x);
}

/** Python's str(x): strings as they are, everything else as repr. */
function str(x: unknown): string {
  return typeof x === 'string' ? x : repr(x);
}

/** Python's print(*args). */
export function pythonPrint(...args: unknown[]): void {
  console.log(args.map(str).join(' '));
}

/** The qualified name Python's type(x) shows for these objects. */
export function typeName(x: unknown): string {
  if (x instanceof Map) return 'collections.OrderedDict';
  if (x instanceof torch.nn.Parameter) return 'torch.nn.parameter.Parameter';
  if (x instanceof torch.Tensor) return 'torch.Tensor';
  if (x instanceof torch.nn.Module) return `torch.nn.modules.${x.constructor.name}`;
  return typeof x;
}
