/**
 * gather, scatter(_), scatterAdd(_), indexSelect, indexAdd(_) and take (API.md §2): one
 * native walk along a dimension (native/src/kernels/gather_scatter.cc). The loop runs over
 * the index's (or the source's) shape; the gathered-from or written tensor is restrided
 * with stride 0 along the indexed dim, and the kernel adds index * stride there, checking
 * every index (PyTorch's messages come back from the kernel).
 *
 * Derivatives as derivatives.yaml, written with these same ops so higher orders work:
 * gather -> scatterAdd into zeros, scatter -> gather of the gradient, indexSelect ->
 * indexAdd into zeros, take -> indexAdd of the flattened gradient.
 */
import { DType, int32, int64 } from '../dtype';
import { TensorError } from '../errors';
import { native, writeLoop, LoopOperand } from '../native';
import { Tensor, Scalar, checkInplace } from '../tensor';
import { needsGrad, record } from '../autograd/node';
import { noGrad } from '../autograd/grad-mode';
import { zeros } from '../creation';
import { defineOp } from './registry';
import { assertNoInternalOverlap, checkOut, scalarOperand } from './operands';
import { add, inplaceWithGrad, lt, mul, scalarTypeNames, where } from './pointwise';

/** IndexMessage in native/src/bindings/select_binding.cc: which PyTorch message a bad index gets. */
const Message = { dim: 0, self: 1, take: 2 } as const;
/** ScatterReduce in native/src/kernels/select_kernels.h. */
const Reduce = { none: 0, add: 1, multiply: 2 } as const;
export type ScatterReduceName = 'add' | 'multiply';

export interface OutOpts {
  out?: Tensor;
}

// ---- launching the kernels --------------------------------------------------------------

function operand(t: Tensor, strides: readonly number[]): LoopOperand {
  t._storage.assertAlive();
  return { dtype: t.dtype, offset: t._offset, strides };
}

/** Strides of `t` with the indexed dim `dim` set to 0 (the kernel adds index * stride). */
function withoutDim(t: Tensor, dim: number): number[] {
  return t._shape.length === 0 ? [0] : t._strides.map((s, d) => (d === dim ? 0 : s));
}

/** A 0-d tensor walks as one element of a 1-d loop. */
const loopShape = (shape: readonly number[]): number[] => (shape.length === 0 ? [1] : [...shape]);
const loopStrides = (t: Tensor): number[] => (t._shape.length === 0 ? [0] : [...t._strides]);

interface Along {
  /** Size and stride of the indexed dim of the gathered-from / written tensor. */
  size: number;
  stride: number;
  message: number;
  /** The dim PyTorch's message names. */
  dim: number;
}

/** out[p] = src[p + index[p] * stride]; the loop runs over out's shape. */
function launchGather(out: Tensor, src: Tensor, srcStrides: number[], index: Tensor, indexStrides: number[], along: Along): void {
  if (out.numel() === 0) return;
  writeLoop(loopShape(out._shape), [operand(out, loopStrides(out)), operand(src, srcStrides), operand(index, indexStrides)], [along.size, along.stride]);
  native.gatherAlong(out._storage.bytes, src._storage.bytes, index._storage.bytes, out.dtype.code, along.message, along.dim);
}

/** target[p + index[p] * stride] (op)= src[p]; the loop runs over `shape`, serially. */
function launchScatter(
  shape: readonly number[], target: Tensor, targetStrides: number[], src: Tensor | Scalar, srcStrides: number[],
  index: Tensor, indexStrides: number[], reduce: number, along: Along,
): void {
  if (shape.reduce((n, d) => n * d, 1) === 0) return;
  const rank = Math.max(shape.length, 1);
  const srcOperand = src instanceof Tensor ? { ...operand(src, srcStrides), bytes: src._storage.bytes } : scalarOperand(src, target.dtype, rank);
  writeLoop(loopShape(shape), [operand(target, targetStrides), srcOperand, operand(index, indexStrides)], [along.size, along.stride]);
  native.scatterAlong(target._storage.bytes, srcOperand.bytes, index._storage.bytes, target.dtype.code, reduce, along.message, along.dim);
  target._storage.version++;
}

