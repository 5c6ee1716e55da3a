/**
 * Convolutions (API.md §3, §5): conv1d, conv2d, convTranspose2d as torch.nn.functional
 * has them, on the native kernels of lib/ops/conv-kernel.ts. Argument forms, checks and
 * messages are PyTorch 1.13's; the output is channels_last when the input or the weight
 * suggests it (as PyTorch's CPU convolution decides). conv1d runs as conv2d over a height
 * of 1. Derivatives are written with the same three passes, each itself differentiable,
 * so second derivatives work:
 *   y = conv(x, w)      dx = gradInput(g, w)    dw = gradWeight(g, x)
 *   gx = gradInput(gy, w)   d gy = conv(v, w)   d w = gradWeight(gy, v)
 *   gw = gradWeight(gy, x)  d gy = conv(x, u)   d x = gradInput(gy, u)
 * and convTranspose2d(x, w) is gradInput(x, w) (plus bias).
 */
import { bool, float64 } from '../dtype';
import { TensorError } from '../errors';
import { suggestFormat, channelsLast } from '../memory-format';
import { Tensor } from '../tensor';
import { differentiable, needsGrad } from '../autograd/node';
import { ConvMode, ConvSpec, runConv } from './conv-kernel';
import { defineOp } from './registry';
import { sum } from './reduce';
import { squeeze, unsqueeze, view } from './shape';

type IntOrList = number | readonly number[];
export type ConvPadding = IntOrList | 'same' | 'valid';

export interface ConvOpts {
  stride?: IntOrList;
  padding?: ConvPadding;
  dilation?: IntOrList;
  groups?: number;
}
export interface ConvTransposeOpts {
  stride?: IntOrList;
  padding?: IntOrList;
  outputPadding?: IntOrList;
  groups?: number;
  dilation?: IntOrList;
}

const cTypeNames: Record<string, string> = {
  float32: 'float', float64: 'double', int64: 'long int', int32: 'int', int16: 'short int', int8: 'signed char',
  uint8: 'unsigned char', bool: 'bool',
};

// ---- the three passes, each recording its own derivative ----------------------------

function batchOf(t: Tensor): number {
  return t._shape[0];
}

/** y = conv(x, w) + bias, all 4-D. */
function convolution(x: Tensor, w: Tensor, bias: Tensor | null, spec: ConvSpec): Tensor {
  if (needsGrad([x, w, bias]))
    return differentiable('ConvolutionBackward0', [x, w, bias], () => convolution(x, w, bias, spec), (g, [xs, ws]) => [
      x._requiresGrad ? gradInput(g, ws as Tensor, x._shape[1], spec) : null,
      w._requiresGrad ? gradWeight(g, xs as Tensor, spec) : null,
      bias?._requiresGrad ? sum(g, [0, 2, 3]) : null,
    ]);
  return runConv(ConvMode.Forward, spec, [batchOf(x), w._shape[0], ...spec.outHW], x.dtype, x, w, bias);
}

/** The gradient of conv's input for output gradient gy: (N, channels, inHW). */
function gradInput(gy: Tensor, w: Tensor, channels: number, spec: ConvSpec): Tensor {
  if (needsGrad([gy, w]))
    return differentiable('ConvolutionBackwardBackward0', [gy, w], () => gradInput(gy, w, channels, spec), (v, [gys]) => [
      gy._requiresGrad ? convolution(v, w, null, spec) : null,
      w._requiresGrad ? gradWeight(gys as Tensor, v, spec) : null,
    ]);
  return runConv(ConvMode.GradInput, spec, [batchOf(gy), channels, ...spec.inHW], gy.dtype, gy, w);
}

/** The gradient of conv's weight for output gradient gy and input x. */
function gradWeight(gy: Tensor, x: Tensor, spec: ConvSpec): Tensor {
  const shape = [gy._shape[1], x._shape[1] / spec.groups, ...spec.kernel];
  if (needsGrad([gy, x]))
    return differentiable('ConvolutionBackwardBackward0', [gy, x], () => gradWeight(gy, x, spec), (u, [gys, xs]) => [
      gy._requiresGrad ? convolution(xs as Tensor, u, null, spec) : null,
      x._requiresGrad ? gradInput(gys as Tensor, u, x._shape[1], spec) : null,
    ]);
  return runConv(ConvMode.GradWeight, spec, shape, gy.dtype, gy, x);
}

