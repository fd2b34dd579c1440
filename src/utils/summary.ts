// torch.summary: a torchinfo-style model summary (module tree, output shapes, parameter counts,
// estimated memory). PyTorch itself has no such function; the table follows torchinfo's default
// layout, but a parameter shared between layers (or a layer called twice) is counted once.
import { Tensor } from '../tensor/tensor.js';
import { float32, toDType, type DTypeLike } from '../tensor/dtype.js';
import { zeros } from '../tensor/factories.js';
import { no_grad } from '../autograd/grad_mode.js';
import { Module } from '../nn/modules/module.js';
import type { Parameter } from '../nn/parameter.js';
import type { RemovableHandle } from './hooks.js';
import { check, ValueError } from './check.js';

/** Options of `torch.summary`. */
export interface SummaryOpts {
  /** Deepest level of nested modules shown (the model itself is depth 0). Default 3. */
  depth?: number;
  /** One dtype per input tensor; default float32 for every input. */
  dtypes?: DTypeLike[];
  /** 0: quiet; 1 (default, as torchinfo): also print the table with console.log. */
  verbose?: 0 | 1;
  /** Width of the Output Shape and Param # columns; the layer column is 15 wider. Default 25. */
  col_width?: number;
  /** Mode the model runs in during the pass (restored afterwards). Default 'eval'. */
  mode?: 'eval' | 'train';
}

/** One module call recorded during the forward pass: one row of the table. */
export interface LayerInfo {
  module: Module;
  class_name: string;
  /** The module's attribute name in its parent ('' for the model itself). */
  var_name: string;
  /** 0 for the model, 1 for its children, ... */
  depth: number;
  /** 1-based call order among all rows of the same depth (null for the model). */
  depth_index: number | null;
  parent: LayerInfo | null;
  children: LayerInfo[];
  /** Shapes of the tensors in the output, in order (nested arrays flattened). */
  output_shapes: number[][];
  /** The output's shape when the output is exactly one tensor, else null. */
  output_shape: number[] | null;
  /** Bytes of the output tensors. */
  output_bytes: number;
  /** True when this module already ran earlier in the pass: its parameters were counted there. */
  is_recursive: boolean;
  /** Elements of parameters held directly by this module and counted here first. */
  own_params: number;
  /** Elements of parameters counted first anywhere in this row's subtree. */
  num_params: number;
  /** The trainable (requires_grad) part of num_params. */
  trainable_params: number;
  /** Whether the module holds any parameter at all (counted here or not). */
  has_params: boolean;
}

const MB = 1e6;

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