/** Writes a computed result into out= (any dtype), as PyTorch's out variants. */
function finish(result: Tensor, out: Tensor | undefined, name: string): Tensor {
  if (out === undefined) return result;
  checkOut(out, result._shape, result.dtype, name);
  return noGrad(() => out.copy_(result));
}

function optsOf<T extends object>(v: unknown): T {
  return (v !== null && typeof v === 'object' && !(v instanceof Tensor) && !Array.isArray(v) ? v : {}) as T;
}

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;
/** ensure_nonempty_dim / ensure_nonempty_size: a 0-d tensor counts as one element in 1 dim. */
const rankOf = (t: Tensor): number => Math.max(t._shape.length, 1);
const sizeAt = (t: Tensor, d: number): number => (t._shape.length === 0 ? 1 : t._shape[d]);

// ---- gather -----------------------------------------------------------------------------

function checkIndexTensor(index: unknown, op: string): asserts index is Tensor {
  if (!(index instanceof Tensor)) throw new TypeError(`${op}(): argument 'index' must be Tensor`);
}

export function gather(input: Tensor, dim: number, index: Tensor, opts?: OutOpts & { sparseGrad?: boolean }): Tensor {
  checkIndexTensor(index, 'gather');
  const d = input.wrapDim(dim);
  if (index.dtype !== int64) throw new TensorError('gather(): Expected dtype int64 for index');
  // As PyTorch 1.13, an empty index skips the shape checks: the result is empty whatever they say.
  const empty = index.numel() === 0;
  if (!empty && rankOf(index) !== rankOf(input)) throw new TensorError('Index tensor must have the same number of dimensions as input tensor');
  for (let k = 0; k < rankOf(input) && !empty; k++) {
    if (k !== d && sizeAt(index, k) > sizeAt(input, k))
      throw new TensorError(`Size does not match at dimension ${k} expected index ${shapeText(index._shape)} to be smaller than self ${shapeText(input._shape)} apart from dimension ${d}`);
  }
  const result = Tensor.empty(index._shape, input.dtype);
  if (!empty)
    launchGather(result, input, withoutDim(input, d), index, loopStrides(index), {
      size: sizeAt(input, d), stride: input._shape.length === 0 ? 0 : input._strides[d], message: Message.dim, dim: d,
    });
  if (needsGrad([input])) {
    const shape = input._shape, dtype = input.dtype;
    record('GatherBackward0', [input], [result], (node) => {
      const savedIndex = node.save(index);
      return ([g]) => [g ? scatterAdd(zeros([...shape], { dtype }), d, savedIndex.unpack(), g) : null];
    });
  }
  return finish(result, opts?.out, 'gather');
}

// ---- scatter, scatterAdd ----------------------------------------------------------------

export interface ScatterOpts extends OutOpts {
  reduce?: ScatterReduceName;
}

/** scatter_gather_dtype_check + scatter_shape_check, with PyTorch's messages. */
function checkScatter(op: string, self: Tensor, d: number, index: Tensor, src: Tensor | Scalar): void {
  if (index.dtype !== int64) throw new TensorError(`${op}(): Expected dtype int64 for index`);
  if (src instanceof Tensor && src.dtype !== self.dtype) throw new TensorError(`${op}(): Expected self.dtype to be equal to src.dtype`);
  if (index.numel() === 0) return; // PyTorch 1.13 skips the shape checks for an empty index
  if (rankOf(index) !== rankOf(self)) throw new TensorError('Index tensor must have the same number of dimensions as self tensor');
  if (src instanceof Tensor && rankOf(index) !== rankOf(src))
    throw new TensorError('Index tensor must have the same number of dimensions as src tensor');
  let tooBig = false;
  for (let k = 0; k < rankOf(self); k++) {
    if ((k !== d && sizeAt(index, k) > sizeAt(self, k)) || (src instanceof Tensor && sizeAt(index, k) > sizeAt(src, k))) tooBig = true;
  }
  if (tooBig) {
    const tail = src instanceof Tensor ? ` and to be smaller size than src ${shapeText(src._shape)}` : '';
    throw new TensorError(`Expected index ${shapeText(index._shape)} to be smaller than self ${shapeText(self._shape)} apart from dimension ${d}${tail}`);
  }
}

function reduceCode(reduce: string | undefined): number {
  if (reduce === undefined) return Reduce.none;
  if (reduce !== 'add' && reduce !== 'multiply') throw new TensorError('reduce argument must be either add or multiply.');
  return Reduce[reduce];
}

