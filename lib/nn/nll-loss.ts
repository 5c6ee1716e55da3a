/**
 * nll_loss on log-probabilities (N, C, ...) or (C) and class indices (N, ...) or (): one
 * node, NllLossBackward0, as PyTorch records it, over one native kernel each way
 * (native/src/kernels/nll_loss.h). The loss is -weight[t] * logp[t] per counted target;
 * ignored targets count zero; 'mean' divides by the summed weights of the counted targets.
 * The derivative writes -weight * (upstream gradient) at each counted target and zero
 * elsewhere. In a training step this replaces a dozen small composed ops and their nodes.
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { int64 } from '../dtype';
import { zeros } from '../creation';
import { native } from '../native';
import { differentiable, needsGrad } from '../autograd/node';
import { noGrad } from '../autograd/grad-mode';
import { mul, neg, where, div, scalarTypeNames } from '../ops/pointwise';
import type { Reduction } from './functional';

export interface NllArgs {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

const REDUCTION_CODES: Record<Reduction, number> = { none: 0, mean: 1, sum: 2 };

/** The operands in the kernel's form: x (n, c, s), targets (n, s), all dense. */
interface Problem {
  x: Tensor;
  target: Tensor;
  weight: Tensor | null;
  n: number;
  c: number;
  s: number;
  ignoreIndex: number;
  reduction: Reduction;
}

function problem(x: Tensor, t: Tensor, opts: NllArgs): Problem {
  if (!x.dtype.isFloatingPoint) throw new TensorError(`"nll_loss_out_frame" not implemented for '${scalarTypeNames[x.dtype.name]}'`);
  const [n, c] = x._shape;
  const rest = x._shape.slice(2);
  const expected = [n, ...rest];
  if (t._shape.length !== expected.length || t._shape.some((d, i) => d !== expected[i]))
    throw new TensorError(`Expected target size [${expected.join(', ')}], got [${t._shape.join(', ')}]`);
  let weight: Tensor | null = null;
  if (opts.weight) {
    if (opts.weight.numel() !== c)
      throw new TensorError(`weight tensor should be defined either for all ${c} classes or no classes but got weight tensor of shape: [${opts.weight._shape.join(', ')}]`);
    if (opts.weight.dtype !== x.dtype)
      throw new TensorError(`expected scalar type ${scalarTypeNames[x.dtype.name]} but found ${scalarTypeNames[opts.weight.dtype.name]}`);
    weight = opts.weight.contiguous();
  }
  const s = rest.reduce((p, d) => p * d, 1);
  return { x, target: t.contiguous(), weight, n, c, s, ignoreIndex: opts.ignoreIndex ?? -100, reduction: opts.reduction ?? 'mean' };
}

function launch(p: Problem, mode: 0 | 1, input: Tensor, total: Tensor, out: Tensor): number | undefined {
  const w = p.weight;
  return native.nllLoss(
    mode, p.x.dtype.code, p.n, p.c, p.s, p.ignoreIndex, REDUCTION_CODES[p.reduction],
    p.target._storage.bytes, p.target._offset, w ? w._storage.bytes : null, w ? w._offset : 0,
    input._storage.bytes, input._offset, total._storage.bytes, total._offset, out._storage.bytes, out._offset,
  );
}

/** The loss (shape of the targets for 'none', else 0-d) and the total weight (0-d). */
function forward(p: Problem): { loss: Tensor; total: Tensor } {
  const x = p.x.contiguous();
  const loss = Tensor.empty(p.reduction === 'none' ? p.target._shape : [], x.dtype);
  const total = Tensor.empty([], x.dtype);
  const bad = launch(p, 0, x, total, loss) as number;
  if (bad >= 0) throw new TensorError(`Target ${Number(p.target.reshape([-1]).select(0, bad).item())} is out of bounds.`);
  return { loss, total };
}

/** d loss / d x (x in the kernel's (N, C, ...) form) by the kernel. */
function backward(p: Problem, g: Tensor, total: Tensor): Tensor {
  const gx = Tensor.empty(p.x._shape, p.x.dtype);
  launch(p, 1, g.contiguous(), total, gx);
  return gx;
}

/**
 * The same derivative from differentiable ops, for a second derivative (an upstream
 * gradient that itself requires grad): ignored targets get zero even when the total
 * weight is zero (PyTorch skips them).
 */
function composedBackward(p: Problem, g: Tensor, total: Tensor): Tensor {
  const { counted, safe, weight } = noGrad(() => {
    const counted = p.target.ne(p.ignoreIndex);
    const safe = where(counted, p.target, 0);
    let weight: Tensor = counted.to(p.x.dtype);
    if (p.weight) weight = mul(weight, p.weight.index(safe));
    return { counted, safe, weight };
  });
  const perTarget = p.reduction === 'mean' ? div(g, total) : p.reduction === 'none' ? g.reshape(p.target._shape) : g;
  const coef = where(counted, mul(neg(weight), perTarget), 0);
  return zeros(p.x._shape, { dtype: p.x.dtype }).scatter(1, safe.unsqueeze(1), coef.unsqueeze(1));
}

export function nllLoss(input: Tensor, target: Tensor, opts: NllArgs): Tensor {
  if (target.dtype !== int64) throw new TensorError(`expected scalar type Long but found ${target.dtype.name === 'int32' ? 'Int' : target.dtype.name}`);
  if (input.dim() < 1) throw new TensorError('input tensor should be 1D or 2D');
  const batched = input.dim() >= 2;
  const x = batched ? input : input.unsqueeze(0);
  const t = batched ? target : target.unsqueeze(0);
  if (x._shape[0] !== t._shape[0])
    throw new TensorError(`Expected input batch_size (${x._shape[0]}) to match target batch_size (${t._shape[0]}).`);
  const p = problem(x, t, opts);
  const unbatch = (l: Tensor) => (batched || p.reduction !== 'none' ? l : l.reshape([]));
  if (!needsGrad([input])) return unbatch(noGrad(() => forward(p)).loss);
  let total: Tensor | null = null;
  return differentiable(
    'NllLossBackward0',
    [input],
    () => {
      const r = forward(p);
      total = r.total;
      return unbatch(r.loss);
    },
    (g) => {
      const gx = needsGrad([g]) ? composedBackward(p, g, total as Tensor) : backward(p, g, total as Tensor);
      return [batched ? gx : gx.reshape(input._shape)];
    },
  );
}
