/**
 * Reductions (API.md §3): sum, mean, prod, std, var, norm, logsumexp, amax, amin, all,
 * any, countNonzero, max/min (with and without dim), argmax/argmin, cumsum/cumprod and
 * softmax/logSoftmax. Each runs one native kernel over the input's own strides (no
 * contiguous copy); the kernel writes the dtype PyTorch computes in (int64 for integral
 * sums), and a requested `dtype` or `out` of another dtype is reached by a cast.
 */
import { DType, bool, defaultFloat, int64, uint8 } from '../dtype';
import { TensorError } from '../errors';
import { ArgReduceOp, DimOp, ReduceOp, native, writeLoop, LoopOperand } from '../native';
import { Tensor, rawCopy, checkInplace } from '../tensor';
import { needsGrad } from '../autograd/node';
import { noGrad } from '../autograd/grad-mode';
import { inplaceWithGrad } from '../autograd/inplace';
import { profiled } from '../autograd/profiler-state';
import { defineOp } from './registry';
import { checkOut } from './operands';
import { maximum, minimum, scalarTypeNames } from './pointwise';
import {
  DimArg, ParsedReduce, ReduceOpts, launchArgReduce, launchReduce, parseReduceArgs, reducedMask, reducedShape,
  reducesAll, requireNonEmpty,
} from './reduce-args';
import { median, mode, ValuesIndices, valuesIndices } from './median-mode';
import { recordReduction } from './reduce-grad';

export type { DimArg, ReduceOpts, ValuesIndices };
export { median, mode };

function requireTensor(t: unknown, op: string): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}(): argument 'input' must be Tensor, not ${typeof t}`);
}

/**
 * Reduces `src` with kernel `code` (which writes `kernelDtype`) into a new tensor of
 * `resultDtype`, or into `args.out` (cast through a temporary when its dtype differs).
 */
function reduceInto(name: string, code: number, src: Tensor, args: ParsedReduce, kernelDtype: DType, resultDtype: DType, p = 0): Tensor {
  const mask = reducedMask(src, args.dim);
  const shape = reducedShape(src._shape, mask, args.keepdim);
  const out = args.out;
  if (out === undefined) {
    const raw = Tensor.empty(shape, kernelDtype);
    launchReduce(code, src, mask, args.keepdim, raw, p);
    const result = raw.dtype === resultDtype ? raw : raw.to(resultDtype);
    recordReduction({ name, input: src, result, mask, keepdim: args.keepdim, p });
    return result;
  }
  checkOut(out, shape, resultDtype, name);
  if (out.dtype === kernelDtype) {
    launchReduce(code, src, mask, args.keepdim, out, p);
    out._storage.version++;
  } else {
    const tmp = Tensor.empty(shape, kernelDtype);
    launchReduce(code, src, mask, args.keepdim, tmp, p);
    out.copy_(tmp);
  }
  return out;
}

/** As PyTorch's integral-to-int64 rule for sums, products and cumulative ops. */
function widened(dtype: DType): DType {
  return dtype.isFloatingPoint ? dtype : int64;
}

function requireSameOutDtype(out: Tensor | undefined, input: Tensor): void {
  if (out !== undefined && out.dtype !== input.dtype)
    throw new TensorError(
      `Expected the dtype for input and out to match, but got ${scalarTypeNames[input.dtype.name]} for input's dtype and ${scalarTypeNames[out.dtype.name]} for out's dtype.`,
    );
}

// ---- sum, mean, prod -----------------------------------------------------------------

export function sum(input: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor {
  requireTensor(input, 'sum');
  const args = parseReduceArgs(dim, keepdim, opts);
  const src = args.dtype ? input.to(args.dtype) : input;
  return reduceInto('sum', ReduceOp.sum, src, args, widened(src.dtype), args.dtype ?? widened(src.dtype));
}

export function mean(input: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor {
  requireTensor(input, 'mean');
  const args = parseReduceArgs(dim, keepdim, opts);
  if (args.dtype && !args.dtype.isFloatingPoint)
    throw new TensorError(`mean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: ${scalarTypeNames[args.dtype.name]}`);
  if (!args.dtype && !input.dtype.isFloatingPoint)
    throw new TensorError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeNames[input.dtype.name]}`);
  const src = args.dtype ? input.to(args.dtype) : input;
  return reduceInto('mean', ReduceOp.mean, src, args, src.dtype, src.dtype);
}

