// The generic op runner: every case of tools/oracle/ops.py (test/fixtures/ops.json) checks the
// forward values, the grad_fn name, the gradients of a seeded loss, tstorch's gradcheck, and
// PyTorch's error messages. The fixture's conventions (pre, requires_grad, ...) are documented
// at the top of tools/oracle/ops.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../src/index.js';
import { type EncodedTensor, decodeData, loadFixture } from './helpers/fixtures.js';
import { assertClose, opClass } from './helpers/tolerance.js';

type Tensor = torch.Tensor;
type Enc = { tensor: EncodedTensor } | { dtype: string } | number | string | boolean | null | Enc[];
type Pre = [string, ...unknown[]] | null;

interface Case {
  name: string;
  fn: string;
  method: boolean;
  args: Enc[];
  kwargs: Record<string, Enc>;
  pre: (Pre | Pre[])[];
  requires_grad: (boolean | boolean[])[];
  out: Enc;
  grad_fn: string | null;
  grad_outputs: (EncodedTensor | null)[] | null;
  grads: (EncodedTensor | null | (EncodedTensor | null)[])[] | null;
  gradcheck: boolean;
}

interface ErrorCase {
  name: string;
  fn: string;
  method: boolean;
  args: Enc[];
  kwargs: Record<string, Enc>;
  pre: (Pre | Pre[])[];
  message: string;
}

const fixtures = ['ops', 'ops_extra'].map((n) => loadFixture<{ cases: Case[]; errors: ErrorCase[] }>(n));
const fx = { cases: fixtures.flatMap((f) => f.cases), errors: fixtures.flatMap((f) => f.errors) };

function isEncTensor(x: unknown): x is { tensor: EncodedTensor } {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'tensor' in x;
}

function isTensorList(x: unknown): x is Enc[] {
  return Array.isArray(x) && x.some(isEncTensor);
}

/** A fresh contiguous tstorch tensor holding an encoded tensor's values. */
function makeTensor(e: EncodedTensor, dtype: string = e.dtype): Tensor {
  return torch.tensor(decodeData(e), { dtype: dtype as torch.DTypeName }).reshape(e.shape);
}

/** Any fixture value: tensors become tensors, {dtype} a dtype name, lists recurse. */
function decodeAny(x: Enc): unknown {
  if (Array.isArray(x)) return x.map(decodeAny);
  if (isEncTensor(x)) return makeTensor(x.tensor);
  if (typeof x === 'object' && x !== null && 'dtype' in x) return x.dtype;
  return x;
}

/** The case's arguments as base leaves (before `pre`), requires_grad set as recorded. */
function buildArgs(c: { args: Enc[] }, rg: (boolean | boolean[])[] | null, float64 = false): unknown[] {
  const leaf = (e: EncodedTensor, flag: boolean): Tensor => {
    const isFloat = e.dtype.startsWith('float');
    const t = makeTensor(e, float64 && isFloat ? 'float64' : e.dtype);
    return flag ? t.requires_grad_(true) : t;
  };
  return c.args.map((a, i) => {
    const r = rg?.[i] ?? false;
    if (isTensorList(a)) {
      const flags = Array.isArray(r) ? r : [];
      return a.map((v, k) => (isEncTensor(v) ? leaf(v.tensor, flags[k] ?? false) : decodeAny(v)));
    }
    if (isEncTensor(a)) return leaf(a.tensor, r === true);
    return decodeAny(a);
  });
}

function applyPre(x: unknown, p: Pre): unknown {
  if (p === null) return x;
  const [method, ...rest] = p;
  const f = (x as Record<string, unknown>)[method];
  assert.equal(typeof f, 'function', `pre-transform ${method} is not a Tensor method`);
  return (f as (...a: unknown[]) => unknown).apply(x, rest);
}

function applyPres(args: unknown[], pre: (Pre | Pre[])[]): unknown[] {
  return args.map((a, i) => {
    const p = pre[i] ?? null;
    if (Array.isArray(a) && a.some((v) => v instanceof torch.Tensor)) {
      const ps = (p ?? []) as Pre[];
      return a.map((v, k) => applyPre(v, ps[k] ?? null));
    }
    return applyPre(a, p as Pre);
  });
}

function decodeKwargs(kw: Record<string, Enc>): Record<string, unknown> | null {
  const keys = Object.keys(kw);
  if (keys.length === 0) return null;
  return Object.fromEntries(keys.map((k) => [k, decodeAny(kw[k])]));
}

