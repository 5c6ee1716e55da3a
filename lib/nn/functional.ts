/**
 * torch.nn.functional (API.md §3): activations, linear, dropout, losses. Losses are
 * composed from differentiable ops, so their gradients come from those ops' derivatives.
 */
import { TensorError } from '../errors';
import { parseTrailing } from '../args';
import type { PositionalThenOptions } from './layers/constructor-args';
import type { DType } from '../dtype';
import { Tensor } from '../tensor';
import { bool, int64 } from '../dtype';
import { arange, rand } from '../creation';
import { relu as reluOp, sigmoid as sigmoidOp, tanh as tanhOp, gelu as geluOp, silu as siluOp, leakyRelu as leakyReluOp, softplus as softplusOp, eq, mul, neg, add, sub, log, clamp, abs, where, div } from '../ops/pointwise';
import * as linalgOps from '../ops/linalg';
import { nllLoss as nllLossOp } from './nll-loss';
import * as reduceOps from '../ops/reduce';
import { sum, mean } from '../ops/reduce';
import * as normOps from '../ops/norm';
import * as embeddingOps from '../ops/embedding';
import * as convOps from '../ops/conv';
import * as poolOps from '../ops/pool';
import { profiledExports, profiledFunctions } from '../ops/registry';
export { pad } from '../ops/pad';
export { scaledDotProductAttention } from '../ops/attention';
export { bilinear } from '../ops/bilinear';
export { interpolate } from '../ops/interpolate';
// The registry's profiled entry points (as torch.* in lib/index.ts), so that a model's
// forward shows aten::conv2d, aten::max_pool2d, aten::linear... in a profile, as PyTorch's.
export const { batchNorm, layerNorm, groupNorm } = profiledExports(normOps);
export const { embedding } = profiledExports(embeddingOps);
export const { conv1d, conv2d, convTranspose2d } = profiledExports(convOps);
export const { maxPool2d, maxPool1d, avgPool2d, avgPool1d, adaptiveAvgPool2d, adaptiveMaxPool2d } = profiledExports(poolOps);
const { linear: linearOp } = profiledExports(linalgOps);
const { logSoftmax: logSoftmaxOp, softmax: softmaxOp } = profiledExports(reduceOps);

export type Reduction = 'mean' | 'sum' | 'none';

type Inplace = PositionalThenOptions<[inplace: boolean], { inplace?: boolean }>;
const inplaceOf = (rest: readonly unknown[]): boolean => parseTrailing(rest, ['inplace']).inplace === true;
export const relu = (x: Tensor, ...rest: Inplace): Tensor => (inplaceOf(rest) ? x.relu_() : reluOp(x));
export const sigmoid = (x: Tensor): Tensor => sigmoidOp(x);
export const tanh = (x: Tensor): Tensor => tanhOp(x);
export const gelu = (x: Tensor, opts?: { approximate?: 'none' | 'tanh' }): Tensor => geluOp(x, opts);
export const silu = (x: Tensor, ...rest: Inplace): Tensor => (inplaceOf(rest) ? x.silu_() : siluOp(x));
export const softplus = (x: Tensor, ...rest: PositionalThenOptions<[beta: number, threshold: number], { beta?: number; threshold?: number }>): Tensor => softplusOp(x, ...rest);
export function leakyRelu(x: Tensor, ...rest: PositionalThenOptions<[negativeSlope: number, inplace: boolean], { negativeSlope?: number; inplace?: boolean }>): Tensor {
  const o = parseTrailing(rest, ['negativeSlope', 'inplace']) as { negativeSlope?: number; inplace?: boolean };
  const y = leakyReluOp(x, o.negativeSlope ?? 0.01);
  return o.inplace ? x.copy_(y) : y;
}
export const linear = (x: Tensor, weight: Tensor, ...rest: PositionalThenOptions<[bias: Tensor | null], { bias?: Tensor | null }>): Tensor =>
  linearOp(x, weight, (parseTrailing(rest, ['bias']).bias as Tensor | null | undefined) ?? undefined);

function dimOf(x: Tensor, dim: number | null | undefined): number {
  if (dim !== null && dim !== undefined) return dim;
  // PyTorch's legacy implicit-dim rule for softmax.
  return x.dim() === 0 || x.dim() === 1 || x.dim() === 3 ? 0 : 1;
}
export interface SoftmaxOptions {
  dim?: number | null;
  dtype?: DType | null;
}
// PyTorch's positional `_stacklevel` (between dim and dtype) is left out: a dtype may follow dim.
type SoftmaxArgs = [opts?: SoftmaxOptions] | [dim: number | null | undefined, dtypeOrOpts?: DType | SoftmaxOptions | null];
function softmaxArgs(x: Tensor, rest: readonly unknown[]): [number, { dtype?: DType }] {
  const o = parseTrailing(rest, ['dim', 'dtype']) as SoftmaxOptions;
  return [dimOf(x, o.dim), o.dtype ? { dtype: o.dtype } : {}];
}
export const softmax = (x: Tensor, ...rest: SoftmaxArgs): Tensor => softmaxOp(x, ...softmaxArgs(x, rest));
export const logSoftmax = (x: Tensor, ...rest: SoftmaxArgs): Tensor => logSoftmaxOp(x, ...softmaxArgs(x, rest));

