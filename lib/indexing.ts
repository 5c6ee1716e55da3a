/**
 * Python's indexing (API.md §2): `t.index(...idx)` is `t[idx]`, `t.indexPut_(idx, v)` is
 * `t[idx] = v`, with PyTorch 1.13's rules. The walk over the index list follows
 * torch/csrc/autograd/python_variable_indexing.cpp and ATen/TensorIndexing.h: numbers,
 * slices, '...' and null only restride (the result is a view); index tensors, masks and
 * bools are collected per dimension and handled as ATen's index / index_put_
 * (ATen/native/TensorAdvancedIndexing.cpp): masks become their nonzero() coordinates, the
 * index tensors broadcast together, and the native kernel gathers or scatters (a copy).
 *
 * Two choices of API.md differ from 1.13: int32 index tensors are read as int64 (1.13
 * rejects them), and a value tensor of another dtype is cast (1.13's index_put_ rejects
 * it). More than one '...' is an error, as in NumPy (1.13 accepts it and moves on by the
 * ellipsis' width each time).
 */
import { DType, bool, int32, int64, uint8 } from './dtype';
import { TensorError } from './errors';
import { native, writeLoop } from './native';
import { Operand, outputStrides, scalarOperand, tensorAsOperand, tensorOperand } from './ops/operands';
import { defineOp } from './ops/registry';
import { computeViewStrides, expand, makeView, permute, reshape, scatterInto, select, unsqueeze } from './ops/shape';
import { needsGrad, record } from './autograd/node';
import { noGrad } from './autograd/grad-mode';
import { inplaceWithGrad } from './autograd/inplace';
import { sumToSize } from './autograd/grad-utils';
import { broadcastShapesOf } from './promotion';
import { contiguousStrides, numelOf } from './size';
import { Tensor, Scalar, isDenseNonOverlapping, scalarToNumber, checkInplace } from './tensor';
import { tensor as tensorFromList, full, zeros } from './creation';

/** A JS array index: read as one index tensor, as Python reads a list (int64 unless all bools). */
export type IndexList = readonly (number | boolean | IndexList)[];
/** One entry of `t.index(...)`: number, 'start:stop:step', '...', null, bool, tensor or array. */
export type IndexArg = number | string | null | boolean | Tensor | IndexList;

declare module './tensor' {
  interface Tensor {
    /** Python's `t[...]`: a view for numbers, slices, '...' and null; a copy with index tensors. */
    index(...indices: IndexArg[]): Tensor;
    /** Python's `t[...] = value` (or index_put_ with accumulate); returns this tensor. */
    indexPut_(indices: readonly IndexArg[], value: Tensor | Scalar, accumulate?: boolean): Tensor;
    /** Out of place index_put: a copy of this tensor with the values written. */
    indexPut(indices: readonly IndexArg[], value: Tensor | Scalar, accumulate?: boolean): Tensor;
    nonzero(opts?: { asTuple?: false }): Tensor;
    nonzero(opts: { asTuple: true }): Tensor[];
    argwhere(): Tensor;
  }
}

// ---- parsing the index list ----------------------------------------------------------

type Index =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number }
  | { kind: 'ellipsis' }
  | { kind: 'none' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'tensor'; tensor: Tensor };

const INVALID_INDEX = 'only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices';
const SLICE = /^\s*([+-]?\d+)?\s*:\s*([+-]?\d+)?\s*(?::\s*([+-]?\d+)?\s*)?$/;

function isMask(t: Tensor): boolean {
  return t.dtype === bool || t.dtype === uint8;
}

function isSliceString(arg: IndexArg): arg is string {
  return typeof arg === 'string' && SLICE.test(arg);
}

function parseSlice(text: string): Index {
  const m = SLICE.exec(text);
  if (m === null) throw new TensorError(`${INVALID_INDEX} (got str)`);
  const int = (s: string | undefined): number | null => (s === undefined ? null : Number(s));
  const step = int(m[3]) ?? 1;
  // Python raises this while unpacking the slice, before PyTorch sees it.
  if (step === 0) throw new TensorError('slice step cannot be zero');
  return { kind: 'slice', start: int(m[1]), stop: int(m[2]), step };
}

