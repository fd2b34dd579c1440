// Tensor text exactly as PyTorch 2.x prints it: print options, nested layout, summarisation and
// the dtype/grad suffixes. Mirrors torch/_tensor_str.py (numbers: print_format.ts).
// Pure: it reads elements through PrintableTensor.get and never imports the Tensor class.
import { Formatter } from './print_format.js';

/** torch.set_printoptions' settings (torch._tensor_str.PRINT_OPTS). */
export interface PrintOptions {
  /** digits after the decimal point */
  precision: number;
  /** element count above which the text is summarised with `...` */
  threshold: number;
  /** leading and trailing items kept per dimension when summarised */
  edgeitems: number;
  /** characters per line before a row wraps */
  linewidth: number;
  /** force (true) or forbid (false) scientific notation; null lets the formatter choose */
  sci_mode: boolean | null;
}

const DEFAULTS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null };
const PROFILES: Record<'default' | 'short' | 'full', Omit<PrintOptions, 'sci_mode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const PRINT_OPTS: PrintOptions = { ...DEFAULTS };

/**
 * torch.set_printoptions: a profile first, then any explicit option on top. As in PyTorch,
 * `sci_mode` goes back to null (automatic) on every call that does not pass it.
 *
 * @example
 * set_printoptions({ precision: 2 });
 * set_printoptions({ profile: 'default' }); // restore
 */
export function set_printoptions(
  opts: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' },
): void {
  if (opts.profile !== undefined && opts.profile in PROFILES) {
    Object.assign(PRINT_OPTS, PROFILES[opts.profile]);
  }
  if (opts.precision !== undefined) PRINT_OPTS.precision = opts.precision;
  if (opts.threshold !== undefined) PRINT_OPTS.threshold = opts.threshold;
  if (opts.edgeitems !== undefined) PRINT_OPTS.edgeitems = opts.edgeitems;
  if (opts.linewidth !== undefined) PRINT_OPTS.linewidth = opts.linewidth;
  PRINT_OPTS.sci_mode = opts.sci_mode ?? null;
}

/**
 * torch._tensor_str.get_printoptions: a copy of the current options, which can be handed back
 * to set_printoptions to restore them.
 *
 * @example
 * const saved = get_printoptions();
 * set_printoptions({ precision: 8 });
 * set_printoptions(saved);
 */
export function get_printoptions(): PrintOptions {
  return { ...PRINT_OPTS };
}

/** What the printer needs from a tensor. */
export interface PrintableTensor {
  shape: readonly number[];
  dtype: 'float32' | 'float64' | 'int32' | 'int64' | 'bool';
  /** element (flat row-major index) -> value; bool as 0/1 */
  get(flatIndex: number): number;
  requires_grad: boolean;
  /** the grad_fn's class name, e.g. 'MmBackward0'; null for leaves */
  grad_fn: string | null;
  is_leaf: boolean;
}

/** Marks the `...` position in a dimension's list of printed indices. */
const ELLIPSIS = -1;

/** Python's str() of a shape tuple: (), (5,), (0, 3). */
function sizeStr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The indices printed along one dimension: all of them, or the edges around an ELLIPSIS. */
function printedIndices(n: number, summarize: boolean, edge: number): number[] {
  const all = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  if (!summarize || n <= 2 * edge) return all(0, n);
  return [...all(0, edge), ELLIPSIS, ...all(n - edge, n)];
}

/**
 * Reads only the printed elements, in print order: a summarised tensor of 1e6 elements costs
 * (2 * edgeitems)**ndim reads. These are also exactly the values PyTorch's formatter measures
 * (get_summarized_data).
 */
function gatherPrinted(t: PrintableTensor, picks: number[][]): number[] {
  const out: number[] = [];
  const ndim = t.shape.length;
  const walk = (d: number, base: number): void => {
    if (d === ndim) {
      out.push(t.get(base));
      return;
    }
    for (const i of picks[d]) {
      if (i !== ELLIPSIS) walk(d + 1, base * t.shape[d] + i);
    }
  };
  walk(0, 0);
  return out;
}

/** _vector_str: one row, wrapped so a line holds as many columns as fit in linewidth. */
function vectorStr(items: string[], indent: number, width: number): string {
  const perLine = Math.max(1, Math.floor((PRINT_OPTS.linewidth - indent) / (width + 2)));
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) {
    lines.push(items.slice(i, i + perLine).join(', '));
  }
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

