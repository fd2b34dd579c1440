// In-place ops against tools/oracle/inplace.py: values, grad_fn names, version counters, and
// gradients that flow through the op to the tensor's history and to tensor arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { type EncodedTensor, decodeData, loadFixture } from '../helpers/fixtures.js';
import { assertClose } from '../helpers/tolerance.js';

interface Case {
  name: string; op: string; a: EncodedTensor; args: unknown[]; kwargs: Record<string, unknown>;
  g: EncodedTensor; out: EncodedTensor; grad_fn: string; version_delta: number; a_grad: EncodedTensor;
  arg_grads: (EncodedTensor | null)[];
}

function make(e: EncodedTensor, requires_grad = false): torch.Tensor {
  const t = torch.tensor(decodeData(e), { dtype: e.dtype }).reshape(e.shape);
  return requires_grad ? t.requires_grad_() : t;
}

for (const c of loadFixture<Case[]>('inplace')) {
  test(c.name, () => {
    const a = make(c.a, true);
    const args = c.args.map((v, i) => {
      if (v !== null && typeof v === 'object' && 'tensor' in v) {
        return make((v as { tensor: EncodedTensor }).tensor, c.arg_grads[i] !== null);
      }
      return v;
    });
    const x = a.mul(1);
    const v0 = x._version.value;
    const kw = Object.keys(c.kwargs).length > 0 ? [c.kwargs] : [];
    const ret = (x as unknown as Record<string, (...a: unknown[]) => torch.Tensor>)[c.op](...args, ...kw);
    assert.equal(ret, x, 'in-place ops return self');
    assertClose(x, c.out, 'approx');
    assert.equal(x.grad_fn?.name(), c.grad_fn);
    assert.equal(x._version.value - v0, c.version_delta);
    x.mul(make(c.g)).sum().backward();
    assertClose(a.grad!, c.a_grad, 'approx');
    c.arg_grads.forEach((g, i) => {
      if (g !== null) assertClose((args[i] as torch.Tensor).grad!, g, 'approx');
    });
  });
}