/** The scatter itself, into `self` (no autograd). */
function scatterRaw(op: string, self: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, reduce: number): void {
  checkIndexTensor(index, op);
  const d = self.wrapDim(dim);
  checkScatter(op, self, d, index, src);
  if (index.numel() === 0) return;
  assertNoInternalOverlap(self);
  // The kernel must not read what it already wrote: a source on the same storage is copied.
  const source = src instanceof Tensor && src._storage === self._storage ? src.clone() : src;
  launchScatter(index._shape, self, withoutDim(self, d), source, source instanceof Tensor ? loopStrides(source) : [], index, loopStrides(index), reduce, {
    size: sizeAt(self, d), stride: self._shape.length === 0 ? 0 : self._strides[d], message: Message.dim, dim: d,
  });
}

/** The out-of-place scatter family, recorded under PyTorch's node names. */
function scatterOutOfPlace(op: 'scatter' | 'scatter_add', input: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, reduce: number): Tensor {
  const result = noGrad(() => {
    const r = input.clone();
    scatterRaw(op, r, dim, index, src, reduce);
    return r;
  });
  if (!needsGrad([input, src])) return result;
  const d = input.wrapDim(dim);
  if (op === 'scatter' && reduce !== Reduce.none) {
    // As PyTorch 1.13: scatter with reduce records a node whose backward refuses.
    record('NotImplemented', [input, src], [result], () => () => {
      throw new TensorError('derivative for aten::scatter is not implemented');
    });
    return result;
  }
  const name = op === 'scatter_add' ? 'ScatterAddBackward0' : src instanceof Tensor ? 'ScatterBackward0' : 'ScatterBackward1';
  record(name, [input, src], [result], (node) => {
    const savedIndex = node.save(index);
    return ([g]) => {
      if (!g) return [null, null];
      const idx = savedIndex.unpack();
      const gradSelf = op === 'scatter_add' ? g : scatter(g, d, idx, 0);
      return [gradSelf, src instanceof Tensor ? gather(g, d, idx) : null];
    };
  });
  return result;
}

function scatterArgs(value: Tensor | Scalar | undefined, opts: unknown): { src: Tensor | Scalar; opts: ScatterOpts } {
  if (value === undefined) throw new TypeError("scatter(): missing argument 'src' or 'value'");
  return { src: value, opts: optsOf<ScatterOpts>(opts) };
}

export function scatter(input: Tensor, dim: number, index: Tensor, value: Tensor | Scalar, opts?: ScatterOpts): Tensor {
  const a = scatterArgs(value, opts);
  const reduce = reduceCode(a.opts.reduce);
  return finish(scatterOutOfPlace('scatter', input, dim, index, a.src, reduce), a.opts.out, 'scatter');
}

export function scatter_(self: Tensor, dim: number, index: Tensor, value: Tensor | Scalar, opts?: ScatterOpts): Tensor {
  const a = scatterArgs(value, opts);
  const reduce = reduceCode(a.opts.reduce);
  checkInplace(self);
  if (needsGrad([self, a.src])) return inplaceWithGrad(self, (old) => scatterOutOfPlace('scatter', old, dim, index, a.src, reduce));
  scatterRaw('scatter', self, dim, index, a.src, reduce);
  return self;
}

export function scatterAdd(input: Tensor, dim: number, index: Tensor, src: Tensor, opts?: OutOpts): Tensor {
  if (!(src instanceof Tensor)) throw new TypeError("scatter_add(): argument 'src' must be Tensor");
  return finish(scatterOutOfPlace('scatter_add', input, dim, index, src, Reduce.add), opts?.out, 'scatter_add');
}

export function scatterAdd_(self: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  if (!(src instanceof Tensor)) throw new TypeError("scatter_add_(): argument 'src' must be Tensor");
  checkInplace(self);
  if (needsGrad([self, src])) return inplaceWithGrad(self, (old) => scatterOutOfPlace('scatter_add', old, dim, index, src, Reduce.add));
  scatterRaw('scatter_add', self, dim, index, src, Reduce.add);
  return self;
}

// ---- indexSelect, indexAdd --------------------------------------------------------------