export function prod(input: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor {
  requireTensor(input, 'prod');
  const args = parseReduceArgs(dim, keepdim, opts);
  const src = args.dtype ? input.to(args.dtype) : input;
  return reduceInto('prod', ReduceOp.prod, src, args, widened(src.dtype), args.dtype ?? widened(src.dtype));
}

// ---- amax, amin, all, any, countNonzero ----------------------------------------------

function extreme(name: 'amax' | 'amin', input: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor {
  requireTensor(input, name);
  const args = parseReduceArgs(dim, keepdim, opts);
  requireNonEmpty(name, input, reducedMask(input, args.dim), reducesAll(args.dim), true, args.dim);
  requireSameOutDtype(args.out, input);
  return reduceInto(name, ReduceOp[name], input, args, input.dtype, input.dtype);
}
export const amax = (input: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor =>
  extreme('amax', input, dim, keepdim, opts);
export const amin = (input: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor =>
  extreme('amin', input, dim, keepdim, opts);

function logical(name: 'all' | 'any', input: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor {
  requireTensor(input, name);
  const args = parseReduceArgs(dim, keepdim, opts);
  // As PyTorch 1.13: uint8 in, uint8 out (legacy); every other dtype gives bool.
  return reduceInto(name, ReduceOp[name], input, args, bool, input.dtype === uint8 ? uint8 : bool);
}
export const all = (input: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor =>
  logical('all', input, dim, keepdim, opts);
export const any = (input: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor =>
  logical('any', input, dim, keepdim, opts);

export function countNonzero(input: Tensor, dim?: DimArg | ReduceOpts): Tensor {
  requireTensor(input, 'count_nonzero');
  const args = parseReduceArgs(dim, undefined, undefined);
  return reduceInto('count_nonzero', ReduceOp.countNonzero, input, { ...args, keepdim: false }, int64, int64);
}

// ---- norm, var, std, logsumexp ---------------------------------------------------------

export type NormOrder = number | 'fro' | 'nuc';
export interface NormOpts extends ReduceOpts {
  p?: NormOrder | null;
}

export function norm(input: Tensor, p?: NormOrder | null | NormOpts, dim?: DimArg | NormOpts, keepdim?: boolean | NormOpts, opts?: NormOpts): Tensor {
  requireTensor(input, 'norm');
  const fromOpts = p !== null && typeof p === 'object';
  const args = fromOpts ? parseReduceArgs(p as NormOpts) : parseReduceArgs<NormOpts>(dim, keepdim, opts);
  const order = fromOpts ? (p as NormOpts).p : (p as NormOrder | null | undefined);
  const src = args.dtype ? input.to(args.dtype) : input;
  if (!src.dtype.isFloatingPoint)
    throw new TensorError(`norm(): input dtype should be either floating point or complex. Got ${scalarTypeNames[src.dtype.name]} instead.`);
  if (order === 'nuc') {
    const dims = typeof args.dim === 'number' ? 1 : args.dim?.length ?? 0;
    throw new TensorError(dims === 2 ? 'norm: the nuclear norm is not supported' : "nuclear norm requires a 'dim' argument of size 2");
  }
  const value = order === undefined || order === null || order === 'fro' ? 2 : order;
  if (typeof value !== 'number') throw new TensorError(`norm(): unsupported order ${String(value)}`);
  return reduceInto('norm', ReduceOp.norm, src, args, src.dtype, src.dtype, value);
}

export interface VarOpts extends ReduceOpts {
  unbiased?: boolean;
  correction?: number;
}

function varianceLike(name: 'var' | 'std', input: Tensor, rest: unknown[]): Tensor {
  requireTensor(input, name);
  // PyTorch's overloads: (unbiased), (dim, unbiased?, keepdim?), any of them then options.
  const positional = [...rest];
  let unbiased: boolean | undefined;
  if (typeof positional[0] === 'boolean') unbiased = positional.shift() as boolean;
  const dimArg = positional[0] !== null && typeof positional[0] === 'object' && !Array.isArray(positional[0]) ? undefined : positional.shift();
  if (typeof positional[0] === 'boolean') unbiased = positional.shift() as boolean;
  const keepdimArg = typeof positional[0] === 'boolean' ? (positional.shift() as boolean) : undefined;
  const opts = (positional[0] ?? {}) as VarOpts;
  const args = parseReduceArgs<VarOpts>(dimArg as DimArg, keepdimArg, opts);
  if (!input.dtype.isFloatingPoint) throw new TensorError('std and var only support floating point and complex dtypes');
  const correction = opts.correction ?? ((unbiased ?? opts.unbiased) === false ? 0 : 1);
  return reduceInto(name, ReduceOp[name], input, args, input.dtype, input.dtype, correction);
}
export function variance(input: Tensor, ...rest: (DimArg | boolean | VarOpts)[]): Tensor {
  return varianceLike('var', input, rest);
}
export function std(input: Tensor, ...rest: (DimArg | boolean | VarOpts)[]): Tensor {
  return varianceLike('std', input, rest);
}

export function logsumexp(input: Tensor, dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor {
  requireTensor(input, 'logsumexp');
  const args = parseReduceArgs(dim, keepdim, opts);
  // As PyTorch: integral inputs are reduced in the default float dtype.
  const src = input.dtype.isFloatingPoint ? input : input.to(defaultFloat);
  return reduceInto('logsumexp', ReduceOp.logsumexp, src, args, src.dtype, src.dtype);
}

// ---- max / min, argmax / argmin ------------------------------------------------------

export interface MaxOpts {
  dim?: number;
  keepdim?: boolean;
  out?: Tensor | readonly [Tensor, Tensor];
}

/** values and first indices of the extreme along one dim (kernel: first NaN wins). */
function extremeWithIndex(name: 'max' | 'min', input: Tensor, dim: number, keepdim: boolean, out?: readonly [Tensor, Tensor]): ValuesIndices {
  const mask = reducedMask(input, dim);
  requireNonEmpty(name, input, mask, false);
  const shape = reducedShape(input._shape, mask, keepdim);
  let values: Tensor, indices: Tensor;
  if (out) {
    [values, indices] = out;
    requireSameOutDtype(values, input);
    if (indices.dtype !== int64) throw new TensorError(`Expected out tensor to have dtype long int, but got ${indices.dtype} instead`);
    checkOut(values, shape, input.dtype, name);
    checkOut(indices, shape, int64, name);
  } else {
    values = Tensor.empty(shape, input.dtype);
    indices = Tensor.empty(shape, int64);
  }
  launchArgReduce(ArgReduceOp[name], input, mask, keepdim, values, indices);
  if (out) {
    values._storage.version++;
    indices._storage.version++;
  } else recordReduction({ name, input, result: values, mask, keepdim, indices });
  return valuesIndices(values, indices);
}

function maxOrMin(name: 'max' | 'min', input: Tensor, a?: Tensor | number | MaxOpts, b?: boolean | MaxOpts, c?: MaxOpts): Tensor | ValuesIndices {
  requireTensor(input, name);
  if (a !== undefined && a !== null && ((typeof a !== 'number' && typeof a !== 'object') || Array.isArray(a)))
    throw new TypeError(`${name}(): argument 'dim' must be int, not ${Array.isArray(a) ? 'list' : typeof a}`);
  if (a instanceof Tensor) {
    const out = (b !== null && typeof b === 'object' ? b : c)?.out;
    const pairwise = name === 'max' ? maximum : minimum;
    return pairwise(input, a, out instanceof Tensor ? { out } : undefined);
  }
  const opts: MaxOpts = { ...(typeof c === 'object' ? c : {}), ...(typeof b === 'object' ? b : {}), ...(typeof a === 'object' ? a : {}) };
  const dim = typeof a === 'number' ? a : opts.dim;
  const keepdim = typeof b === 'boolean' ? b : opts.keepdim ?? false;
  if (dim === undefined) {
    requireNonEmpty(name, input, [], true);
    const out = opts.out instanceof Tensor ? opts.out : undefined;
    requireSameOutDtype(out, input);
    return reduceInto(name, ReduceOp[name === 'max' ? 'amax' : 'amin'], input, { dim: null, keepdim: false, out }, input.dtype, input.dtype);
  }
  if (opts.out instanceof Tensor) throw new TypeError(`${name}(): with a dim, out must be a [values, indices] pair`);
  return extremeWithIndex(name, input, dim, keepdim, opts.out as readonly [Tensor, Tensor] | undefined);
}

export function max(input: Tensor): Tensor;
export function max(input: Tensor, other: Tensor, opts?: { out?: Tensor }): Tensor;
export function max(input: Tensor, dim: number, keepdim?: boolean | MaxOpts, opts?: MaxOpts): ValuesIndices;
export function max(input: Tensor, opts: MaxOpts): Tensor | ValuesIndices;
export function max(input: Tensor, a?: Tensor | number | MaxOpts, b?: boolean | MaxOpts, c?: MaxOpts): Tensor | ValuesIndices {
  return maxOrMin('max', input, a, b, c);
}
export function min(input: Tensor): Tensor;
export function min(input: Tensor, other: Tensor, opts?: { out?: Tensor }): Tensor;
export function min(input: Tensor, dim: number, keepdim?: boolean | MaxOpts, opts?: MaxOpts): ValuesIndices;
export function min(input: Tensor, opts: MaxOpts): Tensor | ValuesIndices;
export function min(input: Tensor, a?: Tensor | number | MaxOpts, b?: boolean | MaxOpts, c?: MaxOpts): Tensor | ValuesIndices {
  return maxOrMin('min', input, a, b, c);
}

function argExtreme(name: 'argmax' | 'argmin', input: Tensor, dim?: number | null | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor {
  requireTensor(input, name);
  const args = parseReduceArgs(dim, keepdim, opts);
  if (input.dtype === bool) throw new TensorError(`"${name}_cpu" not implemented for 'Bool'`);
  const code = name === 'argmax' ? ArgReduceOp.max : ArgReduceOp.min;
  if (args.dim === null || args.dim === undefined) {
    // Over the flattened input; keepdim keeps every dim as 1, as PyTorch.
    requireNonEmpty(name, input, [], true, false);
    const flat = input.reshape(-1);
    const values = Tensor.empty([], input.dtype), indices = Tensor.empty([], int64);
    launchArgReduce(code, flat, [true], false, values, indices);
    const shaped = args.keepdim ? indices.reshape(input._shape.map(() => 1)) : indices;
    return args.out ? args.out.copy_(shaped) : shaped;
  }
  if (typeof args.dim !== 'number') throw new TypeError(`${name}(): dim must be an integer`);
  const mask = reducedMask(input, args.dim);
  requireNonEmpty(name, input, mask, false);
  const shape = reducedShape(input._shape, mask, args.keepdim);
  const values = Tensor.empty(shape, input.dtype);
  let indices = Tensor.empty(shape, int64);
  if (args.out) {
    checkOut(args.out, shape, int64, name);
    if (args.out.dtype === int64) indices = args.out;
  }
  launchArgReduce(code, input, mask, args.keepdim, values, indices);
  if (args.out && indices !== args.out) args.out.copy_(indices);
  else if (args.out) args.out._storage.version++;
  return args.out ?? indices;
}
export const argmax = (input: Tensor, dim?: number | null | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor =>
  argExtreme('argmax', input, dim, keepdim, opts);
export const argmin = (input: Tensor, dim?: number | null | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts): Tensor =>
  argExtreme('argmin', input, dim, keepdim, opts);

// ---- along one dim: cumsum, cumprod, softmax, logSoftmax --------------------------------

export interface DimOpOpts {
  dim?: number;
  dtype?: DType;
  out?: Tensor;
}

/**
 * Runs native dim op `code` of `src` along `dim` into `out` (same shape, kernel dtype);
 * the softmax backward ops also read the forward's `result`.
 */
function launchDimOp(code: number, src: Tensor, out: Tensor, dim: number, result?: Tensor): void {
  src._storage.assertAlive();
  out._storage.assertAlive();
  result?._storage.assertAlive();
  // A 0-d tensor runs as one line of one element.
  const scalar = src._shape.length === 0;
  const shape = scalar ? [1] : src._shape;
  const operand = (t: Tensor): LoopOperand => ({ dtype: t.dtype, offset: t._offset, strides: scalar ? [1] : t._strides });
  writeLoop(shape, result ? [operand(out), operand(src), operand(result)] : [operand(out), operand(src)]);
  native.dimOp(code, out._storage.bytes, src._storage.bytes, scalar ? 0 : dim, result?._storage.bytes);
}

/**
 * PyTorch's _softmax_backward_data / _log_softmax_backward_data: the gradient of softmax or
 * log_softmax along `dim` from the output gradient `g` and the forward's result `y`
 * (y * (g - sum(g * y)) or g - exp(y) * sum(g)), in one kernel.
 */
export function softmaxBackwardData(name: 'softmax' | 'logSoftmax', g: Tensor, y: Tensor, dim: number): Tensor {
  const aten = name === 'softmax' ? 'aten::_softmax_backward_data' : 'aten::_log_softmax_backward_data';
  return profiled(aten, [g, y], () => {
    const grad = g.dtype === y.dtype ? g : g.to(y.dtype);
    const out = Tensor.empty(y._shape, y.dtype);
    if (y.numel() > 0) launchDimOp(name === 'softmax' ? DimOp.softmaxBackward : DimOp.logSoftmaxBackward, grad, out, dim, y);
    return out;
  });
}

function dimOpArgs(name: string, input: Tensor, dim: number | null | undefined | DimOpOpts, opts?: DimOpOpts | DType | null): { dim: number | null | undefined; dtype?: DType; out?: Tensor } {
  requireTensor(input, name);
  if (dim !== undefined && dim !== null && ((typeof dim !== 'number' && typeof dim !== 'object') || Array.isArray(dim)))
    throw new TypeError(`${name}(): argument 'dim' must be int, not ${Array.isArray(dim) ? 'list' : typeof dim}`);
  const o: DimOpOpts = dim !== null && typeof dim === 'object' ? dim : opts instanceof DType ? { dtype: opts } : opts ?? {};
  return { dim: typeof dim === 'number' ? dim : o.dim, dtype: o.dtype, out: o.out };
}

function scan(name: 'cumsum' | 'cumprod', input: Tensor, dimArg: number | DimOpOpts, opts?: DimOpOpts): Tensor {
  const args = dimOpArgs(name, input, dimArg, opts);
  if (typeof args.dim !== 'number') throw new TypeError(`${name}(): argument 'dim' must be int`);
  const dim = input.wrapDim(args.dim);
  const src = args.dtype ? input.to(args.dtype) : input;
  const kernelDtype = widened(src.dtype);
  const resultDtype = args.dtype ?? kernelDtype;
  const target = args.out;
  if (target !== undefined) checkOut(target, src._shape, resultDtype, name);
  const direct = target !== undefined && target.dtype === kernelDtype;
  const result = direct ? target : Tensor.empty(src._shape, kernelDtype);
  if (src.numel() > 0) launchDimOp(DimOp[name], src, result, dim);
  if (!target) recordReduction({ name, input: src, result, mask: src._shape.map((_, d) => d === dim), keepdim: true, dim });
  if (direct) {
    target._storage.version++;
    return target;
  }
  if (target !== undefined) return target.copy_(result);
  return result.dtype === resultDtype ? result : result.to(resultDtype);
}
export const cumsum = (input: Tensor, dim: number | DimOpOpts, opts?: DimOpOpts): Tensor => scan('cumsum', input, dim, opts);
export const cumprod = (input: Tensor, dim: number | DimOpOpts, opts?: DimOpOpts): Tensor => scan('cumprod', input, dim, opts);

/**
 * cumsum_/cumprod_: the scan written back into self, which keeps its dtype (a dtype= that
 * differs is refused, as PyTorch); in the graph it is rebased like any in-place op.
 */
function scanInplace(name: 'cumsum' | 'cumprod', self: Tensor, dimArg: number | DimOpOpts, opts?: DimOpOpts): Tensor {
  const args = dimOpArgs(`${name}_`, self, dimArg, opts);
  checkInplace(self);
  if (args.dtype !== undefined && args.dtype !== self.dtype)
    throw new TensorError(`Bad in-place call: input tensor dtype ${cTypeNames[self.dtype.name]} and output tensor dtype ${cTypeNames[args.dtype.name]} should match`);
  if (self.dtype === bool) throw new TensorError(`"${name}_out_cpu" not implemented for 'Bool'`);
  const dim = args.dim;
  if (typeof dim !== 'number') throw new TypeError(`${name}_(): argument 'dim' must be int`);
  if (needsGrad([self])) return inplaceWithGrad(self, (old) => scan(name, old, dim));
  noGrad(() => rawCopy(self, scan(name, self, dim)));
  return self;
}
/** c10's names for dtypes in "Bad in-place call" messages. */
const cTypeNames: Record<string, string> = {
  float32: 'float', float64: 'double', int32: 'int', int64: 'long int', int16: 'short int', int8: 'signed char', uint8: 'unsigned char', bool: 'bool',
};
const cumsum_ = (self: Tensor, dim: number | DimOpOpts, opts?: DimOpOpts): Tensor => scanInplace('cumsum', self, dim, opts);
const cumprod_ = (self: Tensor, dim: number | DimOpOpts, opts?: DimOpOpts): Tensor => scanInplace('cumprod', self, dim, opts);

function softmaxLike(name: 'softmax' | 'logSoftmax', input: Tensor, dimArg?: number | null | DimOpOpts, opts?: DimOpOpts | DType | null): Tensor {
  const args = dimOpArgs(name, input, dimArg, opts);
  // PyTorch's legacy implicit dim when none is given (it warns): 0 for 0-, 1- and 3-d.
  const rank = input._shape.length;
  const dim = input.wrapDim(args.dim ?? (rank === 0 || rank === 1 || rank === 3 ? 0 : 1));
  const src = args.dtype ? input.to(args.dtype) : input;
  if (!src.dtype.isFloatingPoint) {
    const lastDim = dim === Math.max(rank - 1, 0);
    const kernel = lastDim ? (name === 'softmax' ? 'softmax_lastdim_kernel_impl' : 'log_softmax_lastdim_kernel_impl') : 'softmax_kernel_impl';
    throw new TensorError(`"${kernel}" not implemented for '${scalarTypeNames[src.dtype.name]}'`);
  }
  const out = args.out;
  if (out !== undefined) {
    checkOut(out, src._shape, src.dtype, name);
    requireSameOutDtype(out, src);
  }
  const result = out ?? Tensor.empty(src._shape, src.dtype);
  if (src.numel() > 0) launchDimOp(DimOp[name], src, result, dim);
  if (out) out._storage.version++;
  else recordReduction({ name, input: src, result, mask: src._shape.map((_, d) => d === dim), keepdim: true, dim });
  return result;
}
export const softmax = (input: Tensor, dim?: number | null | DimOpOpts, opts?: DimOpOpts | DType | null): Tensor =>
  softmaxLike('softmax', input, dim, opts);
export const logSoftmax = (input: Tensor, dim?: number | null | DimOpOpts, opts?: DimOpOpts | DType | null): Tensor =>
  softmaxLike('logSoftmax', input, dim, opts);

// ---- registry ----------------------------------------------------------------------------

// The registry names the full-reduction node; reduce-grad.ts picks the overload's name
// (sum() -> SumBackward0, sum(dim) -> SumBackward1; max() -> MaxBackward1, max(dim) -> MaxBackward0).
defineOp({ name: 'sum', kind: 'reduction', fn: sum, method: true, backwardName: 'SumBackward0' });
defineOp({ name: 'mean', kind: 'reduction', fn: mean, method: true, backwardName: 'MeanBackward0' });
defineOp({ name: 'prod', kind: 'reduction', fn: prod, method: true, backwardName: 'ProdBackward0' });
defineOp({ name: 'amax', kind: 'reduction', fn: amax, method: true, backwardName: 'AmaxBackward0' });
defineOp({ name: 'amin', kind: 'reduction', fn: amin, method: true, backwardName: 'AminBackward0' });
defineOp({ name: 'all', kind: 'reduction', fn: all, method: true });
defineOp({ name: 'any', kind: 'reduction', fn: any, method: true });
defineOp({ name: 'countNonzero', kind: 'reduction', fn: countNonzero, method: true });
defineOp({ name: 'norm', kind: 'reduction', fn: norm, method: true, backwardName: 'NormBackward1' });
defineOp({ name: 'var', kind: 'reduction', fn: variance, method: true, backwardName: 'VarBackward0' });
defineOp({ name: 'std', kind: 'reduction', fn: std, method: true, backwardName: 'StdBackward0' });
defineOp({ name: 'logsumexp', kind: 'reduction', fn: logsumexp, method: true, backwardName: 'LogsumexpBackward0' });
defineOp({ name: 'max', kind: 'reduction', fn: max, method: true, backwardName: 'MaxBackward1' });
defineOp({ name: 'min', kind: 'reduction', fn: min, method: true, backwardName: 'MinBackward1' });
defineOp({ name: 'argmax', kind: 'reduction', fn: argmax, method: true });
defineOp({ name: 'argmin', kind: 'reduction', fn: argmin, method: true });
defineOp({ name: 'cumsum', kind: 'reduction', fn: cumsum, method: true, inplace: cumsum_, backwardName: 'CumsumBackward0' });
defineOp({ name: 'cumprod', kind: 'reduction', fn: cumprod, method: true, inplace: cumprod_, backwardName: 'CumprodBackward0' });
defineOp({ name: 'softmax', kind: 'reduction', fn: softmax, method: true, backwardName: 'SoftmaxBackward0' });
defineOp({ name: 'logSoftmax', kind: 'reduction', fn: logSoftmax, method: true, backwardName: 'LogSoftmaxBackward0' });

type Reduce = (dim?: DimArg | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts) => Tensor;
type Variance = (...args: (DimArg | boolean | VarOpts)[]) => Tensor;
type Scan = (dim: number | DimOpOpts, opts?: DimOpOpts) => Tensor;
type Softmax = (dim?: number | null | DimOpOpts, opts?: DimOpOpts | DType | null) => Tensor;
type ArgExtreme = (dim?: number | null | ReduceOpts, keepdim?: boolean | ReduceOpts, opts?: ReduceOpts) => Tensor;

declare module '../tensor' {
  interface Tensor {
    sum: Reduce; mean: Reduce; prod: Reduce; amax: Reduce; amin: Reduce; all: Reduce; any: Reduce;
    logsumexp: Reduce;
    countNonzero(dim?: DimArg | ReduceOpts): Tensor;
    norm(p?: NormOrder | null | NormOpts, dim?: DimArg | NormOpts, keepdim?: boolean | NormOpts, opts?: NormOpts): Tensor;
    var: Variance; std: Variance;
    max(): Tensor;
    max(other: Tensor, opts?: { out?: Tensor }): Tensor;
    max(dim: number, keepdim?: boolean | MaxOpts, opts?: MaxOpts): ValuesIndices;
    max(opts: MaxOpts): Tensor | ValuesIndices;
    min(): Tensor;
    min(other: Tensor, opts?: { out?: Tensor }): Tensor;
    min(dim: number, keepdim?: boolean | MaxOpts, opts?: MaxOpts): ValuesIndices;
    min(opts: MaxOpts): Tensor | ValuesIndices;
    argmax: ArgExtreme; argmin: ArgExtreme;
    cumsum: Scan; cumprod: Scan; cumsum_: Scan; cumprod_: Scan;
    softmax: Softmax; logSoftmax: Softmax;
  }
}