/** torch[fn](...args, kwargs) or args[0][fn](...rest, kwargs); kwargs only when non-empty. */
function callOp(c: { fn: string; method: boolean; kwargs: Record<string, Enc> }, args: unknown[]): unknown {
  const kw = decodeKwargs(c.kwargs);
  const tail = kw === null ? [] : [kw];
  if (c.method) {
    const self = args[0] as Record<string, unknown>;
    const f = self[c.fn];
    assert.equal(typeof f, 'function', `Tensor.${c.fn} is missing`);
    return (f as (...a: unknown[]) => unknown).apply(self, [...args.slice(1), ...tail]);
  }
  const f = (torch as unknown as Record<string, unknown>)[c.fn];
  assert.equal(typeof f, 'function', `torch.${c.fn} is missing`);
  return (f as (...a: unknown[]) => unknown)(...args, ...tail);
}

function outputList(out: unknown): unknown[] {
  return Array.isArray(out) ? [...out] : [out];
}

function checkOutputs(c: Case, out: unknown): void {
  const cls = opClass(c.fn);
  if (Array.isArray(c.out)) {
    assert.ok(Array.isArray(out), `expected ${c.out.length} outputs, got a single value`);
    assert.equal(out.length, c.out.length, 'number of outputs');
    c.out.forEach((e, k) => {
      assert.ok(isEncTensor(e), `output ${k} is not a tensor in the fixture`);
      assertClose(out[k] as Tensor, e.tensor, cls, `output ${k}`);
    });
    return;
  }
  assert.ok(isEncTensor(c.out), 'the fixture output is not a tensor');
  assert.ok(!Array.isArray(out), `expected one tensor, got a list of ${(out as unknown[]).length}`);
  assertClose(out as Tensor, c.out.tensor, cls, 'output');
}

function checkGradFn(c: Case, out: unknown): void {
  const first = outputList(out)[0] as Tensor;
  const name = first.grad_fn ? first.grad_fn.name() : null;
  assert.equal(name, c.grad_fn, 'grad_fn');
}

function checkBackward(c: Case, base: unknown[], out: unknown): void {
  if (c.grad_outputs === null || c.grads === null) return;
  const outs = outputList(out) as Tensor[];
  let loss: Tensor | null = null;
  for (const [k, g] of c.grad_outputs.entries()) {
    if (g === null) continue;
    const term = outs[k].mul(makeTensor(g)).sum();
    loss = loss === null ? term : loss.add(term);
  }
  assert.ok(loss, 'no differentiable output');
  loss.backward();
  const check = (leaf: unknown, want: EncodedTensor | null, what: string): void => {
    if (!(leaf instanceof torch.Tensor)) return;
    if (want === null) {
      assert.equal(leaf.grad, null, `${what}: expected no gradient`);
      return;
    }
    assertClose(leaf.grad, want, 'approx', what);
  };
  c.grads.forEach((want, i) => {
    const a = base[i];
    if (Array.isArray(a) && Array.isArray(want)) {
      a.forEach((v, k) => check(v, want[k] ?? null, `grad of arg ${i}[${k}]`));
    } else if (!Array.isArray(want)) {
      check(a, want, `grad of arg ${i}`);
    }
  });
}

function flatTensors(args: unknown[]): Tensor[] {
  const all = args.flatMap((a) => (Array.isArray(a) ? a : [a]));
  return all.filter((v): v is Tensor => v instanceof torch.Tensor);
}

/** Rebuilds the argument structure with `ts` in place of the tensors, in order. */
function withTensors(args: unknown[], ts: Tensor[]): unknown[] {
  let k = 0;
  const swap = (v: unknown): unknown => (v instanceof torch.Tensor ? ts[k++] : v);
  const isList = (a: unknown): a is unknown[] => Array.isArray(a) && a.some((v) => v instanceof torch.Tensor);
  return args.map((a) => (isList(a) ? a.map(swap) : swap(a)));
}

function runGradcheck(c: Case): void {
  const base = buildArgs(c, c.requires_grad, true);
  const fn = (...ts: Tensor[]): Tensor[] => {
    const out = callOp(c, applyPres(withTensors(base, ts), c.pre));
    return outputList(out).filter((o): o is Tensor => o instanceof torch.Tensor && o.is_floating_point());
  };
  assert.equal(torch.autograd.gradcheck(fn, flatTensors(base), { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }), true);
}

for (const c of fx.cases) {
  test(c.name, () => {
    const base = buildArgs(c, c.requires_grad);
    const out = callOp(c, applyPres(base, c.pre));
    checkOutputs(c, out);
    checkGradFn(c, out);
    checkBackward(c, base, out);
    if (c.gradcheck) runGradcheck(c);
  });
}

for (const e of fx.errors) {
  test(`error: ${e.name}`, () => {
    let thrown: unknown = null;
    try {
      const args = applyPres(buildArgs(e, null), e.pre);
      if (e.fn === 'requires_grad_') (args[0] as Tensor).requires_grad_();
      else callOp(e, args);
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown instanceof Error, `expected an error with message: ${e.message}`);
    const msg = thrown.message;
    assert.ok(msg === e.message || msg.startsWith(e.message),
      `message\n  got:      ${JSON.stringify(msg)}\n  expected: ${JSON.stringify(e.message)}`);
  });
}