/** convTranspose2d(x, w) + bias: gradInput of the convolution whose output x would be. */
function transposed(x: Tensor, w: Tensor, bias: Tensor | null, outChannels: number, spec: ConvSpec): Tensor {
  if (needsGrad([x, w, bias]))
    return differentiable('ConvolutionBackward0', [x, w, bias], () => transposed(x, w, bias, outChannels, spec), (g, [xs]) => [
      x._requiresGrad ? convolution(g, w, null, spec) : null,
      w._requiresGrad ? gradWeight(xs as Tensor, g, spec) : null,
      bias?._requiresGrad ? sum(g, [0, 2, 3]) : null,
    ]);
  const out = runConv(ConvMode.GradInput, spec, [batchOf(x), outChannels, ...spec.inHW], x.dtype, x, w);
  // A fresh output that records nothing (the caller's node covers the bias).
  if (bias) out.add_(view(bias, [1, outChannels, 1, 1]));
  return out;
}

// ---- arguments ----------------------------------------------------------------------

function listOf(v: IntOrList, pythonLength: number): number[] {
  // PyTorch's argument parser turns an int into a list of the op's own length first.
  return typeof v === 'number' ? new Array<number>(pythonLength).fill(v) : [...v];
}

/** PyTorch's expand_param_if_needed: one value for all dims, or one per dim. */
function perDim(name: string, v: IntOrList, pythonLength: number, dims: number): number[] {
  const list = listOf(v, pythonLength);
  if (list.some((x) => typeof x !== 'number' || !Number.isInteger(x)))
    throw new TypeError(`${name} must be an int or a tuple of ints, got ${JSON.stringify(v)}`);
  if (list.length === 1) return new Array<number>(dims).fill(list[0]);
  if (list.length !== dims)
    throw new TensorError(
      `expected ${name} to be a single integer value or a list of ${dims} values to match the convolution dimensions, but got ${name}=[${list.join(', ')}]`,
    );
  return list;
}

