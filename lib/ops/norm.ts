/**
 * Normalisation (API.md §3, §5): batchNorm, layerNorm, groupNorm. Batch and layer norm
 * run native kernels (native/src/kernels/norm_impl.h) that see the input as [outer,
 * channels, inner] through its own strides, so NCHW and channels_last inputs are read in
 * place and the output keeps the input's layout, as PyTorch's. Their autograd nodes
 * (NativeBatchNormBackward0, NativeLayerNormBackward0) run the native fused backward; when
 * a graph of the backward itself is wanted (createGraph), the same formulas are written
 * with differentiable ops instead, so second derivatives work.
 */
import { contiguousStrides } from '../size';
import { parseTrailing } from '../args';
import type { PositionalThenOptions } from '../nn/layers/constructor-args';
import { DType, float32, float64 } from '../dtype';
import { TensorError } from '../errors';
import { native } from '../native';
import { Tensor, isDenseNonOverlapping } from '../tensor';
import { needsGrad, record } from '../autograd/node';
import { modeState, noGrad } from '../autograd/grad-mode';
import { add, mul, rsqrt, sub } from './pointwise';
import { mean, sum, variance } from './reduce';
import { scalarTypeNames } from './pointwise';
import { defineOp } from './registry';

/** A tensor as [outer, channels, inner] with one element stride per group. */
interface NormLayout {
  outer: number;
  channels: number;
  inner: number;
  strides: [number, number, number];
}

/** One stride for dims [from, to) if they merge into one run (size-1 dims ignored), else null. */
function mergedStride(t: Tensor, from: number, to: number): number | null {
  let stride: number | null = null;
  let expected: number | null = null;
  for (let d = to - 1; d >= from; d--) {
    const size = t._shape[d];
    if (size === 1) continue;
    if (expected !== null && t._strides[d] !== expected) return null;
    if (stride === null) stride = t._strides[d];
    expected = t._strides[d] * size;
  }
  return stride ?? 1;
}

const prod = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Batch norm's view: dim 0 outer, dim 1 channels, the rest inner; null if not expressible. */
function channelLayout(x: Tensor): NormLayout | null {
  if (!isDenseNonOverlapping(x._shape, x._strides)) return null;
  const inner = mergedStride(x, 2, x.dim());
  if (inner === null) return null;
  return {
    outer: x._shape[0],
    channels: x._shape[1],
    inner: prod(x._shape.slice(2)),
    strides: [x._strides[0], x._strides[1], inner],
  };
}

function sameStrides(a: Tensor, b: Tensor): boolean {
  return a._strides.every((s, i) => s === b._strides[i] || a._shape[i] === 1);
}

/** `t` laid out exactly as `like` (a copy unless it already is). */
function laidOutAs(t: Tensor, like: Tensor): Tensor {
  if (sameStrides(t, like) && isDenseNonOverlapping(t._shape, t._strides) && t.dtype === like.dtype) return t;
  return noGrad(() => Tensor.emptyStrided(like._shape, like._strides, like.dtype).copy_(t));
}

/** A dense 1-D vector of `dtype` (the kernels read vectors with stride 1). */
function denseVector(t: Tensor, dtype: DType): Tensor {
  const v = t.dtype === dtype ? t : noGrad(() => t.to(dtype));
  return v._strides[0] === 1 || v.numel() <= 1 ? v : noGrad(() => v.contiguous());
}

/** Writes the kernels' meta block: layout, full-size operands (input first), vectors. */
function writeNormMeta(layout: NormLayout, full: readonly Tensor[], vectors: readonly Tensor[]): void {
  const meta = native.meta;
  meta[0] = layout.outer;
  meta[1] = layout.channels;
  meta[2] = layout.inner;
  let p = 3;
  for (const t of full) {
    t._storage.assertAlive();
    meta[p++] = t.dtype.code;
    meta[p++] = t._offset;
    meta[p++] = layout.strides[0];
    meta[p++] = layout.strides[1];
    meta[p++] = layout.strides[2];
  }
  for (const v of vectors) {
    v._storage.assertAlive();
    meta[p++] = v.dtype.code;
    meta[p++] = v._offset;
    meta[p++] = v._shape.length === 0 ? 1 : v._strides[0];
  }
}