/** index_select / index_add take a vector (or 0-d) of int64 (int32 is read as int64). */
function vectorIndex(op: string, index: unknown): Tensor {
  checkIndexTensor(index, op);
  if (index.dim() > 1) throw new TensorError(`${op}(): Index is supposed to be a vector`);
  if (index.dtype !== int64 && index.dtype !== int32) throw new TensorError(`${op}(): Expected dtype int32 or int64 for index`);
  return index.dtype === int64 ? index : index.to(int64);
}

/** The index operand walks along `dim` only. */
function alongDimStrides(index: Tensor, rank: number, dim: number): number[] {
  const stride = index._shape.length === 0 ? 0 : index._strides[0];
  return Array.from({ length: Math.max(rank, 1) }, (_, k) => (k === dim ? stride : 0));
}

export function indexSelect(input: Tensor, dim: number, index: Tensor, opts?: OutOpts): Tensor {
  const d = input.wrapDim(dim);
  const idx = vectorIndex('index_select', index);
  const shape = input._shape.length === 0 ? [] : input._shape.map((s, k) => (k === d ? idx.numel() : s));
  if (input._shape.length === 0 && idx.numel() !== 1) throw new TensorError('index_select(): Index to scalar can have only 1 value, got ' + idx.numel() + ' value(s)');
  const result = Tensor.empty(shape, input.dtype);
  launchGather(result, input, withoutDim(input, d), idx, alongDimStrides(idx, input._shape.length, d), {
    size: sizeAt(input, d), stride: input._shape.length === 0 ? 0 : input._strides[d], message: Message.self, dim: d,
  });
  if (needsGrad([input])) {
    const inputShape = input._shape, dtype = input.dtype;
    record('IndexSelectBackward0', [input], [result], (node) => {
      const savedIndex = node.save(idx);
      return ([g]) => [g ? indexAdd(zeros([...inputShape], { dtype }), d, savedIndex.unpack(), g) : null];
    });
  }
  return finish(result, opts?.out, 'index_select');
}

export interface IndexAddOpts extends OutOpts {
  alpha?: number;
}

function indexAddRaw(self: Tensor, dim: number, index: Tensor, source: Tensor, alpha: number): void {
  const d = self.wrapDim(dim);
  const idx = vectorIndex('index_add_', index);
  if (!(source instanceof Tensor)) throw new TypeError("index_add(): argument 'source' must be Tensor");
  if (source.dtype !== self.dtype)
    throw new TensorError(`index_add_(): self (${scalarTypeNames[self.dtype.name]}) and source (${scalarTypeNames[source.dtype.name]}) must have the same scalar type`);
  if (rankOf(source) !== rankOf(self)) throw new TensorError('index_add_(): Source/destination tensor must have same slice shapes.');
  if (idx.numel() !== sizeAt(source, d))
    throw new TensorError(`index_add_(): Number of indices (${idx.numel()}) should be equal to source.size(dim) (${sizeAt(source, d)})`);
  // Slices (the dims other than `dim`) must agree; PyTorch reports the slice's dim.
  for (let k = 0; k < source._shape.length; k++) {
    if (k !== d && source._shape[k] !== self._shape[k])
      throw new TensorError(`The size of tensor a (${self._shape[k]}) must match the size of tensor b (${source._shape[k]}) at non-singleton dimension ${k < d ? k : k - 1}`);
  }
  assertNoInternalOverlap(self);
  let src = alpha === 1 ? source : noGrad(() => mul(source, alpha).to(self.dtype));
  if (src._storage === self._storage) src = src.clone();
  launchScatter(source._shape, self, withoutDim(self, d), src, loopStrides(src), idx, alongDimStrides(idx, source._shape.length, d), Reduce.add, {
    size: sizeAt(self, d), stride: self._shape.length === 0 ? 0 : self._strides[d], message: Message.self, dim: d,
  });
}

function indexAddOutOfPlace(input: Tensor, dim: number, index: Tensor, source: Tensor, alpha: number): Tensor {
  const result = noGrad(() => {
    const r = input.clone();
    indexAddRaw(r, dim, index, source, alpha);
    return r;
  });
  if (needsGrad([input, source])) {
    const d = input.wrapDim(dim);
    record('IndexAddBackward0', [input, source], [result], (node) => {
      const savedIndex = node.save(index.dtype === int64 ? index : index.to(int64));
      return ([g]) => {
        if (!g) return [null, null];
        let gs = indexSelect(g, d, savedIndex.unpack());
        if (source._shape.length === 0) gs = gs.reshape([]);
        return [g, alpha === 1 ? gs : mul(gs, alpha)];
      };
    });
  }
  return result;
}