/** Leaves of a JS array index decide its dtype, as torch.tensor(list) for an index does. */
function allBooleans(list: IndexList): boolean {
  let leaves = 0;
  const walk = (l: IndexList): boolean => l.every((v) => (Array.isArray(v) ? walk(v as IndexList) : (leaves++, typeof v === 'boolean')));
  return walk(list) && leaves > 0;
}

function listToTensor(list: IndexList): Tensor {
  return tensorFromList(list as unknown as Scalar[], { dtype: allBooleans(list) ? bool : int64 });
}

function tensorToIndex(t: Tensor): Index {
  // A 0-d integer tensor selects like a number (a view); a 0-d mask acts as True/False
  // (handleDimInMultiDimIndexing).
  if (t.dim() === 0 && !t.dtype.isFloatingPoint) {
    return isMask(t) ? { kind: 'bool', value: Boolean(t.item()) } : { kind: 'int', value: Number(t.item()) };
  }
  if (t.dtype === int32) return { kind: 'tensor', tensor: t.to(int64) };
  return { kind: 'tensor', tensor: t };
}

function parseIndex(arg: IndexArg): Index {
  if (arg === null) return { kind: 'none' };
  if (typeof arg === 'boolean') return { kind: 'bool', value: arg };
  if (typeof arg === 'number') {
    if (!Number.isInteger(arg)) throw new TensorError(`${INVALID_INDEX} (got float)`);
    return { kind: 'int', value: arg };
  }
  if (typeof arg === 'string') return arg === '...' ? { kind: 'ellipsis' } : parseSlice(arg);
  if (arg instanceof Tensor) return tensorToIndex(arg);
  if (Array.isArray(arg)) return { kind: 'tensor', tensor: listToTensor(arg) };
  throw new TypeError(`${INVALID_INDEX} (got ${typeof arg})`);
}

/**
 * The dims an index list consumes (count_specified_dimensions): a mask covers its own
 * dims, '...', null and bools none, anything else one. Arrays count as the tensor they make.
 */
function specifiedDims(args: readonly IndexArg[]): number {
  let count = 0;
  for (const arg of args) {
    if (arg instanceof Tensor) count += isMask(arg) ? arg.dim() : 1;
    else if (Array.isArray(arg)) count += allBooleans(arg) ? arrayRank(arg) : 1;
    else if (arg !== null && arg !== '...' && typeof arg !== 'boolean') count++;
  }
  return count;
}

function arrayRank(list: IndexList): number {
  return Array.isArray(list[0]) ? 1 + arrayRank(list[0] as IndexList) : 1;
}

// ---- basic indexing: views -----------------------------------------------------------


/** applySelect: bounds are checked against the index's position in the list (real_dim). */
function selectIndex(t: Tensor, dim: number, index: number, realDim: number): Tensor {
  if (index === 0 && dim === 0 && t.dim() === 0)
    throw new TensorError(
      'invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number',
    );
  // PyTorch reads a size of 0 past a 0-d tensor's (empty) shape.
  const size = dim < t.dim() ? t._shape[dim] : 0;
  if (!(size >= -index && size > index))
    throw new TensorError(`index ${index} is out of bounds for dimension ${realDim} with size ${size}`);
  return select(t, dim, index);
}

/** at::slice: negative bounds wrap once, then clamp to [0, size] (Python's slicing). */
function sliceIndex(t: Tensor, dim: number, s: { start: number | null; stop: number | null; step: number }): Tensor {
  if (s.step <= 0) throw new TensorError('step must be greater than zero');
  if (t.dim() === 0) throw new TensorError('slice() cannot be applied to a 0-dim tensor.');
  const size = t._shape[dim];
  let start = s.start ?? 0;
  let stop = s.stop ?? size;
  if (start < 0) start += size;
  if (stop < 0) stop += size;
  start = Math.min(Math.max(start, 0), size);
  stop = Math.min(Math.max(stop, start), size);
  const shape = [...t._shape], strides = [...t._strides];
  shape[dim] = Math.ceil((stop - start) / s.step);
  strides[dim] *= s.step;
  const backward = scatterInto(t._shape, t.dtype, (z) => sliceIndex(z, dim, s));
  return makeView(t, shape, strides, t._offset + start * t._strides[dim], 'SliceBackward0', backward);
}