function requireTensor(name: string, t: unknown, position: number): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${name}(): argument '${position === 0 ? 'input' : 'weight'}' (position ${position + 1}) must be Tensor, not ${t === null ? 'NoneType' : typeof t}`);
}

function isOptions(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !(v instanceof Tensor) && !Array.isArray(v);
}

/** bias may be the options object itself (F.conv2d(x, w, { stride })). */
function splitArgs<T>(bias: unknown, rest: unknown[], positional: (keyof T)[]): [Tensor | null, T] {
  if (isOptions(bias)) return [null, bias as T];
  if (bias !== null && bias !== undefined && !(bias instanceof Tensor))
    throw new TypeError(`argument 'bias' must be Tensor, not ${typeof bias}`);
  if (rest.length === 1 && isOptions(rest[0])) return [(bias as Tensor | null) ?? null, rest[0] as T];
  const opts: Record<string, unknown> = {};
  rest.forEach((v, i) => {
    if (v !== undefined && v !== null && i < positional.length) opts[positional[i] as string] = v;
  });
  return [(bias as Tensor | null) ?? null, opts as T];
}

interface Checked {
  stride: number[];
  padding: number[];
  paddingAfter: number[];
  dilation: number[];
  groups: number;
}

/** PyTorch's checks before any shape arithmetic: parameter lengths and signs. */
function checkParams(weight: Tensor, pythonLength: number, opts: ConvOpts, outputPadding?: IntOrList): Checked {
  const k = weight.dim() - 2;
  const stride = perDim('stride', opts.stride ?? 1, pythonLength, k);
  const dilation = perDim('dilation', opts.dilation ?? 1, pythonLength, k);
  let padding: number[], paddingAfter: number[];
  const pad = opts.padding ?? 0;
  if (typeof pad === 'string') {
    if (pad !== 'same' && pad !== 'valid') throw new TensorError(`Invalid padding string: '${pad}'`);
    if (pad === 'valid') {
      padding = new Array<number>(k).fill(0);
      paddingAfter = padding;
    } else {
      if (stride.some((s) => s !== 1)) throw new TensorError("padding='same' is not supported for strided convolutions");
      // As PyTorch: the total d * (k - 1) split evenly, the odd one after.
      const total = weight._shape.slice(2).map((kk, i) => dilation[i] * (kk - 1));
      padding = total.map((t) => Math.floor(t / 2));
      paddingAfter = total.map((t, i) => t - padding[i]);
    }
  } else {
    padding = perDim('padding', pad, pythonLength, k);
    paddingAfter = padding;
  }
  if (outputPadding !== undefined) perDim('output_padding', outputPadding, pythonLength, k);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups)) throw new TypeError(`groups must be an int, got ${String(groups)}`);
  if (padding.some((p) => p < 0)) throw new TensorError('negative padding is not supported');
  if (outputPadding !== undefined && perDim('output_padding', outputPadding, pythonLength, k).some((p) => p < 0))
    throw new TensorError('negative output_padding is not supported');
  if (stride.some((s) => s <= 0)) throw new TensorError('non-positive stride is not supported');
  if (dilation.some((d) => d <= 0)) throw new TensorError('non-positive dilation is not supported');
  if (groups <= 0) throw new TensorError('non-positive groups is not supported');
  return { stride, padding, paddingAfter, dilation, groups };
}

const sizeList = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** PyTorch's check_shape_forward (and its transposed branch). */
function checkShapes(input: Tensor, weight: Tensor, bias: Tensor | null, p: Checked, transposedConv: boolean): void {
  const k = weight.dim();
  if (input.dim() !== k)
    throw new TensorError(
      `Expected ${k}-dimensional input for ${k}-dimensional weight ${sizeList(weight._shape)}, but got ${input.dim()}-dimensional input of size ${sizeList(input._shape)} instead`,
    );
  if (weight._shape[0] % p.groups !== 0)
    throw new TensorError(
      `Given groups=${p.groups}, expected weight to be divisible by ${p.groups} at dimension 0, but got weight of size [${sizeList(weight._shape)}] instead`,
    );
  if (!transposedConv) {
    if (input._shape[1] !== weight._shape[1] * p.groups)
      throw new TensorError(
        `Given groups=${p.groups}, weight of size ${sizeList(weight._shape)}, expected input${sizeList(input._shape)} to have ${weight._shape[1] * p.groups} channels, but got ${input._shape[1]} channels instead`,
      );
    if (bias && (bias.dim() !== 1 || bias._shape[0] !== weight._shape[0]))
      throw new TensorError(
        `Given weight of size ${sizeList(weight._shape)}, expected bias to be 1-dimensional with ${weight._shape[0]} elements, but got bias of size ${sizeList(bias._shape)} instead`,
      );
    const spatial = input._shape.slice(2);
    const padded = spatial.map((s, i) => s + p.padding[i] + p.paddingAfter[i]);
    const kernel = weight._shape.slice(2).map((kk, i) => p.dilation[i] * (kk - 1) + 1);
    if (kernel.some((kk, i) => padded[i] < kk))
      throw new TensorError(
        `Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${kernel.join(' x ')}). Kernel size can't be greater than actual input size`,
      );
  } else {
    if (input._shape[1] !== weight._shape[0])
      throw new TensorError(
        `Given transposed=1, weight of size ${sizeList(weight._shape)}, expected input${sizeList(input._shape)} to have ${weight._shape[0]} channels, but got ${input._shape[1]} channels instead`,
      );
    if (bias && (bias.dim() !== 1 || bias._shape[0] !== weight._shape[1] * p.groups))
      throw new TensorError(
        `Given transposed=1, weight of size ${sizeList(weight._shape)}, expected bias to be 1-dimensional with ${weight._shape[1] * p.groups} elements, but got bias of size ${sizeList(bias._shape)} instead`,
      );
  }
}