/** Dropout: zeroes elements with probability p and scales the rest by 1/(1-p) in training. */
export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
}
export function dropout(x: Tensor, ...rest: PositionalThenOptions<[p: number, training: boolean, inplace: boolean], DropoutOptions>): Tensor {
  const { p = 0.5, training = true, inplace = false } = parseTrailing(rest, ['p', 'training', 'inplace']) as DropoutOptions;
  if (p < 0 || p > 1) throw new TensorError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return inplace ? x.mul_(0) : mul(x, 0);
  const keep = rand(x._shape, { dtype: x.dtype }).ge(p);
  const scaled = mul(keep, 1 / (1 - p));
  return inplace ? x.mul_(scaled) : mul(x, scaled);
}

function reduce(loss: Tensor, reduction: Reduction, op: string): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return sum(loss);
  if (reduction === 'mean') return mean(loss);
  throw new TensorError(`${reduction} is not a valid value for reduction`);
}

function sameShape(a: Tensor, b: Tensor, op: string): void {
  if (a._shape.length !== b._shape.length || a._shape.some((d, i) => d !== b._shape[i]))
    throw new TensorError(`${op}: Using a target size (torch.Size([${b._shape.join(', ')}])) that is different to the input size (torch.Size([${a._shape.join(', ')}])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`);
}

export interface LossOptions {
  reduction?: Reduction;
}

export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const d = sub(input, target);
  return reduce(mul(d, d), opts.reduction ?? 'mean', 'mse_loss');
}

export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  return reduce(abs(sub(input, target)), opts.reduction ?? 'mean', 'l1_loss');
}

export interface NllOptions extends LossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
}

/** One-hot mask of class indices along dim 1 (target (N, ...) -> (N, C, ...)): label smoothing's class weights. */
function classMask(target: Tensor, classes: number): Tensor {
  const shape = [1, classes, ...new Array<number>(target.dim() - 1).fill(1)];
  return eq(target.unsqueeze(1), arange(classes).reshape(shape));
}

/**
 * PyTorch's positional order for the weighted losses: weight, size_average, ignore_index,
 * reduce, reduction (nll_loss, cross_entropy) or weight, size_average, reduce, reduction
 * (the binary ones). The deprecated size_average / reduce are refused unless None.
 */
const nllNames = ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction'];
const bceNames = ['weight', 'sizeAverage', 'reduce', 'reduction'];
export type WeightedLossArgs<O> = PositionalThenOptions<[weight: Tensor | null], O> | [weight: Tensor | null, ...rest: unknown[]];
export function lossOptions<O>(rest: readonly unknown[], names: readonly string[]): O {
  const o = parseTrailing(rest, names);
  for (const legacy of ['sizeAverage', 'reduce'])
    if (o[legacy] !== undefined && o[legacy] !== null) throw new TensorError('size_average and reduce are deprecated: use reduction');
  return o as O;
}
export const nllLossOptions = (rest: readonly unknown[]): CrossEntropyOptions => lossOptions(rest, nllNames);
export const bceLossOptions = <O>(rest: readonly unknown[]): O => lossOptions<O>(rest, bceNames);

function nllLossImpl(input: Tensor, target: Tensor, ...rest: WeightedLossArgs<NllOptions>): Tensor {
  return nllLossOp(input, target, nllLossOptions(rest));
}

export interface CrossEntropyOptions extends NllOptions {
  labelSmoothing?: number;
}

