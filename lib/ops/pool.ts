/**
 * Pooling (API.md §3 nn.functional, §5 memory format): max and average pooling with
 * fixed and adaptive windows, 1-D forms as views over the 2-D kernels, as PyTorch 1.13
 * (argument checks, messages, output sizes, indices, NaN handling, node names, layout:
 * channels_last in, channels_last out, gradients too). The kernels are native
 * (native/src/kernels/pool_impl.h); derivatives are recorded here in terms of other
 * kernel calls that are differentiable themselves, so higher-order gradients work:
 * every backward here is linear in the incoming gradient, and its own derivative is its
 * adjoint (avg pool <-> its spread, max pool's scatter by indices <-> a gather).
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { MemoryFormat, channelsLast } from '../memory-format';
import { Node, needsGrad, record } from '../autograd/node';
import { defineOp } from './registry';
import { makeView, squeeze, unsqueeze } from './shape';
import { mean } from './reduce';
import { trunc } from './pointwise';
import { int64 } from '../dtype';
import { Geometry, PoolOp, emptyPlanes, geometry, layoutOf, poolBackward, poolForward, requireFloat, runPool } from './pool-kernel';

// ---- arguments ---------------------------------------------------------------------------

type IntPair = number | readonly number[];

// The shared positional-or-options parser (lib/args.ts); re-exported for pool's importers.
import { parseTrailing } from '../args';
export { parseTrailing };

/** An int or a list of one or two ints as [h, w]; null for a list of another length. */
function pairOf(v: unknown, what: string): [number, number] | null {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x !== 'number') throw new TypeError(`${what} must be an int or a list of ints`);
    if (v.length === 1) return [v[0], v[0]];
    if (v.length === 2) return [v[0], v[1]];
    return null;
  }
  throw new TypeError(`${what} must be an int or a list of ints, got ${typeof v}`);
}