function checkTypes(input: Tensor, weight: Tensor, bias: Tensor | null): void {
  if (input.dtype !== weight.dtype)
    throw new TensorError(
      `Input type (${input.type()}) and weight type (${weight.type()}) should be the same or input should be a MKLDNN tensor and weight is a dense tensor`,
    );
  if (bias && bias.dtype !== input.dtype)
    throw new TensorError(`Input type (${cTypeNames[input.dtype.name]}) and bias type (${cTypeNames[bias.dtype.name]}) should be the same`);
  if (input.dtype === bool) throw new TensorError(`"slow_conv2d_cpu" not implemented for 'Bool'`);
}

function usesChannelsLast(input: Tensor, weight: Tensor): boolean {
  return (input.dim() === 4 && suggestFormat(input._shape, input._strides) === channelsLast) ||
    (weight.dim() === 4 && suggestFormat(weight._shape, weight._strides) === channelsLast);
}

/** Lifts (N, C, L) / (O, C, k) to a height of 1 for conv1d. */
const lift = (t: Tensor, dims: number): Tensor => (dims === 1 ? unsqueeze(t, 2) : t);
const drop = (t: Tensor, dims: number): Tensor => (dims === 1 ? squeeze(t, 2) : t);
const pair = (v: number[], dims: number, fill: number): [number, number] => (dims === 1 ? [fill, v[0]] : [v[0], v[1]]);

function requireBatchable(input: Tensor, dims: number, name: string): boolean {
  if (input.dim() !== dims + 1 && input.dim() !== dims + 2)
    throw new TensorError(
      `Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${name}, but got input of size: ${sizeList(input._shape)}`,
    );
  return input.dim() === dims + 1;
}