/** Python's True/False index: an int64 index [0] or [] on a new size-1 dim (boolToIndexingTensor). */
function boolIndexTensor(value: boolean): Tensor {
  return value ? full([1], 0, { dtype: int64 }) : Tensor.empty([0], int64);
}

interface Sliced {
  /** The tensor after the basic indices: a view of the indexed one. */
  view: Tensor;
  /** The advanced index of each dim of `view` (null: not indexed); empty when there are none. */
  indices: (Tensor | null)[];
}

/**
 * applySlicing: walks the list with a cursor `dim` into the result so far. A number removes
 * its dim (the cursor stays), a slice keeps it, null inserts one, '...' skips the dims
 * nothing else names, and a tensor or bool is recorded at the cursor and moves it by one,
 * even for a multi-dim mask (so a later index lands inside the mask's dims, as in 1.13).
 */
function applySlicing(self: Tensor, args: readonly IndexArg[]): Sliced {
  // t[3] and t[1:2] skip the dimension count (get_item's single-index path), which is why a
  // 0-d tensor gets select's and slice's own errors for them.
  const single = args.length === 1 && ((typeof args[0] === 'number' && Number.isInteger(args[0])) || isSliceString(args[0]));
  const specified = specifiedDims(args);
  if (!single && specified > self.dim()) throw new TensorError(`too many indices for tensor of dimension ${self.dim()}`);
  if (args.filter((a) => a === '...').length > 1) throw new TensorError("an index can only have a single ellipsis ('...')");
  let view = self;
  let dim = 0;
  const indices: (Tensor | null)[] = [];
  const record = (t: Tensor): void => {
    while (indices.length < dim) indices.push(null);
    indices[dim++] = t;
  };
  args.forEach((arg, realDim) => {
    const index = parseIndex(arg);
    switch (index.kind) {
      case 'int': view = selectIndex(view, dim, index.value, realDim); break;
      case 'slice': view = sliceIndex(view, dim++, index); break;
      case 'ellipsis': dim += self.dim() - specified; break;
      case 'none': view = unsqueeze(view, dim++); break;
      case 'bool': view = unsqueeze(view, dim); record(boolIndexTensor(index.value)); break;
      case 'tensor': record(index.tensor); break;
    }
  });
  // t[...] and t[()] still return a new tensor object (at::alias).
  if (view === self) view = makeView(self, self._shape, self._strides, self._offset, 'AliasBackward0', (g) => g);
  return { view, indices };
}

// ---- advanced indexing: the plan the native kernels run ------------------------------

const MAX_INDEX_TENSORS = 6;

