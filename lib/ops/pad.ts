/**
 * F.pad (API.md §3) with PyTorch's pad order: [left, right] of the last dim first, then
 * of the dim before it... Constant padding copies the input into a filled output (negative
 * pads crop) and records ConstantPadNdBackward0, whose gradient is the pad with the pads
 * negated, so higher orders work. reflect / replicate / circular gather each padded dim
 * through an index tensor of source positions (one entry per output position along that
 * dim, not per element), so their gradient is the index op's scatter-add (IndexBackward0;
 * first order only, and not PyTorch's ReflectionPad*Backward0 names).
 */
import { TensorError } from '../errors';
import { Tensor, Scalar } from '../tensor';
import { int64 } from '../dtype';
import { tensor, zeros } from '../creation';
import { suggestFormat } from '../memory-format';
import { needsGrad, record } from '../autograd/node';
import { noGrad } from '../autograd/grad-mode';
import '../indexing';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
export interface PadOptions {
  mode?: PadMode;
  value?: number | null;
}

function constantPad(x: Tensor, pad: readonly number[], value: Scalar): Tensor {
  const rank = x.dim();
  const shape = [...x._shape];
  for (let i = 0; i < pad.length / 2; i++) {
    const d = rank - 1 - i;
    const size = x._shape[d] + pad[2 * i] + pad[2 * i + 1];
    if (size < 0)
      throw new TensorError(
        `The input size ${x._shape[d]}, plus negative padding ${pad[2 * i]} and ${pad[2 * i + 1]} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`,
      );
    shape[d] = size;
  }
  const out = Tensor.empty(shape, x.dtype, suggestFormat(x._shape, x._strides));
  noGrad(() => {
    out.fill_(value);
    let src = x, dst = out, empty = false;
    for (let i = 0; i < pad.length / 2 && !empty; i++) {
      const d = rank - 1 - i;
      const cropBefore = Math.max(-pad[2 * i], 0), cropAfter = Math.max(-pad[2 * i + 1], 0);
      const length = x._shape[d] - cropBefore - cropAfter;
      if (length <= 0) empty = true;
      else {
        src = src.narrow(d, cropBefore, length);
        dst = dst.narrow(d, Math.max(pad[2 * i], 0), length);
      }
    }
    if (!empty && src.numel() > 0) dst.copy_(src);
  });
  if (needsGrad([x])) {
    const negated = pad.map((p) => -p);
    record('ConstantPadNdBackward0', [x], [out], () => ([g]) => [g ? constantPad(g, negated, 0) : null]);
  }
  return out;
}

/** Source position along one dim for every output position, by the mode's rule. */
function sourcePositions(mode: Exclude<PadMode, 'constant'>, size: number, before: number, after: number): number[] {
  const out = size + before + after;
  const positions = new Array<number>(Math.max(out, 0));
  for (let j = 0; j < out; j++) {
    let p = j - before;
    if (mode === 'reflect') {
      if (p < 0) p = -p;
      if (p >= size) p = 2 * (size - 1) - p;
    } else if (mode === 'replicate') p = Math.min(Math.max(p, 0), size - 1);
    else p = ((p % size) + size) % size;
    positions[j] = p;
  }
  return positions;
}

function gatherPad(x: Tensor, pad: readonly number[], mode: Exclude<PadMode, 'constant'>): Tensor {
  const rank = x.dim();
  const k = pad.length / 2;
  // torch.nn.functional.pad (1.13): a 1-, 2- or 3-d pad takes a (k+1)- or (k+2)-d input.
  if (pad.length > 6 || (rank !== k + 1 && rank !== k + 2))
    throw new TensorError('Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now');
  for (let i = 0; i < k; i++) {
    const d = rank - 1 - i;
    const size = x._shape[d], before = pad[2 * i], after = pad[2 * i + 1];
    if (mode === 'reflect' && (before >= size || after >= size))
      throw new TensorError(
        `Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${d} of input [${x._shape.join(', ')}]`,
      );
    if (mode === 'circular' && (before > size || after > size)) throw new TensorError('Padding value causes wrapping around more than once.');
    if (size === 0) throw new TensorError(`${mode} padding: dimension ${d} of input [${x._shape.join(', ')}] is empty`);
  }
  const plan = gatherPlan(x, pad, mode);
  return applyPlan(x, plan);
}