/** conv1d / conv2d on a batched input, with the node in PyTorch's name. */
function convNd(name: string, dims: number, input: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvOpts): Tensor {
  requireTensor(name, input, 0);
  requireTensor(name, weight, 1);
  const unbatched = requireBatchable(input, dims, name);
  const x = unbatched ? unsqueeze(input, 0) : input;
  const p = checkParams(weight, dims, opts);
  checkShapes(x, weight, bias, p, false);
  checkTypes(x, weight, bias);
  if (!x.dtype.isFloatingPoint) {
    // Integer convolution (PyTorch's slow CPU path): exact through float64 for |sums| < 2^53.
    const f = (t: Tensor): Tensor => t.to(float64);
    return convNd(name, dims, f(input), f(weight), bias ? f(bias) : null, opts).to(input.dtype);
  }
  const inHW = pair(x._shape.slice(2), dims, 1);
  const kernel = pair(weight._shape.slice(2), dims, 1);
  const stride = pair(p.stride, dims, 1), dilation = pair(p.dilation, dims, 1);
  const padding = pair(p.padding, dims, 0), after = pair(p.paddingAfter, dims, 0);
  const outHW = [0, 1].map((i) => Math.floor((inHW[i] + padding[i] + after[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1) as [number, number];
  const spec: ConvSpec = {
    stride, padding, dilation, groups: p.groups, kernel, inHW, outHW,
    channelsLast: dims === 2 && usesChannelsLast(x, weight),
  };
  const y = dims === 2 ? convolution(x, weight, bias, spec) : conv1dRecorded(x, weight, bias, spec);
  return unbatched ? squeeze(y, 0) : y;
}

/** conv1d as one ConvolutionBackward0 node over the lifted 2-D passes. */
function conv1dRecorded(x: Tensor, w: Tensor, bias: Tensor | null, spec: ConvSpec): Tensor {
  const run = (): Tensor => drop(convolution(lift(x, 1), lift(w, 1), bias, spec), 1);
  if (!needsGrad([x, w, bias])) return run();
  return differentiable('ConvolutionBackward0', [x, w, bias], run, (g, [xs, ws]) => {
    const g4 = lift(g, 1);
    return [
      x._requiresGrad ? drop(gradInput(g4, lift(ws as Tensor, 1), x._shape[1], spec), 1) : null,
      w._requiresGrad ? drop(gradWeight(g4, lift(xs as Tensor, 1), spec), 1) : null,
      bias?._requiresGrad ? sum(g, [0, 2]) : null,
    ];
  });
}

// ---- the public functions -------------------------------------------------------------

const CONV_POSITIONAL: (keyof ConvOpts)[] = ['stride', 'padding', 'dilation', 'groups'];

/** F.conv2d(input, weight, bias?, { stride, padding, dilation, groups }) or positional. */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvOpts, ...rest: unknown[]): Tensor {
  const [b, opts] = splitArgs<ConvOpts>(bias, rest, CONV_POSITIONAL);
  return convNd('conv2d', 2, input, weight, b, opts);
}

/** F.conv1d(input, weight, bias?, { stride, padding, dilation, groups }) or positional. */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvOpts, ...rest: unknown[]): Tensor {
  const [b, opts] = splitArgs<ConvOpts>(bias, rest, CONV_POSITIONAL);
  return convNd('conv1d', 1, input, weight, b, opts);
}

/** F.convTranspose2d(input, weight, bias?, { stride, padding, outputPadding, groups, dilation }) or positional. */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvTransposeOpts, ...rest: unknown[]): Tensor {
  const [b, opts] = splitArgs<ConvTransposeOpts>(bias, rest, ['stride', 'padding', 'outputPadding', 'groups', 'dilation']);
  requireTensor('conv_transpose2d', input, 0);
  requireTensor('conv_transpose2d', weight, 1);
  const unbatched = requireBatchable(input, 2, 'conv_transpose2d');
  const x = unbatched ? unsqueeze(input, 0) : input;
  const p = checkParams(weight, 2, { stride: opts.stride, padding: opts.padding ?? 0, dilation: opts.dilation, groups: opts.groups },
    opts.outputPadding ?? 0);
  const outputPadding = perDim('output_padding', opts.outputPadding ?? 0, 2, weight.dim() - 2);
  checkShapes(x, weight, b, p, true);
  const inSize = x._shape.slice(2);
  const kernel = weight._shape.slice(2);
  const outSize = [0, 1].map((i) => (inSize[i] - 1) * p.stride[i] - 2 * p.padding[i] + p.dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1);
  if (outputPadding.some((op, i) => op >= p.stride[i] && op >= p.dilation[i]))
    throw new TensorError(
      `output padding must be smaller than either stride or dilation, but got output_padding_height: ${outputPadding[0]} output_padding_width: ${outputPadding[1]} stride_height: ${p.stride[0]} stride_width: ${p.stride[1]} dilation_height: ${p.dilation[0]} dilation_width: ${p.dilation[1]}`,
    );
  if (outSize.some((s) => s < 1))
    throw new TensorError(
      `Given input size per channel: (${inSize.join(' x ')}). Calculated output size per channel: (${outSize.join(' x ')}). Output size is too small`,
    );
  checkTypes(x, weight, b);
  const spec: ConvSpec = {
    stride: [p.stride[0], p.stride[1]], padding: [p.padding[0], p.padding[1]], dilation: [p.dilation[0], p.dilation[1]],
    groups: p.groups, kernel: [kernel[0], kernel[1]], inHW: [outSize[0], outSize[1]], outHW: [inSize[0], inSize[1]],
    // PyTorch 1.13's CPU transposed convolution (slow_conv_transpose2d) answers in NCHW
    // whatever the input's layout.
    channelsLast: false,
  };
  const y = transposed(x, weight, b, weight._shape[1] * p.groups, spec);
  return unbatched ? squeeze(y, 0) : y;
}

defineOp({ name: 'conv1d', fn: conv1d, kind: 'nn', backwardName: 'ConvolutionBackward0' });
defineOp({ name: 'conv2d', fn: conv2d, kind: 'nn', backwardName: 'ConvolutionBackward0' });
defineOp({ name: 'convTranspose2d', fn: convTranspose2d, kind: 'nn', backwardName: 'ConvolutionBackward0' });