/** mean and biased variance per channel. */
function stats(x: Tensor, layout: NormLayout): [Tensor, Tensor] {
  const m = Tensor.empty([layout.channels], x.dtype), v = Tensor.empty([layout.channels], x.dtype);
  writeNormMeta(layout, [x], [m, v]);
  native.normStats(m._storage.bytes, v._storage.bytes, x._storage.bytes);
  return [m, v];
}

/** y = (x - mean) * invstd * weight + bias, weight per channel (axis 1) or inner element (2). */
function applyNorm(x: Tensor, layout: NormLayout, m: Tensor, invstd: Tensor, weight: Tensor | null, bias: Tensor | null, axis: 1 | 2, outStrides: readonly number[] = x._strides): Tensor {
  const y = Tensor.emptyStrided(x._shape, outStrides, x.dtype);
  writeNormMeta(layout, [x, y], [m, invstd, ...(weight ? [weight] : []), ...(bias ? [bias] : [])]);
  native.normApply(y._storage.bytes, x._storage.bytes, m._storage.bytes, invstd._storage.bytes, weight?._storage.bytes ?? null, bias?._storage.bytes ?? null, axis);
  return y;
}

function requireFloat(x: Tensor, op: string): void {
  if (x.dtype !== float32 && x.dtype !== float64)
    throw new TensorError(`"${op}" not implemented for '${scalarTypeNames[x.dtype.name]}'`);
}