/** PyTorch's pooling_output_shape (with its checks, in its order). */
function outputSize(input: number, k: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  if (stride === 0) throw new TensorError('stride should not be zero');
  if (pad < 0) throw new TensorError(`pad must be non-negative, but got pad: ${pad}`);
  if (pad > Math.trunc(k / 2)) throw new TensorError(`pad should be at most half of kernel size, but got pad=${pad} and kernel_size=${k}`);
  let size = Math.floor((input + 2 * pad - dilation * (k - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  // The last window must start inside the input or the left padding.
  if (ceilMode && (size - 1) * stride >= input + pad) size--;
  return size;
}

interface WindowArgs {
  k: [number, number];
  s: [number, number];
  p: [number, number];
  d: [number, number];
  ceilMode: boolean;
}

/** PyTorch's pool2d_shape_check after the output size is known. */
function shapeCheck(input: Tensor, w: WindowArgs, oh: number, ow: number): void {
  const [kH, kW] = w.k, [dH, dW] = w.s, [padH, padW] = w.p, [dilH, dilW] = w.d;
  if (!(kW > 0 && kH > 0)) throw new TensorError(`kernel size should be greater than zero, but got kH: ${kH} kW: ${kW}`);
  if (!(dW > 0 && dH > 0)) throw new TensorError(`stride should be greater than zero, but got dH: ${dH} dW: ${dW}`);
  if (!(dilH > 0 && dilW > 0))
    throw new TensorError(`dilation should be greater than zero, but got dilationH: ${dilH} dilationW: ${dilW}`);
  const s = input._shape, nd = s.length;
  // As PyTorch: sizes 1 and 2 (absolute) must be non-zero, and the last one for 4-D input.
  const validDims = s[1] !== 0 && s[2] !== 0;
  if (!((nd === 3 && s[0] !== 0 && validDims) || (nd === 4 && validDims && s[3] !== 0)))
    throw new TensorError(`Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[${s.join(', ')}]`);
  if (!(Math.trunc(kW / 2) >= padW && Math.trunc(kH / 2) >= padH))
    throw new TensorError(`pad should be smaller than or equal to half of kernel size, but got padW = ${padW}, padH = ${padH}, kW = ${kW}, kH = ${kH}`);
  if (ow < 1 || oh < 1)
    throw new TensorError(
      `Given input size: (${s[nd - 3]}x${s[nd - 2]}x${s[nd - 1]}). Calculated output size: (${s[nd - 3]}x${oh}x${ow}). Output size is too small`,
    );
}

function requireTensor(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}(): argument 'input' (position 1) must be Tensor, not ${x === null ? 'None' : typeof x}`);
}

/** The node of a backward's own backward, as PyTorch names it: AvgPool2DBackwardBackward0. */
export function doubleBackwardName(backwardName: string): string {
  return `${backwardName.replace(/\d+$/, '')}Backward0`;
}

/** Records a linear op: y = A x, whose derivative is A^T g (adjoint), version-checking `saved`. */
export function recordLinear(name: string, input: Tensor, output: Tensor, adjoint: (g: Tensor) => Tensor, saved: readonly Tensor[] = []): Node {
  return record(name, [input], [output], (node) => {
    const kept = saved.map((t) => node.save(t));
    return ([g]) => {
      for (const s of kept) s.unpack();
      return [g ? adjoint(g) : null];
    };
  });
}

// ---- max pool ---------------------------------------------------------------------------

/**
 * grad_input = scatter of `grad` at `indices` into planes of `inputShape` (max pool's
 * backward). Its derivative with respect to grad is the gather at the same indices.
 * `windows`: the forward's window geometry when known - the kernel then writes 2x2
 * stride-2 windows that tile the input directly instead of zeroing and scattering (it
 * checks every index against its window and falls back otherwise).
 */
function maxScatter(grad: Tensor, indices: Tensor, inputShape: readonly number[], format: MemoryFormat, backwardName: string, windows: Geometry = geometry({})): Tensor {
  const gradInput = poolBackward(PoolOp.maxBackward, grad, indices, inputShape, format, windows);
  if (needsGrad([grad]))
    recordLinear(doubleBackwardName(backwardName), grad, gradInput, (gg) => maxGather(gg, indices, backwardName), [indices]);
  return gradInput;
}

/** out = x at `indices` per plane: the adjoint of maxScatter. */
function maxGather(x: Tensor, indices: Tensor, backwardName: string): Tensor {
  const out = emptyPlanes(indices._shape, x.dtype, layoutOf(x));
  // The gather reads x (input-sized) and writes out (output-sized), as a forward does.
  runPool(PoolOp.maxGather, x, out, indices, geometry({}));
  if (needsGrad([x]))
    recordLinear('MaxPoolGatherBackward0', x, out, (g) => maxScatter(g, indices, x._shape, layoutOf(x), backwardName), [indices]);
  return out;
}

/**
 * Runs a max kernel (fixed or adaptive windows) and records its derivative. Indices the
 * caller will not hand out go back to the memory pool as soon as nothing can use them:
 * at once without autograd, else when the graph frees its saved tensors (unless a
 * double-backward graph kept them), so training loops reuse warm memory instead of
 * faulting in fresh pages for every step's indices.
 */
function maxPoolRun(input: Tensor, oh: number, ow: number, g: Geometry, backwardName: string, keepIndices: boolean): [Tensor, Tensor] {
  const [out, idx] = poolForward(PoolOp.maxForward, input, oh, ow, g, true);
  const indices = idx as Tensor;
  if (!needsGrad([input])) {
    if (!keepIndices) indices.dispose();
    return [out, indices];
  }
  const shape = input._shape, format = layoutOf(input);
  let usedByGradGraph = false;
  const node = recordLinear(backwardName, input, out, (grad) => {
    const gradInput = maxScatter(grad, indices, shape, format, backwardName, g);
    if (gradInput.gradFn) usedByGradGraph = true;
    return gradInput;
  }, [input, indices]);
  if (!keepIndices) {
    const release = node.release.bind(node);
    node.release = () => {
      release();
      if (!usedByGradGraph) indices.dispose();
    };
  }
  return [out, indices];
}

export interface MaxPool2dOpts {
  kernelSize?: IntPair;
  stride?: IntPair | null;
  padding?: IntPair;
  dilation?: IntPair;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

const maxPoolNames = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'] as const;

/** The shared argument checks of max_pool2d_with_indices (messages as PyTorch 1.13). */
function maxPoolWindow(input: Tensor, o: MaxPool2dOpts): WindowArgs {
  const k = pairOf(o.kernelSize, 'kernel_size');
  if (!k) throw new TensorError('max_pool2d: kernel_size must either be a single int, or a tuple of two ints');
  const stride = o.stride ?? [];
  const s = Array.isArray(stride) && stride.length === 0 ? k : pairOf(stride, 'stride');
  if (!s) throw new TensorError('max_pool2d: stride must either be omitted, a single int, or a tuple of two ints');
  const p = pairOf(o.padding ?? 0, 'padding');
  if (!p) throw new TensorError('max_pool2d: padding must be either be a single int, or a tuple of two ints');
  const d = pairOf(o.dilation ?? 1, 'dilation');
  if (!d) throw new TensorError('max_pool2d: dilation must be either a single int, or a tuple of two ints');
  if (!(input.dim() === 3 || input.dim() === 4))
    throw new TensorError('non-empty 3D or 4D (batch mode) tensor expected for input');
  return { k, s, p, d, ceilMode: Boolean(o.ceilMode) };
}

/**
 * F.max_pool2d(input, kernel_size, stride=kernel_size, padding=0, dilation=1,
 * ceil_mode=False, return_indices=False); positional or options.
 */
export function maxPool2d(input: Tensor, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  requireTensor(input, 'max_pool2d');
  const o = parseTrailing(rest, maxPoolNames) as MaxPool2dOpts;
  const [out, indices] = maxPool2dWithIndices(input, o, Boolean(o.returnIndices));
  return o.returnIndices ? [out, indices] : out;
}

/** max_pool2d_with_indices; keepIndices = false lets the indices be freed early (see maxPoolRun). */
export function maxPool2dWithIndices(input: Tensor, o: MaxPool2dOpts, keepIndices = true): [Tensor, Tensor] {
  const w = maxPoolWindow(input, o);
  const nd = input.dim();
  const oh = outputSize(input._shape[nd - 2], w.k[0], w.p[0], w.s[0], w.d[0], w.ceilMode);
  const ow = outputSize(input._shape[nd - 1], w.k[1], w.p[1], w.s[1], w.d[1], w.ceilMode);
  shapeCheck(input, w, oh, ow);
  requireFloat(input, 'max_pool2d');
  const g = geometry({ kh: w.k[0], kw: w.k[1], sh: w.s[0], sw: w.s[1], ph: w.p[0], pw: w.p[1], dh: w.d[0], dw: w.d[1] });
  return maxPoolRun(input, oh, ow, g, 'MaxPool2DWithIndicesBackward0', keepIndices);
}

/** One int (or a list of one) for the 1-D forms, with PyTorch's check1d message. */
function single(op: string, name: string, v: unknown, fallback?: number): number {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0 && fallback !== undefined)) {
    if (fallback === undefined) throw new TypeError(`${op}() missing required argument '${name}'`);
    return fallback;
  }
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return v[0];
  if (Array.isArray(v)) throw new TensorError(`${op}() argument '${name}' should contain one int (got ${v.length})`);
  throw new TypeError(`${op}(): argument '${name}' must be an int or a list of ints`);
}

/** F.max_pool1d: (N, C, L) or (C, L), through max_pool2d on an unsqueezed view. */
export function maxPool1d(input: Tensor, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  requireTensor(input, 'max_pool1d');
  const o = parseTrailing(rest, maxPoolNames) as MaxPool2dOpts;
  if (input.dim() !== 2 && input.dim() !== 3)
    throw new TensorError(`max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:[${input._shape.join(', ')}]`);
  const k = single('max_pool1d', 'kernel_size', o.kernelSize);
  const s = single('max_pool1d', 'stride', o.stride, k);
  const p = single('max_pool1d', 'padding', o.padding ?? 0);
  const d = single('max_pool1d', 'dilation', o.dilation ?? 1);
  if (k <= 0) throw new TensorError(`max_pool1d() kernel_size must be greater than zero, but got ${k}`);
  if (s <= 0) throw new TensorError(`max_pool1d() stride must be greater than zero, but got ${s}`);
  if (p < 0) throw new TensorError(`max_pool1d() padding must be non-negative, but got ${p}`);
  if (p > Math.trunc(k / 2))
    throw new TensorError(`max_pool1d() padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`);
  if (d <= 0) throw new TensorError(`max_pool1d() dilation must be greater than zero, but got ${d}`);
  const length = outputSize(input._shape[input.dim() - 1], k, p, s, d, Boolean(o.ceilMode));
  if (length < 0) throw new TensorError(`max_pool1d() Invalid computed output size: ${length}`);
  const needIndices = o.returnIndices || needsGrad([input]);
  if (length === 0 && !needIndices) {
    // PyTorch's index-free 1-D path allows an empty output.
    requireFloat(input, 'max_pool1d_impl');
    return emptyPlanes([...input._shape.slice(0, -1), 0], input.dtype, layoutOf(input));
  }
  const keep = Boolean(o.returnIndices);
  const [out, indices] = maxPool2dWithIndices(unsqueeze(input, -2), { kernelSize: [1, k], stride: [1, s], padding: [0, p], dilation: [1, d], ceilMode: o.ceilMode }, keep);
  const values = squeeze(out, -2);
  return keep ? [values, squeeze(indices, -2)] : values;
}

// ---- average pool ------------------------------------------------------------------------

/** Runs a linear pooling kernel (fixed or adaptive average) and records its adjoint. */
function avgPoolRun(input: Tensor, oh: number, ow: number, g: Geometry, backwardName: string): Tensor {
  const [out] = poolForward(PoolOp.avgForward, input, oh, ow, g);
  if (needsGrad([input])) {
    const shape = input._shape, format = layoutOf(input);
    recordLinear(backwardName, input, out, (grad) => avgSpread(grad, shape, format, g, backwardName), [input]);
  }
  return out;
}

/** The adjoint of avgPoolRun (avg_pool2d_backward): linear in grad, its adjoint is the pool. */
function avgSpread(grad: Tensor, inputShape: readonly number[], format: MemoryFormat, g: Geometry, backwardName: string): Tensor {
  const gradInput = poolBackward(PoolOp.avgBackward, grad, null, inputShape, format, g);
  if (needsGrad([grad])) {
    const nd = grad.dim();
    recordLinear(doubleBackwardName(backwardName), grad, gradInput, (gg) => avgPoolRun(gg, grad._shape[nd - 2], grad._shape[nd - 1], g, backwardName));
  }
  return gradInput;
}

export interface AvgPool2dOpts {
  kernelSize?: IntPair;
  stride?: IntPair | null;
  padding?: IntPair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}
const avgPoolNames = ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const;

/**
 * F.avg_pool2d(input, kernel_size, stride=kernel_size, padding=0, ceil_mode=False,
 * count_include_pad=True, divisor_override=None); positional or options.
 */
export function avgPool2d(input: Tensor, ...rest: unknown[]): Tensor {
  requireTensor(input, 'avg_pool2d');
  const o = parseTrailing(rest, avgPoolNames) as AvgPool2dOpts;
  const k = pairOf(o.kernelSize, 'kernel_size');
  if (!k) throw new TensorError('avg_pool2d: kernel_size must either be a single int, or a tuple of two ints');
  const stride = o.stride ?? [];
  const s = Array.isArray(stride) && stride.length === 0 ? k : pairOf(stride, 'stride');
  if (!s) throw new TensorError('avg_pool2d: stride must either be omitted, a single int, or a tuple of two ints');
  const p = pairOf(o.padding ?? 0, 'padding');
  if (!p) throw new TensorError('avg_pool2d: padding must either be a single int, or a tuple of two ints');
  const divisor = o.divisorOverride ?? 0;
  if (o.divisorOverride !== undefined && o.divisorOverride !== null && divisor === 0) throw new TensorError('divisor must be not zero');
  const nd = input.dim();
  if (nd < 3) throw new TensorError(`Dimension out of range (expected to be in range of [${-Math.max(nd, 1)}, ${Math.max(nd, 1) - 1}], but got -3)`);
  const ceilMode = Boolean(o.ceilMode);
  const oh = outputSize(input._shape[nd - 2], k[0], p[0], s[0], 1, ceilMode);
  const ow = outputSize(input._shape[nd - 1], k[1], p[1], s[1], 1, ceilMode);
  if (nd > 4) throw new TensorError('non-empty 3D or 4D (batch mode) tensor expected for input');
  shapeCheck(input, { k, s, p, d: [1, 1], ceilMode }, oh, ow);
  const g = geometry({ kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: p[0], pw: p[1], countIncludePad: o.countIncludePad ?? true, divisorOverride: divisor });
  // As PyTorch, int64 works too: the sum divided with C++'s truncating integer division
  // (exact through float64 for sums below 2^53).
  if (input.dtype === int64) return trunc(avgPoolRun(input.double(), oh, ow, g, 'AvgPool2DBackward0')).to(int64);
  requireFloat(input, 'avg_pool2d');
  return avgPoolRun(input, oh, ow, g, 'AvgPool2DBackward0');
}

/** F.avg_pool1d: (N, C, L) or (C, L), through avg_pool2d on an unsqueezed view. */
export function avgPool1d(input: Tensor, ...rest: unknown[]): Tensor {
  requireTensor(input, 'avg_pool1d');
  const o = parseTrailing(rest, ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad']) as AvgPool2dOpts;
  if (input.dim() < 2 || input.dim() > 3)
    throw new TensorError(`Expected 2 to 3 dimensions, but got ${input.dim()}-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)`);
  const k = single('avg_pool1d', 'kernel_size', o.kernelSize);
  const s = single('avg_pool1d', 'stride', o.stride, k);
  const p = single('avg_pool1d', 'padding', o.padding ?? 0);
  const out = avgPool2d(unsqueeze(input, -2), { kernelSize: [1, k], stride: [1, s], padding: [0, p], ceilMode: o.ceilMode, countIncludePad: o.countIncludePad });
  return squeeze(out, -2);
}

// ---- adaptive pools ----------------------------------------------------------------------

/** output_size as [h, w]; null entries keep the input's size (as PyTorch's Python wrapper). */
function adaptiveSize(input: Tensor, outputSize: unknown, op: string): [number, number] {
  let size: unknown[];
  if (typeof outputSize === 'number' || outputSize === null) size = [outputSize, outputSize];
  else if (Array.isArray(outputSize)) size = outputSize;
  else throw new TypeError(`${op}(): argument 'output_size' must be an int or a list of ints`);
  if (size.length !== 2) {
    throw new TensorError(op === 'adaptive_max_pool2d' ? 'adaptive_max_pool2d(): internal error: output_size.size() must be 2' : 'adaptive_avg_pool2d: output_size must be 2');
  }
  const nd = input.dim();
  return size.map((v, i) => (v === null || v === undefined ? input._shape[nd - 2 + i] : (v as number))) as [number, number];
}

function adaptiveCheck(input: Tensor, op: string, sep: string): void {
  const nd = input.dim();
  if (nd !== 3 && nd !== 4) throw new TensorError(`${op}(): Expected 3D or 4D tensor, but got${sep} [${input._shape.join(', ')}]`);
  for (let d = nd - 2; d < nd; d++) {
    if (input._shape[d] === 0)
      throw new TensorError(
        `${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [${input._shape.join(', ')}] with dimension ${d} being empty`,
      );
  }
}

/** F.adaptive_avg_pool2d(input, output_size): (1, 1) is a mean over H, W, as PyTorch. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: IntPair | (number | null)[] | null): Tensor {
  requireTensor(input, 'adaptive_avg_pool2d');
  const [oh, ow] = adaptiveSize(input, outputSize, 'adaptive_avg_pool2d');
  if (oh < 0 || ow < 0)
    throw new TensorError(`adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${oh}, ${ow}}`);
  if (oh === 1 && ow === 1) {
    const out = mean(input, [-1, -2], true);
    // As PyTorch: for channels_last input the (N, C, 1, 1) mean gets channels_last
    // strides, which name the same memory order as the contiguous ones.
    if (input.dim() !== 4 || layoutOf(input) !== channelsLast || !out.isContiguous()) return out;
    const c = input._shape[1];
    // PyTorch's as_strided_ on the mean: AsStridedBackward1, whose gradient is g itself.
    return makeView(out, out._shape, [c, 1, c, c], out._offset, 'AsStridedBackward1', (g) => g);
  }
  adaptiveCheck(input, 'adaptive_avg_pool2d', '');
  requireFloat(input, 'adaptive_avg_pool2d');
  return avgPoolRun(input, oh, ow, geometry({ adaptive: true }), 'AdaptiveAvgPool2DBackward0');
}

/** F.adaptive_max_pool2d(input, output_size, return_indices=False). */
export function adaptiveMaxPool2d(input: Tensor, outputSize: IntPair | (number | null)[] | null, returnIndices: boolean | { returnIndices?: boolean } = false): Tensor | [Tensor, Tensor] {
  requireTensor(input, 'adaptive_max_pool2d');
  const withIndices = typeof returnIndices === 'object' ? Boolean(returnIndices?.returnIndices) : returnIndices;
  adaptiveCheck(input, 'adaptive_max_pool2d', ':');
  const [oh, ow] = adaptiveSize(input, outputSize, 'adaptive_max_pool2d');
  requireFloat(input, 'adaptive_max_pool2d');
  const [out, indices] = maxPoolRun(input, oh, ow, geometry({ adaptive: true }), 'AdaptiveMaxPool2DBackward0', withIndices);
  return withIndices ? [out, indices] : out;
}

// ---- registry ------------------------------------------------------------------------------

defineOp({ name: 'maxPool2d', kind: 'nn', fn: maxPool2d, backwardName: 'MaxPool2DWithIndicesBackward0' });
defineOp({ name: 'maxPool1d', kind: 'nn', fn: maxPool1d, backwardName: 'SqueezeBackward1' });
defineOp({ name: 'avgPool2d', kind: 'nn', backwardName: 'AvgPool2DBackward0' });
defineOp({ name: 'avgPool1d', kind: 'nn', fn: avgPool1d, backwardName: 'SqueezeBackward1' });
defineOp({ name: 'adaptiveAvgPool2d', kind: 'nn', backwardName: 'AdaptiveAvgPool2DBackward0' });
defineOp({ name: 'adaptiveMaxPool2d', kind: 'nn', backwardName: 'AdaptiveMaxPool2DBackward0' });