/** The gathers a non-constant pad is made of: per padded dim, the source positions. */
interface GatherPlan {
  name: string;
  /** The node of the adjoint (the gradient), when it is itself differentiated. */
  adjointName: string;
  dims: number[];
  indices: Tensor[];
  /** shapes[i]: the shape before gather i; shapes[dims.length]: the output's. */
  shapes: number[][];
}

function gatherPlan(x: Tensor, pad: readonly number[], mode: Exclude<PadMode, 'constant'>): GatherPlan {
  const rank = x.dim(), k = pad.length / 2;
  const plan: GatherPlan = {
    // PyTorch's node names (1.13 builds circular padding from slices, hence CopySlices).
    name: mode === 'reflect' ? `ReflectionPad${k}DBackward0` : mode === 'replicate' ? `ReplicationPad${k}DBackward0` : 'torch::autograd::CopySlices',
    adjointName: mode === 'reflect' ? `ReflectionPad${k}DBackwardBackward0` : mode === 'replicate' ? `ReplicationPad${k}DBackwardBackward0` : 'CopySlicesBackward0',
    dims: [], indices: [], shapes: [[...x._shape]],
  };
  for (let i = 0; i < k; i++) {
    const d = rank - 1 - i;
    const positions = sourcePositions(mode, x._shape[d], pad[2 * i], pad[2 * i + 1]);
    plan.dims.push(d);
    plan.indices.push(tensor(positions, { dtype: int64 }));
    const next = [...plan.shapes[i]];
    next[d] = positions.length;
    plan.shapes.push(next);
  }
  return plan;
}

/**
 * The pad as a linear map P (gathers) and its adjoint P^T (scatter-adds), each recorded
 * with the other as its derivative, so every order of derivative is available.
 */
function applyPlan(x: Tensor, plan: GatherPlan): Tensor {
  const out = noGrad(() => {
    let r = x;
    plan.dims.forEach((d, i) => (r = r.index(...new Array<string>(d).fill(':'), plan.indices[i])));
    return r;
  });
  if (needsGrad([x])) record(plan.name, [x], [out], () => ([g]) => [g ? applyAdjoint(g, plan) : null]);
  return out;
}

function applyAdjoint(g: Tensor, plan: GatherPlan): Tensor {
  const out = noGrad(() => {
    let r = g;
    for (let i = plan.dims.length - 1; i >= 0; i--) {
      const z = zeros(plan.shapes[i], { dtype: g.dtype });
      z.indexPut_([...new Array<string>(plan.dims[i]).fill(':'), plan.indices[i]], r, true);
      r = z;
    }
    return r;
  });
  if (needsGrad([g])) record(plan.adjointName, [g], [out], () => ([gg]) => [gg ? applyPlan(gg, plan) : null]);
  return out;
}

/** F.pad(input, pad, mode='constant', value=None), or F.pad(input, pad, { mode, value }). */
export function pad(input: Tensor, padding: readonly number[], modeOrOpts?: PadMode | PadOptions, value?: number | null): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError("pad(): argument 'input' must be Tensor");
  const opts: PadOptions = typeof modeOrOpts === 'object' && modeOrOpts !== null ? modeOrOpts : { mode: modeOrOpts, value };
  const mode = opts.mode ?? 'constant';
  if (padding.length % 2 !== 0) throw new TensorError('Padding length must be divisible by 2');
  if (padding.length / 2 > input.dim()) throw new TensorError('Padding length too large');
  if (mode === 'constant') return constantPad(input, padding, opts.value ?? 0);
  if (mode !== 'reflect' && mode !== 'replicate' && mode !== 'circular') throw new TensorError(`Unrecognised padding mode ${String(mode)}`);
  return gatherPad(input, padding, mode);
}