function fmtMB(bytes: number): string {
  return (bytes / MB).toFixed(2);
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function collectTensors(x: unknown, out: Tensor[]): Tensor[] {
  if (x instanceof Tensor) out.push(x);
  else if (Array.isArray(x)) for (const v of x) collectTensors(v, out);
  else if (x instanceof Map) for (const v of x.values()) collectTensors(v, out);
  return out;
}

/**
 * What `torch.summary` returns: the rows, the totals and the estimated sizes; `toString()` gives
 * the table.
 * @example String(torch.summary(net, [1, 4], { verbose: 0 })).includes('Total params') // true
 */
export class ModelSummary {
  /** Every recorded module call, in call order, at all depths (rows deeper than `depth` included). */
  readonly summary_list: LayerInfo[];
  readonly total_params: number;
  readonly trainable_params: number;
  readonly non_trainable_params: number;
  readonly total_input_bytes: number;
  /** Outputs of parameterised leaf layers, twice (for their gradients), as torchinfo estimates. */
  readonly total_output_bytes: number;
  readonly total_param_bytes: number;
  readonly depth: number;
  readonly col_width: number;

  constructor(model: Module, rows: LayerInfo[], inputs: Tensor[], depth: number, col_width: number) {
    this.summary_list = rows;
    this.depth = depth;
    this.col_width = col_width;
    let total = 0;
    let trainable = 0;
    let paramBytes = 0;
    for (const p of model.parameters()) {
      total += p.numel();
      if (p.requires_grad) trainable += p.numel();
      paramBytes += p.numel() * p.element_size();
    }
    this.total_params = total;
    this.trainable_params = trainable;
    this.non_trainable_params = total - trainable;
    this.total_param_bytes = paramBytes;
    this.total_input_bytes = inputs.reduce((s, t) => s + t.numel() * t.element_size(), 0);
    const leaves = rows.filter((r) => r.children.length === 0 && r.has_params);
    this.total_output_bytes = 2 * leaves.reduce((s, r) => s + r.output_bytes, 0);
  }

  /** Bytes of inputs, activations (with their gradients) and parameters together. */
  get total_bytes(): number {
    return this.total_input_bytes + this.total_output_bytes + this.total_param_bytes;
  }

  private line(cells: string[]): string {
    // Each cell is padded to its column's width and followed by one space, as in torchinfo.
    const widths = [this.col_width + 15, this.col_width, this.col_width];
    return cells.map((c, i) => `${c.padEnd(widths[i] ?? 0)} `).join('').trimEnd();
  }

  private rowText(r: LayerInfo): string {
    let name = r.class_name;
    if (r.depth > 0) {
      const branch = r.depth === 1 ? '├─' : `${'│    '.repeat(r.depth - 1)}└─`;
      name = `${branch}${r.class_name}: ${r.depth}-${r.depth_index ?? 0}`;
    }
    let shape = '--';
    if (r.output_shape !== null) shape = fmtShape(r.output_shape);
    else if (r.output_shapes.length > 0) shape = `[${r.output_shapes.map(fmtShape).join(', ')}]`;
    return this.line([name, shape, paramsRepr(r, this.depth)]);
  }

  /** The table, laid out as torchinfo's default summary (without mult-adds). */
  toString(): string {
    const rule = '='.repeat(this.col_width * 3 + 15);
    const rows = this.summary_list.filter((r) => r.depth <= this.depth).map((r) => this.rowText(r));
    return [
      rule,
      this.line(['Layer (type:depth-idx)', 'Output Shape', 'Param #']),
      rule,
      ...rows,
      rule,
      `Total params: ${fmtInt(this.total_params)}`,
      `Trainable params: ${fmtInt(this.trainable_params)}`,
      `Non-trainable params: ${fmtInt(this.non_trainable_params)}`,
      rule,
      `Input size (MB): ${fmtMB(this.total_input_bytes)}`,
      `Forward/backward pass size (MB): ${fmtMB(this.total_output_bytes)}`,
      `Params size (MB): ${fmtMB(this.total_param_bytes)}`,
      `Estimated Total Size (MB): ${fmtMB(this.total_bytes)}`,
      rule,
    ].join('\n');
  }
}

// A collapsed row (a leaf, or at the deepest shown level) carries its whole subtree's count;
// an expanded container only what it holds directly, its children showing the rest.
function paramsRepr(r: LayerInfo, maxDepth: number): string {
  if (r.is_recursive) return '(recursive)';
  const collapsed = r.children.length === 0 || r.depth >= maxDepth;
  const n = collapsed ? r.num_params : r.own_params;
  return n === 0 ? '--' : fmtInt(n);
}

/** Records one row per module call: a pre-hook opens the row, a forward hook closes it. */
class Recorder {
  readonly rows: LayerInfo[] = [];
  private readonly stack: LayerInfo[] = [];
  private readonly seenModules = new Set<Module>();
  private readonly seenParams = new Set<Parameter>();
  private readonly counters = new Map<number, number>();

  constructor(private readonly names: Map<Module, string>) {}

  open(module: Module): void {
    const parent = this.stack[this.stack.length - 1] ?? null;
    const depth = parent === null ? 0 : parent.depth + 1;
    const index = (this.counters.get(depth) ?? 0) + 1;
    this.counters.set(depth, index);
    const is_recursive = this.seenModules.has(module);
    this.seenModules.add(module);
    let own = 0;
    let trainable = 0;
    let has_params = false;
    for (const p of module._parameters.values()) {
      if (p === null) continue;
      has_params = true;
      if (is_recursive || this.seenParams.has(p)) continue;
      this.seenParams.add(p);
      own += p.numel();
      if (p.requires_grad) trainable += p.numel();
    }
    const row: LayerInfo = {
      module, class_name: module._get_name(), var_name: this.names.get(module) ?? '', depth,
      depth_index: depth === 0 ? null : index, parent, children: [], output_shapes: [], output_shape: null,
      output_bytes: 0, is_recursive, own_params: own, num_params: own, trainable_params: trainable,
      has_params,
    };
    parent?.children.push(row);
    this.rows.push(row);
    this.stack.push(row);
  }

  close(output: unknown): void {
    const row = this.stack.pop();
    if (row === undefined) return;
    const tensors = collectTensors(output, []);
    row.output_shapes = tensors.map((t) => [...t.shape]);
    row.output_shape = tensors.length === 1 ? [...tensors[0]!.shape] : null;
    row.output_bytes = tensors.reduce((s, t) => s + t.numel() * t.element_size(), 0);
    for (let p = row.parent; p !== null; p = p.parent) {
      p.num_params += row.own_params;
      p.trainable_params += row.trainable_params;
    }
  }
}

function makeInputs(input_size: readonly number[] | readonly (readonly number[])[], dtypes?: DTypeLike[],
): Tensor[] {
  const sizes = input_size.length > 0 && Array.isArray(input_size[0])
    ? (input_size as readonly (readonly number[])[])
    : [input_size as readonly number[]];
  check(dtypes === undefined || dtypes.length === sizes.length, () =>
    `summary: got ${dtypes?.length} dtypes for ${sizes.length} inputs`, ValueError);
  return sizes.map((s, i) => {
    const d = dtypes?.[i];
    return zeros([...s], { dtype: d !== undefined ? toDType(d) : float32 });
  });
}

/**
 * A torchinfo-style summary of `model`: one forward pass under no_grad on zero tensors of
 * `input_size` (one shape, or a list of shapes for several inputs) records each module call's
 * output shape through forward hooks (removed afterwards). A parameter is counted once, at the first
 * layer that uses it; later calls of the same layer show `(recursive)`.
 * @example
 * const lin = new nn.Linear(1, 1, false);
 * const s = torch.summary(new nn.Sequential(lin, lin, lin, lin), [1, 1], { verbose: 0 });
 * s.total_params // 1
 * console.log(String(s)) // the table
 */
export function summary(
  model: Module, input_size: readonly number[] | readonly (readonly number[])[], opts: SummaryOpts = {},
): ModelSummary {
  const depth = opts.depth ?? 3;
  const colWidth = opts.col_width ?? 25;
  check(Number.isInteger(depth) && depth >= 0, () => `summary: depth must be a non-negative integer`,
    ValueError);
  const inputs = makeInputs(input_size, opts.dtypes);
  const names = new Map<Module, string>();
  for (const [name, m] of model.named_modules()) names.set(m, name.split('.').pop() ?? '');
  const recorder = new Recorder(names);
  const handles: RemovableHandle[] = [];
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  try {
    for (const m of names.keys()) {
      handles.push(m.register_forward_pre_hook((mod) => {
        recorder.open(mod);
      }));
      handles.push(m.register_forward_hook((_mod, _args, out) => {
        recorder.close(out);
      }));
    }
    model.train(opts.mode === 'train');
    no_grad(() => model.forward(...inputs));
  } finally {
    for (const h of handles) h.remove();
    for (const [m, training] of modes) m.training = training;
  }
  const result = new ModelSummary(model, recorder.rows, inputs, depth, colWidth);
  if ((opts.verbose ?? 1) >= 1) console.log(result.toString());
  return result;
}