const alphaOf = (opts: IndexAddOpts | number | undefined): number => (typeof opts === 'number' ? opts : opts?.alpha ?? 1);

export function indexAdd(input: Tensor, dim: number, index: Tensor, source: Tensor, opts?: IndexAddOpts | number): Tensor {
  const out = typeof opts === 'object' ? opts.out : undefined;
  return finish(indexAddOutOfPlace(input, dim, index, source, alphaOf(opts)), out, 'index_add');
}

export function indexAdd_(self: Tensor, dim: number, index: Tensor, source: Tensor, opts?: IndexAddOpts | number): Tensor {
  checkInplace(self);
  const alpha = alphaOf(opts);
  if (needsGrad([self, source])) return inplaceWithGrad(self, (old) => indexAddOutOfPlace(old, dim, index, source, alpha));
  indexAddRaw(self, dim, index, source, alpha);
  return self;
}

// ---- take -------------------------------------------------------------------------------

export function take(input: Tensor, index: Tensor, opts?: OutOpts): Tensor {
  checkIndexTensor(index, 'take');
  if (index.dtype !== int64) throw new TensorError(`take(): Expected a long tensor for index, but got ${scalarTypeNames[index.dtype.name]}`);
  const n = input.numel();
  if (n === 0 && index.numel() > 0) throw new TensorError('take(): tried to take from an empty tensor');
  const flat = input.reshape(-1);
  const result = Tensor.empty(index._shape, input.dtype);
  launchGather(result, flat, loopShape(index._shape).map(() => 0), index, loopStrides(index), {
    size: n, stride: flat._strides[0] ?? 1, message: Message.take, dim: 0,
  });
  if (needsGrad([input])) {
    const shape = input._shape, dtype = input.dtype;
    record('TakeBackward0', [input], [result], (node) => {
      const savedIndex = node.save(index);
      return ([g]) => {
        if (!g) return [null];
        const idx = savedIndex.unpack().reshape(-1);
        const wrapped = where(lt(idx, 0), add(idx, n), idx);
        return [indexAdd(zeros([n], { dtype }), 0, wrapped, g.reshape(-1)).reshape([...shape])];
      };
    });
  }
  return finish(result, opts?.out, 'take');
}

// ---- registry ---------------------------------------------------------------------------

defineOp({ name: 'gather', kind: 'index', fn: gather, method: true, backwardName: 'GatherBackward0' });
defineOp({ name: 'scatter', kind: 'index', fn: scatter, method: true, inplace: scatter_, backwardName: 'ScatterBackward0' });
defineOp({ name: 'scatterAdd', kind: 'index', fn: scatterAdd, method: true, inplace: scatterAdd_, backwardName: 'ScatterAddBackward0' });
defineOp({ name: 'indexSelect', kind: 'index', fn: indexSelect, method: true, backwardName: 'IndexSelectBackward0' });
defineOp({ name: 'indexAdd', kind: 'index', fn: indexAdd, method: true, inplace: indexAdd_, backwardName: 'IndexAddBackward0' });
defineOp({ name: 'take', kind: 'index', fn: take, method: true, backwardName: 'TakeBackward0' });

type Value = Tensor | Scalar;
declare module '../tensor' {
  interface Tensor {
    gather(dim: number, index: Tensor, opts?: OutOpts & { sparseGrad?: boolean }): Tensor;
    scatter(dim: number, index: Tensor, value: Value, opts?: ScatterOpts): Tensor;
    scatter_(dim: number, index: Tensor, value: Value, opts?: ScatterOpts): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor, opts?: OutOpts): Tensor;
    scatterAdd_(dim: number, index: Tensor, src: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor, opts?: OutOpts): Tensor;
    indexAdd(dim: number, index: Tensor, source: Tensor, opts?: IndexAddOpts | number): Tensor;
    indexAdd_(dim: number, index: Tensor, source: Tensor, opts?: IndexAddOpts | number): Tensor;
    take(index: Tensor, opts?: OutOpts): Tensor;
  }
}

export type { DType };
