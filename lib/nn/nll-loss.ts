/**
 * nll_loss on log-probabilities (N, C, ...) or (C) and class indices (N, ...) or (): one
 * node, NllLossBackward0, as PyTorch records it. The forward picks -logp of each target
 * class (gather: a -inf or NaN log-probability of another class must not leak in, as
 * -inf * 0 would), weighted by the class weight, with ignored targets counting zero;
 * 'mean' divides by the summed weights of the counted targets. The derivative writes
 * -weight * (upstream gradient) at each counted target and zero elsewhere, so a training
 * step's loss costs one backward node instead of one per composing op.
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { int64 } from '../dtype';
import { arange, zeros } from '../creation';
import { differentiable, needsGrad } from '../autograd/node';
import { noGrad } from '../autograd/grad-mode';
import { eq, mul, neg, where, div } from '../ops/pointwise';
import { gather } from '../ops/gather-scatter';
import { sum } from '../ops/reduce';
import type { Reduction } from './functional';

export interface NllArgs {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** One-hot mask of class indices along dim 1 (target (N, ...) -> (N, C, ...)). */
export function classMask(target: Tensor, classes: number): Tensor {
  const shape = [1, classes, ...new Array<number>(target.dim() - 1).fill(1)];
  return eq(target.unsqueeze(1), arange(classes).reshape(shape));
}

/** What the forward computed that the derivative needs (no gradient flows through them). */
interface Picked {
  loss: Tensor;
  /** Per-target weight: the class weight, zero where the target is ignored. */
  weight: Tensor;
  counted: Tensor;
  safeTarget: Tensor;
  total: Tensor | null;
}

function forward(x: Tensor, t: Tensor, batched: boolean, opts: NllArgs): Picked {
  const classes = x._shape[1];
  const counted = t.ne(opts.ignoreIndex ?? -100);
  const safeTarget = where(counted, t, 0);
  let weight: Tensor = counted.to(x.dtype);
  if (opts.weight) {
    const perClass = opts.weight.reshape([1, classes, ...new Array<number>(t.dim() - 1).fill(1)]);
    weight = mul(weight, sum(mul(classMask(safeTarget, classes), perClass), { dim: 1 }));
  }
  const losses = neg(mul(gather(x, 1, safeTarget.unsqueeze(1)).squeeze(1), weight));
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'none') return { loss: batched ? losses : losses.squeeze(0), weight, counted, safeTarget, total: null };
  if (reduction === 'sum') return { loss: sum(losses), weight, counted, safeTarget, total: null };
  const total = sum(weight);
  return { loss: div(sum(losses), total), weight, counted, safeTarget, total };
}

/** d loss / d x: -weight * g at each counted target ('mean': g / total), zero elsewhere. */
function backward(g: Tensor, x: Tensor, batched: boolean, p: Picked): Tensor {
  const perTarget = p.total !== null ? div(g, p.total) : batched || g.dim() === 0 ? g : g.unsqueeze(0);
  // Ignored targets get zero even when the total weight is zero (PyTorch skips them).
  const coef = where(p.counted, mul(neg(p.weight), perTarget), 0);
  const gx = zeros(x._shape, { dtype: x.dtype }).scatter(1, p.safeTarget.unsqueeze(1), coef.unsqueeze(1));
  return batched ? gx : gx.squeeze(0);
}

export function nllLoss(input: Tensor, target: Tensor, opts: NllArgs): Tensor {
  if (target.dtype !== int64) throw new TensorError(`expected scalar type Long but found ${target.dtype.name === 'int32' ? 'Int' : target.dtype.name}`);
  if (input.dim() < 1) throw new TensorError('input tensor should be 1D or 2D');
  const batched = input.dim() >= 2;
  const x = batched ? input : input.unsqueeze(0);
  const t = batched ? target : target.unsqueeze(0);
  if (x._shape[0] !== t._shape[0])
    throw new TensorError(`Expected input batch_size (${x._shape[0]}) to match target batch_size (${t._shape[0]}).`);
  if (!needsGrad([input])) return noGrad(() => forward(x, t, batched, opts).loss);
  let picked: Picked | null = null;
  return differentiable(
    'NllLossBackward0',
    [input],
    () => (picked = forward(x, t, batched, opts)).loss,
    (g, [saved]) => [backward(g, batched ? (saved as Tensor) : (saved as Tensor).unsqueeze(0), batched, picked as Picked)],
  );
}