function requireTensorArg(t: unknown, op: string, name: string): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}(): argument '${name}' must be Tensor, not ${t === null ? 'None' : typeof t}`);
}

// ---- batch norm --------------------------------------------------------------------------

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

function checkChannelVector(t: Tensor | null | undefined, name: string, channels: number): void {
  if (t && t.numel() !== channels) throw new TensorError(`${name} should contain ${channels} elements not ${t.numel()}`);
}

/**
 * F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps),
 * positionally or with an options object after the running statistics. Training mode
 * normalises with the batch's statistics and, when running statistics are given, updates
 * them in place (running_var with the unbiased variance, as PyTorch).
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null | undefined,
  runningVar: Tensor | null | undefined,
  weightOrOpts?: Tensor | null | BatchNormOptions,
  bias?: Tensor | null,
  training?: boolean,
  momentum?: number,
  eps?: number,
): Tensor {
  requireTensorArg(input, 'batch_norm', 'input');
  const opts: BatchNormOptions =
    weightOrOpts !== null && weightOrOpts !== undefined && !(weightOrOpts instanceof Tensor)
      ? weightOrOpts
      : { weight: weightOrOpts, bias, training, momentum, eps };
  const isTraining = opts.training ?? false;
  const size = input._shape;
  if (isTraining) {
    // F.batch_norm's _verify_batch_size.
    const perChannel = size[0] * prod(size.slice(2));
    if (perChannel === 1) throw new TensorError(`Expected more than 1 value per channel when training, got input size torch.Size([${size.join(', ')}])`);
  }
  return batchNormCore(input, opts.weight ?? null, opts.bias ?? null, runningMean ?? null, runningVar ?? null, isTraining, opts.momentum ?? 0.1, opts.eps ?? 1e-5);
}

/** torch.batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled). */
export function torchBatchNorm(
  input: Tensor,
  weight: Tensor | null | undefined,
  bias: Tensor | null | undefined,
  runningMean: Tensor | null | undefined,
  runningVar: Tensor | null | undefined,
  training: boolean,
  momentum: number,
  eps: number,
): Tensor {
  requireTensorArg(input, 'batch_norm', 'input');
  return batchNormCore(input, weight ?? null, bias ?? null, runningMean ?? null, runningVar ?? null, training, momentum, eps);
}

function batchNormCore(
  input: Tensor, weight: Tensor | null, bias: Tensor | null, runningMean: Tensor | null, runningVar: Tensor | null,
  training: boolean, momentum: number, eps: number,
): Tensor {
  requireFloat(input, 'batch_norm');
  if (input.dim() < 2) throw new TensorError(`batch_norm(): expected input to have at least 2 dimensions, got ${input.dim()}`);
  const channels = input._shape[1];
  checkChannelVector(runningMean, 'running_mean', channels);
  checkChannelVector(runningVar, 'running_var', channels);
  checkChannelVector(weight, 'weight', channels);
  checkChannelVector(bias, 'bias', channels);
  if (!training && (!runningMean || !runningVar)) throw new TensorError('running_mean must be defined in evaluation mode');
  const dtype = input.dtype;
  let x = input;
  let layout = channelLayout(x);
  if (!layout) {
    x = noGrad(() => input.contiguous());
    layout = channelLayout(x) as NormLayout;
  }
  const w = weight ? denseVector(weight, dtype) : null;
  const b = bias ? denseVector(bias, dtype) : null;
  let m: Tensor, invstd: Tensor;
  const count = layout.outer * layout.inner;
  if (training) {
    let v: Tensor;
    [m, v] = stats(x, layout);
    invstd = noGrad(() => rsqrt(add(v, eps)));
    if (runningMean && runningVar) {
      const batchMean = m, unbiased = v;
      noGrad(() => {
        runningMean.mul_(1 - momentum).add_(mul(batchMean, momentum));
        runningVar.mul_(1 - momentum).add_(mul(unbiased, (momentum * count) / Math.max(count - 1, 1)));
      });
    }
  } else {
    // Copies: the node keeps them, and the running statistics may change before backward.
    m = noGrad(() => denseVector(runningMean as Tensor, dtype).clone());
    invstd = noGrad(() => rsqrt(add(denseVector(runningVar as Tensor, dtype), eps)));
  }
  // As batch_norm_cpu's suggest_memory_format_contig: an input that is contiguous (size-1
  // dims aside) gives a contiguous output even when its strides are channels_last's; the
  // two layouts differ only on size-1 dims, so the kernel's view of x serves y as well.
  const y = applyNorm(x, layout, m, invstd, w, b, 1, x.isContiguous() ? contiguousStrides(x._shape) : x._strides);
  if (needsGrad([input, weight, bias])) recordBatchNorm(input, weight, bias, y, m, invstd, training, eps);
  return y;
}

type NormBackward = (g: Tensor, x: Tensor, w: Tensor | null, wants: boolean[]) => (Tensor | null)[];

/**
 * Records a normalisation node: its derivative runs the fused native kernel in plain
 * backward, and the same formulas as differentiable ops under createGraph (so double
 * backward works). Parameter gradients come back reshaped and in the parameters' dtype.
 */
function recordNorm(
  name: string, input: Tensor, weight: Tensor | null, bias: Tensor | null, y: Tensor,
  viaOps: NormBackward, viaNative: NormBackward, paramShape?: number[],
): void {
  const wants = [input._requiresGrad, !!weight?._requiresGrad, !!bias?._requiresGrad];
  const params = [weight, bias];
  record(name, [input, weight, bias], [y], (node) => {
    const savedInput = node.save(input);
    const savedWeight = weight ? node.save(weight) : null;
    return ([g]) => {
      if (!g) return [null, null, null];
      const x = savedInput.unpack();
      const w = savedWeight ? savedWeight.unpack() : null;
      const grads = (modeState.gradEnabled ? viaOps : viaNative)(g, x, w, wants);
      return grads.map((t, i) => {
        if (!t || i === 0) return t;
        const shaped = paramShape ? t.reshape(paramShape) : t;
        const p = params[i - 1];
        return p && shaped.dtype !== p.dtype ? shaped.to(p.dtype) : shaped;
      });
    };
  });
}

function recordBatchNorm(input: Tensor, weight: Tensor | null, bias: Tensor | null, y: Tensor, m: Tensor, invstd: Tensor, training: boolean, eps: number): void {
  recordNorm('NativeBatchNormBackward0', input, weight, bias, y,
    (g, x, w, wants) => batchNormBackwardOps(g, x, w, m, invstd, training, eps, wants),
    (g, x, w, wants) => batchNormBackwardNative(g, x, w, m, invstd, training, wants));
}

function batchNormBackwardNative(g: Tensor, input: Tensor, weight: Tensor | null, m: Tensor, invstd: Tensor, training: boolean, wants: boolean[]): (Tensor | null)[] {
  return noGrad(() => {
    let x = input;
    let layout = channelLayout(x);
    if (!layout) {
      x = input.contiguous();
      layout = channelLayout(x) as NormLayout;
    }
    const dy = laidOutAs(g, x);
    const w = weight ? denseVector(weight, x.dtype) : null;
    const C = layout.channels;
    const gx = wants[0] ? Tensor.emptyStrided(x._shape, x._strides, x.dtype) : null;
    const gw = wants[1] ? Tensor.empty([C], x.dtype) : null;
    const gb = wants[2] ? Tensor.empty([C], x.dtype) : null;
    writeNormMeta(layout, [x, dy, ...(gx ? [gx] : [])], [m, invstd, ...(w ? [w] : []), ...(gw ? [gw] : []), ...(gb ? [gb] : [])]);
    native.batchNormBackward(gx?._storage.bytes ?? null, gw?._storage.bytes ?? null, gb?._storage.bytes ?? null, dy._storage.bytes, x._storage.bytes, m._storage.bytes, invstd._storage.bytes, w?._storage.bytes ?? null, training);
    return [gx, gw, gb];
  });
}

/** The same backward in differentiable ops (for createGraph): batch statistics recomputed from x. */
function batchNormBackwardOps(g: Tensor, x: Tensor, weight: Tensor | null, runMean: Tensor, runInvstd: Tensor, training: boolean, eps: number, wants: boolean[]): (Tensor | null)[] {
  const dims = [0, ...x._shape.slice(2).map((_, i) => i + 2)];
  const bshape = x._shape.map((s, d) => (d === 1 ? s : 1));
  const count = x.numel() / Math.max(x._shape[1], 1);
  const mu = training ? mean(x, { dim: dims, keepdim: true }) : runMean.reshape(bshape);
  const is = training ? rsqrt(add(variance(x, { dim: dims, keepdim: true, correction: 0 }), eps)) : runInvstd.reshape(bshape);
  const xhat = mul(sub(x, mu), is);
  const gSum = sum(g, { dim: dims, keepdim: true });
  const gXhat = sum(mul(g, xhat), { dim: dims, keepdim: true });
  const scale = weight ? mul(weight.reshape(bshape), is) : is;
  let gx: Tensor | null = null;
  if (wants[0]) gx = training ? mul(scale, sub(sub(g, div1(gSum, count)), mul(xhat, div1(gXhat, count)))) : mul(g, scale);
  return [gx, wants[1] ? gXhat.reshape([-1]) : null, wants[2] ? gSum.reshape([-1]) : null];
}

const div1 = (t: Tensor, n: number): Tensor => mul(t, 1 / n);

// ---- layer norm --------------------------------------------------------------------------

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** F.layer_norm(input, normalized_shape, weight, bias, eps), or options after the shape. */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weightOrOpts?: Tensor | null | LayerNormOptions,
  bias?: Tensor | null,
  eps?: number,
): Tensor {
  requireTensorArg(input, 'layer_norm', 'input');
  const opts: LayerNormOptions =
    weightOrOpts !== null && weightOrOpts !== undefined && !(weightOrOpts instanceof Tensor) ? weightOrOpts : { weight: weightOrOpts, bias, eps };
  const normalized = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const weight = opts.weight ?? null, b = opts.bias ?? null;
  // at::native's _check_layer_norm_inputs, in its words.
  if (normalized.length < 1)
    throw new TensorError(`Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = ${shapeText(normalized)}`);
  for (const [t, name] of [[weight, 'weight'], [b, 'bias']] as const) {
    if (t && (t.dim() !== normalized.length || t._shape.some((s, i) => s !== normalized[i])))
      throw new TensorError(`Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${shapeText(t._shape)} and normalized_shape = ${shapeText(normalized)}`);
  }
  const rank = input.dim(), k = normalized.length;
  if (rank < k || input._shape.slice(rank - k).some((s, i) => s !== normalized[i]))
    throw new TensorError(`Given normalized_shape=${shapeText(normalized)}, expected input with shape [*, ${normalized.join(', ')}], but got input of size${shapeText(input._shape)}`);
  requireFloat(input, 'LayerNormKernelImpl');
  const dtype = input.dtype;
  const x = input.isContiguous() ? input : noGrad(() => input.contiguous());
  const inner = prod(normalized), rows = inner === 0 ? 0 : x.numel() / inner;
  const layout: NormLayout = { outer: 1, channels: rows, inner, strides: [rows * inner, inner, 1] };
  const w = weight ? denseVector(weight.reshape([-1]), dtype) : null;
  const bb = b ? denseVector(b.reshape([-1]), dtype) : null;
  const [m, v] = stats(x, layout);
  const invstd = noGrad(() => rsqrt(add(v, opts.eps ?? 1e-5)));
  const y = applyNorm(x, layout, m, invstd, w, bb, 2);
  if (needsGrad([input, weight, b])) recordLayerNorm(input, weight, b, y, m, invstd, normalized, opts.eps ?? 1e-5);
  return y;
}

function recordLayerNorm(input: Tensor, weight: Tensor | null, bias: Tensor | null, y: Tensor, m: Tensor, invstd: Tensor, normalized: number[], eps: number): void {
  recordNorm('NativeLayerNormBackward0', input, weight, bias, y,
    (g, x, w, wants) => layerNormBackwardOps(g, x, w, normalized, eps, wants),
    (g, x, w, wants) => layerNormBackwardNative(g, x, w, m, invstd, normalized, wants),
    normalized);
}

function layerNormBackwardNative(g: Tensor, input: Tensor, weight: Tensor | null, m: Tensor, invstd: Tensor, normalized: number[], wants: boolean[]): (Tensor | null)[] {
  return noGrad(() => {
    const x = input.isContiguous() ? input : input.contiguous();
    const inner = prod(normalized), rows = inner === 0 ? 0 : x.numel() / inner;
    const layout: NormLayout = { outer: 1, channels: rows, inner, strides: [rows * inner, inner, 1] };
    const dy = laidOutAs(g, x);
    const w = weight ? denseVector(weight.reshape([-1]), x.dtype) : null;
    const gx = wants[0] ? Tensor.empty(x._shape, x.dtype) : null;
    const gw = wants[1] ? Tensor.empty([inner], x.dtype) : null;
    const gb = wants[2] ? Tensor.empty([inner], x.dtype) : null;
    writeNormMeta(layout, [x, dy, ...(gx ? [gx] : [])], [m, invstd, ...(w ? [w] : []), ...(gw ? [gw] : []), ...(gb ? [gb] : [])]);
    native.layerNormBackward(gx?._storage.bytes ?? null, gw?._storage.bytes ?? null, gb?._storage.bytes ?? null, dy._storage.bytes, x._storage.bytes, m._storage.bytes, invstd._storage.bytes, w?._storage.bytes ?? null);
    return [gx, gw, gb];
  });
}

/** Layer norm's backward in differentiable ops (for createGraph). */
function layerNormBackwardOps(g: Tensor, x: Tensor, weight: Tensor | null, normalized: number[], eps: number, wants: boolean[]): (Tensor | null)[] {
  const k = normalized.length, rank = x.dim();
  const dims = normalized.map((_, i) => rank - k + i);
  const lead = x._shape.slice(0, rank - k).map((_, i) => i);
  const n = prod(normalized);
  const mu = mean(x, { dim: dims, keepdim: true });
  const is = rsqrt(add(variance(x, { dim: dims, keepdim: true, correction: 0 }), eps));
  const xhat = mul(sub(x, mu), is);
  const gHat = weight ? mul(g, weight) : g;
  let gx: Tensor | null = null;
  if (wants[0]) {
    const meanG = div1(sum(gHat, { dim: dims, keepdim: true }), n);
    const meanGX = div1(sum(mul(gHat, xhat), { dim: dims, keepdim: true }), n);
    gx = mul(is, sub(sub(gHat, meanG), mul(xhat, meanGX)));
  }
  const overLead = (t: Tensor): Tensor => (lead.length ? sum(t, { dim: lead }) : t);
  return [gx, wants[1] ? overLead(mul(g, xhat)) : null, wants[2] ? overLead(g) : null];
}

/** torch.layer_norm(input, normalized_shape, weight, bias, eps, cudnn_enable). */
export function torchLayerNorm(input: Tensor, normalizedShape: number | readonly number[], ...rest: PositionalThenOptions<[weight: Tensor | null, bias: Tensor | null, eps: number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>): Tensor {
  const { weight, bias, eps = 1e-5 } = parseTrailing(rest, ['weight', 'bias', 'eps']) as { weight?: Tensor | null; bias?: Tensor | null; eps?: number };
  return layerNorm(input, normalizedShape, { weight, bias, eps });
}

// ---- group norm --------------------------------------------------------------------------

export interface GroupNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * F.group_norm(input, num_groups, weight, bias, eps): statistics per (sample, group) are
 * layer norm's over the group's elements (the same native kernel), then the per-channel
 * affine is applied with mul/add. Its node is therefore NativeLayerNormBackward0 (plus
 * MulBackward0/AddBackward0), not PyTorch's NativeGroupNormBackward0.
 */
export function groupNorm(input: Tensor, numGroups: number, weightOrOpts?: Tensor | null | GroupNormOptions, bias?: Tensor | null, eps?: number): Tensor {
  requireTensorArg(input, 'group_norm', 'input');
  const opts: GroupNormOptions =
    weightOrOpts !== null && weightOrOpts !== undefined && !(weightOrOpts instanceof Tensor) ? weightOrOpts : { weight: weightOrOpts, bias, eps };
  if (input.dim() < 2) throw new TensorError(`Expected at least 2 dimensions for input tensor but received ${input.dim()}`);
  const [n, c] = input._shape;
  if (numGroups <= 0 || c % numGroups !== 0)
    throw new TensorError(`Expected number of channels in input to be divisible by num_groups, but got input of shape ${shapeText(input._shape)} and num_groups=${numGroups}`);
  for (const [t, name] of [[opts.weight, 'weight'], [opts.bias, 'bias']] as const) {
    if (t && (t.dim() !== 1 || t.numel() !== c))
      throw new TensorError(`Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${shapeText(t._shape)} and input of shape ${shapeText(input._shape)}`);
  }
  const perGroup = input.numel() / Math.max(n * numGroups, 1);
  const grouped = input.reshape([n, numGroups, perGroup]);
  let y = layerNorm(grouped, [perGroup], { eps: opts.eps ?? 1e-5 }).reshape(input._shape);
  const bshape = input._shape.map((s, d) => (d === 1 ? s : 1));
  if (opts.weight) y = mul(y, opts.weight.reshape(bshape));
  if (opts.bias) y = add(y, opts.bias.reshape(bshape));
  return y;
}

defineOp({ name: 'batchNorm', kind: 'nn', fn: torchBatchNorm, backwardName: 'NativeBatchNormBackward0' });
defineOp({ name: 'layerNorm', kind: 'nn', fn: torchLayerNorm, backwardName: 'NativeLayerNormBackward0' });
defineOp({ name: 'groupNorm', kind: 'nn', fn: (input: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5) => groupNorm(input, numGroups, weight, bias, eps), backwardName: 'NativeLayerNormBackward0' });
