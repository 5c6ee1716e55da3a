/**
 * Small tensor helpers the engine and the derivative formulas share: summing a
 * broadcast gradient back to an input's shape, and adding gradients together.
 */
import type { Tensor } from '../tensor';
import { onesLike } from '../creation';
import { sum } from '../ops/reduce';
import { setSumTo } from '../tensor';
import { profiled, profilerState } from './profiler-state';
import { noGrad } from './grad-mode';

/** backward()'s implicit gradient of a scalar output (shows as aten::ones_like, as in PyTorch). */
export function onesLikeGrad(t: Tensor): Tensor {
  if (!profilerState.active) return onesLike(t, { memoryFormat: undefined });
  return profiled('aten::ones_like', [t], () => onesLike(t, { memoryFormat: undefined }));
}

export function accumulate(a: Tensor | null, b: Tensor | null): Tensor | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.add(b);
}

/** Sums `grad` over the dims that broadcasting added or expanded, back to `shape`. */
export function sumToSize(grad: Tensor, shape: readonly number[]): Tensor {
  const g = grad._shape;
  if (g.length === shape.length && g.every((d, i) => d === shape[i])) return grad;
  const lead = g.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.length; i++) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && g[i] !== 1) dims.push(i);
  }
  let r = dims.length ? sum(grad, { dim: dims, keepdim: true }) : grad;
  if (lead > 0) r = r.reshape([...shape]);
  return r;
}

setSumTo(sumToSize);

/**
 * Module.zeroGrad and Optimizer.zeroGrad: gradients to null (PyTorch 2's default) or, with
 * setToNone false, to zero. A dropped gradient that no code outside tensorgrad can hold
 * (Tensor._gradPrivate) gives its memory back at once.
 */
export function zeroGrads(leaves: Iterable<Tensor>, setToNone: boolean): void {
  for (const p of leaves) {
    const g = p._grad;
    if (g === null) continue;
    if (setToNone) p.grad = null; // the setter gives a private gradient's memory back
    else noGrad(() => g.zero_());
  }
}