/** cross_entropy: class indices (int64) or class probabilities (same shape as input). */
function crossEntropyImpl(input: Tensor, target: Tensor, ...rest: WeightedLossArgs<CrossEntropyOptions>): Tensor {
  const opts = nllLossOptions(rest);
  const logp = logSoftmax(input, input.dim() === 1 ? 0 : 1);
  const eps = opts.labelSmoothing ?? 0;
  if (eps < 0 || eps > 1) throw new TensorError(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const reduction = opts.reduction ?? 'mean';
  if (target.dtype.isFloatingPoint) {
    sameShape(input, target, 'cross_entropy');
    const classes = input.dim() === 1 ? input._shape[0] : input._shape[1];
    const tgt = eps > 0 ? add(mul(target, 1 - eps), eps / classes) : target;
    let weighted = mul(logp, tgt);
    if (opts.weight) weighted = mul(weighted, opts.weight.reshape([1, classes, ...new Array<number>(Math.max(input.dim() - 2, 0)).fill(1)]));
    const losses = neg(sum(weighted, { dim: input.dim() === 1 ? 0 : 1 }));
    if (reduction === 'none') return losses;
    if (reduction === 'sum') return sum(losses);
    return div(sum(losses), input.dim() === 1 ? 1 : input._shape[0]);
  }
  const nll = nllLoss(logp, target, { ...opts, reduction });
  if (eps === 0) return nll;
  // Label smoothing: (1 - eps) * nll + eps / C * sum over classes of -logp (weighted), with
  // 'mean' dividing by the same total weight of counted targets as nll (PyTorch's formula).
  const classes = input.dim() === 1 ? input._shape[0] : input._shape[1];
  const classDim = input.dim() === 1 ? 0 : 1;
  const weightShape = [1, classes, ...new Array<number>(Math.max(input.dim() - 2, 0)).fill(1)];
  const valid = target.ne(opts.ignoreIndex ?? -100);
  const perClass = opts.weight ? mul(logp, opts.weight.reshape(input.dim() === 1 ? [classes] : weightShape)) : logp;
  const smooth = mul(neg(sum(perClass, { dim: classDim })), valid.to(input.dtype));
  let smoothLoss: Tensor;
  if (reduction === 'none') smoothLoss = smooth;
  else if (reduction === 'sum') smoothLoss = sum(smooth);
  else {
    const targetWeight = opts.weight
      ? sum(mul(classMask(where(valid, target, 0), classes), opts.weight.reshape(weightShape)), { dim: 1 })
      : Tensor.empty([], input.dtype).fill_(1);
    smoothLoss = div(sum(smooth), sum(mul(valid.to(input.dtype), targetWeight)));
  }
  return add(mul(nll, 1 - eps), mul(smoothLoss, eps / classes));
}

export type BCEOptions = LossOptions & { weight?: Tensor | null };
export type BCEWithLogitsOptions = LossOptions & { weight?: Tensor | null; posWeight?: Tensor | null };
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...rest: WeightedLossArgs<BCEOptions>): Tensor {
  const opts = bceLossOptions<BCEOptions>(rest);
  sameShape(input, target, 'binary_cross_entropy');
  // PyTorch clamps log at -100 so that log(0) stays finite.
  const logP = clamp(log(input), -100, null);
  const log1mP = clamp(log(sub(1, input)), -100, null);
  let loss = neg(add(mul(target, logP), mul(sub(1, target), log1mP)));
  if (opts.weight) loss = mul(loss, opts.weight);
  return reduce(loss, opts.reduction ?? 'mean', 'binary_cross_entropy');
}

export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, ...rest: WeightedLossArgs<BCEWithLogitsOptions>): Tensor {
  const opts = bceLossOptions<BCEWithLogitsOptions>(rest);
  sameShape(input, target, 'binary_cross_entropy_with_logits');
  // Stable form: (1 - t) x + (1 + (pw - 1) t) * log(1 + exp(-x)), log1p(exp(-|x|)) + max(-x, 0).
  const logSigNeg = add(softplusOp(neg(abs(input))), clamp(neg(input), 0, null));
  let loss: Tensor;
  if (opts.posWeight) {
    const lw = add(mul(sub(opts.posWeight, 1), target), 1);
    loss = add(mul(sub(1, target), input), mul(lw, logSigNeg));
  } else loss = add(mul(sub(1, target), input), logSigNeg);
  if (opts.weight) loss = mul(loss, opts.weight);
  return reduce(loss, opts.reduction ?? 'mean', 'binary_cross_entropy_with_logits');
}

/** one_hot: int64 class indices -> int64 (..., numClasses). */
export function oneHot(t: Tensor, ...rest: PositionalThenOptions<[numClasses: number], { numClasses?: number }>): Tensor {
  const numClasses = (parseTrailing(rest, ['numClasses']).numClasses as number | undefined) ?? -1;
  if (t.dtype !== int64) throw new TensorError('one_hot is only applicable to index tensor.');
  // PyTorch's checks, in its order: an empty input needs numClasses; values in [0, numClasses).
  if (t.numel() === 0) {
    if (numClasses <= 0) throw new TensorError('Can not infer total number of classes from empty tensor.');
  } else {
    if (Number(t.min().item()) < 0) throw new TensorError('Class values must be non-negative.');
    if (numClasses !== -1 && numClasses <= Number(t.max().item())) throw new TensorError('Class values must be smaller than num_classes.');
  }
  const classes = numClasses === -1 ? Number(t.max().item()) + 1 : numClasses;
  return eq(t.unsqueeze(-1), arange(classes)).to(int64);
}

export { bool };

// The losses under PyTorch's operator names (cross_entropy shows as aten::cross_entropy_loss,
// with its aten::log_softmax and aten::nll_loss inside).
export const { nllLoss, crossEntropy } = profiledFunctions(
  { nllLoss: nllLossImpl, crossEntropy: crossEntropyImpl },
  { nllLoss: 'aten::nll_loss', crossEntropy: 'aten::cross_entropy_loss' },
);
