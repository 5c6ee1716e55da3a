/**
 * A deep copy of a module, as Python's copy.deepcopy does for nn.Module (used by
 * TransformerEncoder's _get_clones): parameters and buffers get their own memory with the
 * same values, sub-modules are copied recursively, plain values are shared or copied.
 */
import { Tensor } from '../tensor';
import { noGrad } from '../autograd/grad-mode';
import { Module } from './module';
import { Parameter } from './parameter';

function copyValue(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (memo.has(v)) return memo.get(v);
  let out: unknown;
  if (v instanceof Parameter) out = new Parameter(noGrad(() => v.detach().clone()), v.requiresGrad);
  else if (v instanceof Tensor) out = noGrad(() => v.detach().clone());
  else if (v instanceof Module) out = cloneModule(v, memo);
  else if (Array.isArray(v)) out = v.map((x) => copyValue(x, memo));
  else if (v instanceof Set) out = new Set(v);
  else if (v instanceof Map) out = new Map(v);
  else return v; // other objects (dtypes, functions' closures) are immutable or shared, as deepcopy treats them
  memo.set(v, out);
  return out;
}

export function cloneModule<M extends Module>(m: M, memo = new Map<unknown, unknown>()): M {
  const copy = Object.create(Object.getPrototypeOf(m)) as M;
  memo.set(m, copy);
  for (const key of Reflect.ownKeys(m)) {
    const desc = Object.getOwnPropertyDescriptor(m, key) as PropertyDescriptor;
    if ('value' in desc) desc.value = copyValue(desc.value, memo);
    Object.defineProperty(copy, key, desc);
  }
  return copy;
}