/** An advanced index laid out for the kernels (ATen's AdvancedIndex). */
interface AdvancedIndex {
  /** The result's shape: dims before the indexed ones, the broadcast index shape, dims after. */
  shape: number[];
  /** The indexed tensor restrided over `shape` (stride 0 on the index dims). */
  src: Operand;
  /** The int64 index tensors over `shape`, one per indexed dim. */
  indices: Operand[];
  /** [size, stride] of each indexed dim of the source, in order. */
  extra: number[];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkIndexTypes(indices: readonly (Tensor | null)[]): void {
  for (const t of indices) {
    if (t !== null && t.dtype !== int64 && !isMask(t))
      throw new TensorError('tensors used as indices must be long, byte or bool tensors');
  }
}

/** expandTensors: a k-dim mask becomes k index tensors (its nonzero() columns). */
function expandMasks(self: Tensor, indices: readonly (Tensor | null)[]): (Tensor | null)[] {
  const out: (Tensor | null)[] = [];
  for (const index of indices) {
    if (index === null || !isMask(index)) {
      out.push(index);
      continue;
    }
    for (let j = 0; j < index.dim(); j++) {
      const srcIdx = out.length + j;
      if (index._shape[j] !== self.size(srcIdx))
        throw new TensorError(
          `The shape of the mask [${index._shape.join(', ')}] at index ${j} does not match the shape of the indexed tensor [${self._shape.join(', ')}] at index ${srcIdx}`,
        );
    }
    const coords = nonzeroCoordinates(index);
    for (let j = 0; j < index.dim(); j++) out.push(select(coords, 1, j));
  }
  return out;
}

/**
 * PyTorch's expand geometry (inferExpandGeometry): a new leading dim of size 1 takes the
 * stride of the dim after it times that dim's size; a broadcast dim gets stride 0.
 */
function expandIndex(t: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(t._shape, shape)) return t;
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = i - (shape.length - t.dim());
    const size = d >= 0 ? t._shape[d] : 1;
    const stride = d >= 0 ? t._strides[d] : i + 1 < shape.length ? shape[i + 1] * strides[i + 1] : 1;
    strides[i] = size === shape[i] ? stride : 0;
  }
  return t._view(shape, strides, t._offset);
}

/** expand_outplace over the defined index tensors, with index's own message on a mismatch. */
function broadcastIndices(indices: readonly (Tensor | null)[]): (Tensor | null)[] {
  const defined = indices.filter((t): t is Tensor => t !== null);
  let shape: number[];
  try {
    shape = broadcastShapesOf(...defined.map((t) => t._shape));
  } catch {
    throw new TensorError(
      `shape mismatch: indexing tensors could not be broadcast together with shapes ${defined.map((t) => `[${t._shape.join(', ')}]`).join(', ')}`,
    );
  }
  return indices.map((t) => (t === null ? null : expandIndex(t, shape)));
}

function isContiguousSubspace(indices: readonly (Tensor | null)[]): boolean {
  const first = indices.findIndex((t) => t !== null);
  let last = -1;
  indices.forEach((t, i) => t !== null && (last = i));
  return indices.slice(first, last + 1).every((t) => t !== null);
}

/**
 * Gathers everything index / index_put_ need (make_info + AdvancedIndex): masks expanded,
 * index tensors broadcast, and when they are not adjacent the indexed dims are moved to
 * the front (transposeToFront), which is where their broadcast shape then goes.
 */
function makeAdvancedIndex(self: Tensor, raw: readonly (Tensor | null)[]): AdvancedIndex {
  checkIndexTypes(raw);
  let indices = broadcastIndices(expandMasks(self, raw));
  while (indices.length < self.dim()) indices.push(null);
  let src = self;
  if (!isContiguousSubspace(indices)) {
    const order = [...indices.keys()].sort((a, b) => Number(indices[a] === null) - Number(indices[b] === null));
    src = permute(self, order);
    indices = order.map((d) => indices[d]);
  }
  const first = indices.findIndex((t) => t !== null);
  const defined = indices.filter((t): t is Tensor => t !== null);
  // The kernels take the source, the output and at most 6 index tensors (kMaxOperands = 8).
  if (defined.length > MAX_INDEX_TENSORS)
    throw new TensorError(
      `indexing with more than ${MAX_INDEX_TENSORS} index tensors (a mask counts one per dim) is not supported, got ${defined.length}`,
    );
  const replacement = [...defined[0]._shape];
  const end = first + defined.length;
  const indexedSizes = src._shape.slice(first, end);
  if (indexedSizes.includes(0) && !replacement.includes(0))
    throw new TensorError('index is out of bounds for dimension with size 0');
  const shape = [...src._shape.slice(0, first), ...replacement, ...src._shape.slice(end)];
  const srcStrides = [...src._strides.slice(0, first), ...replacement.map(() => 0), ...src._strides.slice(end)];
  const extra = indexedSizes.flatMap((size, k) => [size, src._strides[first + k]]);
  const indexShape = shape.map((d, i) => (i >= first && i < first + replacement.length ? d : 1));
  return {
    shape,
    src: { ...tensorAsOperand(src), strides: srcStrides },
    indices: defined.map((t) => indexOperand(t, indexShape, shape)),
    extra,
  };
}