/** _tensor_str: the bracketed body of a non-empty tensor. */
function tensorStr(t: PrintableTensor, indent: number): string {
  const ndim = t.shape.length;
  const numel = t.shape.reduce((a, b) => a * b, 1);
  const summarize = numel > PRINT_OPTS.threshold;
  // PyTorch 2.x: with edgeitems 0 a summarised tensor shows no elements at all.
  if (summarize && PRINT_OPTS.edgeitems <= 0 && ndim > 0) return '[...]';
  const picks = t.shape.map((n) => printedIndices(n, summarize, PRINT_OPTS.edgeitems));
  const values = gatherPrinted(t, picks);
  const fmt = new Formatter(values, t.dtype, PRINT_OPTS);
  let cursor = 0;
  const next = () => fmt.format(values[cursor++]);
  const build = (d: number, ind: number): string => {
    if (d === ndim - 1) {
      return vectorStr(picks[d].map((i) => (i === ELLIPSIS ? ' ...' : next())), ind, fmt.width());
    }
    const slices = picks[d].map((i) => (i === ELLIPSIS ? '...' : build(d + 1, ind + 1)));
    // Blank lines between slices grow with depth: one for matrices of a 3-D tensor, two for 4-D.
    return `[${slices.join(`,${'\n'.repeat(ndim - d - 1)}${' '.repeat(ind + 1)}`)}]`;
  };
  return ndim === 0 ? next() : build(0, indent);
}

/** _add_suffixes: `, suffix` on the last line while it fits, else on a new indented line. */
function addSuffixes(text: string, suffixes: string[], indent: number): string {
  const parts = [text];
  // PyTorch's own arithmetic (rfind gives -1 without a newline), kept for identical wrapping.
  let lastLineLen = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > PRINT_OPTS.linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** The size/dtype suffixes and the body text of a dense CPU tensor (_str_intern). */
function bodyAndSuffixes(t: PrintableTensor, indent: number): { body: string; suffixes: string[] } {
  const suffixes: string[] = [];
  const numel = t.shape.reduce((a, b) => a * b, 1);
  if (numel === 0) {
    // Nothing to infer an integer dtype from, so only float32 (the default dtype) goes unsaid.
    if (t.shape.length !== 1) suffixes.push(`size=${sizeStr(t.shape)}`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=torch.${t.dtype}`);
    return { body: '[]', suffixes };
  }
  if (PRINT_OPTS.edgeitems <= 0) suffixes.push(`size=${sizeStr(t.shape)}`);
  const hasDefaultDtype = t.dtype === 'float32' || t.dtype === 'int64' || t.dtype === 'bool';
  if (!hasDefaultDtype) suffixes.push(`dtype=torch.${t.dtype}`);
  return { body: tensorStr(t, indent), suffixes };
}

/**
 * A tensor's repr, as `repr(t)` prints it in PyTorch: `prefix` is the opening text (PyTorch's
 * `tensor(`) and sets the indent of continuation lines.
 *
 * @example
 * formatTensor({ shape: [2], dtype: 'float32', get: (i) => [1.5, -2][i],
 *   requires_grad: true, grad_fn: null, is_leaf: true });
 * // 'tensor([ 1.5000, -2.0000], requires_grad=True)'
 */
export function formatTensor(t: PrintableTensor, opts: { prefix?: string } = {}): string {
  const prefix = opts.prefix ?? 'tensor(';
  const indent = prefix.length;
  const { body, suffixes } = bodyAndSuffixes(t, indent);
  if (t.grad_fn !== null) suffixes.push(`grad_fn=<${t.grad_fn}>`);
  else if (t.requires_grad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}

/**
 * repr of an nn.Parameter: torch.nn.Parameter.__repr__ puts a header line above the tensor text.
 *
 * @example
 * formatParameter({ shape: [1], dtype: 'float32', get: () => 1,
 *   requires_grad: true, grad_fn: null, is_leaf: true });
 * // 'Parameter containing:\ntensor([1.], requires_grad=True)'
 */
export function formatParameter(t: PrintableTensor): string {
  return `Parameter containing:\n${formatTensor(t)}`;
}