/**
 * An index tensor reshaped to [1.., index shape, 1..] (reshape_indexer), with the strides
 * TensorIterator reads it by: a size-1 dim broadcast to a larger one reads stride 0.
 */
function indexOperand(t: Tensor, indexShape: readonly number[], shape: readonly number[]): Operand {
  const viewStrides = computeViewStrides(t._shape, t._strides, indexShape) ?? contiguousStrides(indexShape);
  const strides = viewStrides.map((s, d) => (indexShape[d] === 1 && shape[d] !== 1 ? 0 : s));
  return { ...tensorAsOperand(t), strides };
}

function gather(self: Tensor, raw: readonly (Tensor | null)[]): Tensor {
  const info = makeAdvancedIndex(self, raw);
  const strides = outputStrides(info.shape, [info.src.strides, ...info.indices.map((o) => o.strides)]);
  const out = Tensor.emptyStrided(info.shape, strides, self.dtype);
  if (out.numel() === 0) return out;
  writeLoop(info.shape, [tensorAsOperand(out), info.src, ...info.indices], info.extra);
  native.indexGather(out._storage.bytes, info.src.bytes, info.indices.length, self.dtype.code, ...info.indices.map((o) => o.bytes));
  return out;
}

// ---- t.index(...) --------------------------------------------------------------------

export function index(self: Tensor, ...args: IndexArg[]): Tensor {
  const { view, indices } = applySlicing(self, args);
  if (indices.length === 0) return view;
  const out = gather(view, indices);
  if (needsGrad([view])) {
    // IndexBackward0: the gradient is scattered back, adding where indices repeat.
    const shape = view._shape, dtype = view.dtype;
    record('IndexBackward0', [view], [out], () => ([g]) => [
      g ? noGrad(() => { const z = zeros([...shape], { dtype }); scatter(z, indices, g, true); return z; }) : null,
    ]);
  }
  return out;
}

// ---- t.indexPut_(...) ----------------------------------------------------------------

/** slicePrefix1sSize: leading size-1 dims of a value are dropped before broadcasting. */
function dropLeadingOnes(t: Tensor): Tensor {
  let k = 0;
  while (k < t.dim() && t._shape[k] === 1) k++;
  if (k === 0) return t;
  // In the graph, as a recorded view, so the value still gets its gradient.
  return t._requiresGrad ? reshape(t, t._shape.slice(k)) : t._view(t._shape.slice(k), t._strides.slice(k), t._offset);
}

/** at::indexing::copy_to: equal shapes copy, a 0-d value fills, else the value expands. */
function copyTo(dst: Tensor, value: Tensor | Scalar): void {
  if (!(value instanceof Tensor)) dst.fill_(value);
  else if (sameShape(dst._shape, value._shape)) dst.copy_(value);
  else if (value.dim() === 0) dst.fill_(value);
  else dst.copy_(expand(dropLeadingOnes(value), [...dst._shape]));
}

/** accumulate over basic indices only: the view += value (ATen's index_put_ has no such case). */
function accumulateInto(dst: Tensor, value: Tensor | Scalar): void {
  const v = value instanceof Tensor ? value.to(dst.dtype) : full([], value, { dtype: dst.dtype });
  dst.add_(v.dim() === 0 || sameShape(v._shape, dst._shape) ? v : expand(dropLeadingOnes(v), [...dst._shape]));
}

function isExpandableTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((d, i) => d === 1 || d === target[lead + i]);
}

type Overlap = 'no' | 'full' | 'partial' | 'tooHard';

/** get_overlap_status: only dense tensors on one storage are compared, by element range. */
function overlapStatus(a: Tensor, b: Tensor): Overlap {
  if (a.numel() === 0 || b.numel() === 0) return 'no';
  if (!isDenseNonOverlapping(a._shape, a._strides) || !isDenseNonOverlapping(b._shape, b._strides)) return 'tooHard';
  if (a._storage !== b._storage) return 'no';
  const aEnd = a._offset * a.dtype.itemsize + a.numel() * a.dtype.itemsize;
  const bEnd = b._offset * b.dtype.itemsize + b.numel() * b.dtype.itemsize;
  const aBegin = a._offset * a.dtype.itemsize, bBegin = b._offset * b.dtype.itemsize;
  if (aBegin === bBegin && aEnd === bEnd) return sameShape(a._strides, b._strides) ? 'full' : 'partial';
  return aBegin < bEnd && bBegin < aEnd ? 'partial' : 'no';
}

/**
 * index_put_'s assert_no_overlap between the written tensor and the value. Where PyTorch
 * cannot tell ('too hard': a strided value on the same storage) the value is copied first,
 * so the kernel never reads what it already wrote.
 */
function valueWithoutOverlap(dst: Tensor, value: Tensor): Tensor {
  const status = overlapStatus(dst, value);
  if (status === 'full' || status === 'partial')
    throw new TensorError(
      'unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.',
    );
  return status === 'tooHard' && dst._storage === value._storage ? value.clone() : value;
}

/**
 * canDispatchToMaskedFill: without accumulate, a lone mask with a one-element value is a
 * masked_fill_, which reads the value as a number first (so it may alias the target).
 */
function isMaskedFill(indices: readonly (Tensor | null)[], value: Tensor, accumulate: boolean): boolean {
  const defined = indices.filter((t): t is Tensor => t !== null);
  return !accumulate && value.numel() === 1 && defined.length === 1 && isMask(defined[0]);
}

function valueOperand(value: Tensor | Scalar, dtype: DType, shape: readonly number[]): Operand {
  if (value instanceof Tensor) return tensorOperand(value, dtype, shape, 'index_put_');
  // A number becomes a value of the tensor's dtype first (valueToTensor), so 2.7 is True in a bool tensor.
  const v = dtype === bool ? scalarToNumber(value) !== 0 : value;
  return scalarOperand(v, dtype, shape.length);
}

/** index_put_ over the advanced indices of `dst` (a view after the basic indices). */
function scatter(dst: Tensor, raw: readonly (Tensor | null)[], value: Tensor | Scalar, accumulate: boolean): void {
  let v: Tensor | Scalar = value instanceof Tensor ? dropLeadingOnes(value) : value;
  if (v instanceof Tensor) v = isMaskedFill(raw, v, accumulate) ? v.item() : valueWithoutOverlap(dst, v);
  const info = makeAdvancedIndex(dst, raw);
  const valueShape = v instanceof Tensor ? v._shape : [];
  if (!isExpandableTo(valueShape, info.shape))
    throw new TensorError(
      `shape mismatch: value tensor of shape [${valueShape.join(', ')}] cannot be broadcast to indexing result of shape [${info.shape.join(', ')}]`,
    );
  if (numelOf(info.shape) > 0) {
    const values = valueOperand(v, dst.dtype, info.shape);
    writeLoop(info.shape, [info.src, values, ...info.indices], info.extra);
    native.indexPut(info.src.bytes, values.bytes, accumulate, info.indices.length, dst.dtype.code, ...info.indices.map((o) => o.bytes));
  }
  dst._storage.version++;
}

export function indexPut_(self: Tensor, args: readonly IndexArg[], value: Tensor | Scalar, accumulate = false): Tensor {
  checkInplace(self);
  // Python's setitem shortcuts: t[False] = v does nothing, t[True] = v writes t.unsqueeze(0).
  if (args.length === 1 && args[0] === false) return self;
  const { view, indices } = args.length === 1 && args[0] === true ? { view: unsqueeze(self, 0), indices: [] } : applySlicing(self, args);
  // Basic indices only write through a view: copy_/fill_/add_ record that (CopySlices).
  if (indices.length > 0) {
    if (needsGrad([self, value])) return indexPutWithGrad(self, args, value, accumulate);
    scatter(view, indices, value, accumulate);
  } else if (accumulate) accumulateInto(view, value);
  else copyTo(view, value);
  return self;
}

/**
 * indexPut_ in the graph (IndexPutBackward0, rebased as any in-place op, CopySlices through
 * views): self's gradient is g with the written places zeroed (kept when accumulating);
 * the value's is g at those places, summed back to the value's shape.
 */
function indexPutWithGrad(self: Tensor, args: readonly IndexArg[], value: Tensor | Scalar, accumulate: boolean): Tensor {
  return inplaceWithGrad(self, (old) => indexPutRecorded(old, args, value, accumulate));
}

/** The out-of-place index_put of `old` in the graph, as one IndexPutBackward0 node. */
function indexPutRecorded(old: Tensor, args: readonly IndexArg[], value: Tensor | Scalar, accumulate: boolean): Tensor {
  const out = noGrad(() => indexPut_(old.clone(), args, value, accumulate));
  record('IndexPutBackward0', [old, value], [out], () => ([g]) => {
    if (!g) return [null, null];
    const forSelf = accumulate ? g : indexPut(g, args, 0);
    if (!(value instanceof Tensor) || !value._requiresGrad) return [forSelf, null];
    // The value may carry leading 1-dims the indexing result lacks (setitem drops them).
    const picked = index(g, ...args);
    const core = value._shape.slice(Math.max(0, value._shape.length - picked._shape.length));
    const summed = sumToSize(picked, core).reshape([...value._shape]);
    return [forSelf, summed.dtype === value.dtype ? summed : summed.to(value.dtype)];
  });
  return out;
}

export function indexPut(self: Tensor, args: readonly IndexArg[], value: Tensor | Scalar, accumulate = false): Tensor {
  // torch.index_put records one node over self and the value (no CloneBackward0 between).
  if (needsGrad([self, value])) return indexPutRecorded(self, args, value, accumulate);
  return indexPut_(self.clone(), args, value, accumulate);
}

// ---- nonzero / argwhere --------------------------------------------------------------

/** The [count, ndim] int64 coordinates, column-major as PyTorch's CPU nonzero (gh-46224). */
function nonzeroCoordinates(t: Tensor): Tensor {
  const input = tensorAsOperand(t);
  writeLoop(t._shape, [input]);
  const count = native.nonzero(input.bytes) as number;
  const out = Tensor.emptyStrided([count, t.dim()], [1, count], int64);
  if (out.numel() === 0) return out;
  const rows = Tensor.empty([count, t.dim()], int64);
  writeLoop(t._shape, [input]);
  native.nonzero(input.bytes, rows._storage.bytes);
  return out.copy_(rows);
}

export function nonzero(t: Tensor, opts?: { asTuple?: false }): Tensor;
export function nonzero(t: Tensor, opts: { asTuple: true }): Tensor[];
export function nonzero(t: Tensor, opts: { asTuple?: boolean } = {}): Tensor | Tensor[] {
  if (!opts.asTuple) return nonzeroCoordinates(t);
  // nonzero_numpy: a 0-d input counts as 1-d; the columns are views of the coordinates (unbind(1)).
  const coords = nonzeroCoordinates(t.dim() === 0 ? unsqueeze(t, 0) : t);
  return Array.from({ length: coords._shape[1] }, (_, j) => select(coords, 1, j));
}

export function argwhere(t: Tensor): Tensor {
  return nonzeroCoordinates(t);
}

defineOp({ name: 'index', kind: 'index', method: index, backwardName: 'IndexBackward0' });
defineOp({ name: 'indexPut', kind: 'index', fn: indexPut, method: indexPut, inplace: indexPut_, backwardName: 'IndexPutBackward0' });
defineOp({ name: 'nonzero', kind: 'index', fn: nonzero, method: nonzero });
defineOp({ name: 'argwhere', kind: 'index', fn: argwhere, method: argwhere });
