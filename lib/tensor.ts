/**
 * The Tensor: metadata (shape, strides, offset, dtype, device) over a Storage. Ops are
 * declared in lib/ops/ and installed on the prototype by the registry; this file keeps
 * what every op needs: metadata access, element access, copies and conversions.
 */
import { DType, TypedArray, bool, float32, float64, int32, int64, parseDType, isDType } from './dtype';
import { Device, cpu, parseDevice, CUDA_UNAVAILABLE, isDeviceLike } from './device';
import { TensorError, check } from './errors';
import { Size, makeSize, contiguousStrides, numelOf, reorderDims, stridesInOrder } from './size';
import { Storage } from './storage';
import { native, writeLoop } from './native';
import { modeState } from './autograd/grad-mode';
import { Node, record, needsGrad, refreshView } from './autograd/node';
import type { TensorHook } from './autograd/node';
import { MemoryFormat, stridesForFormat, isContiguousAs, suggestFormat, contiguousFormat, preserveFormat, parseMemoryFormat } from './memory-format';

export type Scalar = number | boolean | bigint;
export type NestedList = Scalar | NestedList[];

export interface ToOptions {
  dtype?: DType;
  device?: Device | string;
  memoryFormat?: MemoryFormat;
  copy?: boolean;
}

export class Tensor {
  _storage: Storage;
  /** Plain array internally (cheap); `shape` wraps it in a Size on first use. */
  _shape: readonly number[];
  _sizeCache: Size | null = null; // reset by whoever reassigns _shape (checkOut)
  _strides: readonly number[];
  _offset: number;
  readonly dtype: DType;
  readonly device: Device = cpu;
  /** Set by autograd (lib/autograd): the node that made this tensor, or null for a leaf. */
  gradFn: Node | null = null;
  /** The gradient (`grad` reads and writes it; tensorgrad's own code uses this field). */
  _grad: Tensor | null = null;
  /**
   * `_grad` is a buffer autograd made that no code outside tensorgrad has been handed (not
   * read through `grad`, not given to a custom optimizer): zeroGrad may then give its
   * memory back at once, as PyTorch frees a gradient when its last reference goes, and the
   * next backward's gradient reuses the warm block instead of new memory.
   */
  _gradPrivate = false;
  get grad(): Tensor | null {
    this._gradPrivate = false;
    return this._grad;
  }
  set grad(g: Tensor | null) {
    // `x.grad = null` drops a private gradient as zeroGrad does: nothing else can hold it,
    // so its memory goes back at once, as PyTorch frees it with its last reference. Else a
    // loop that clears .grad by hand left each step's gradient for V8's major collection
    // (it had lived through the step, so the scavenges had promoted it), and the next
    // backward faulted in new pages: conv A's 25.7 MB input gradient, ~8% of fwd+bwd.
    const old = this._grad;
    if (this._gradPrivate && old !== null && old !== g) old._storage.recycle();
    this._gradPrivate = false;
    this._grad = g;
  }
  _requiresGrad = false;
  /** Which output of gradFn this tensor is. */
  _outputNr = 0;
  /** Made in inference mode: may not be saved for backward or changed in place outside it. */
  _inference = modeState.inference;
  /** Python scalars promoted to 0-d tensors take part in type promotion as numbers. */
  _wrappedNumber = false;
  /** For a view: the tensor whose storage it views (autograd rebases in-place ops through it). */
  _base: Tensor | null = null;
  /** For a view made by a view op: its base's gradFn when this view's gradFn was set; a base
   * changed in place since then regenerates it (lib/autograd/node.ts, staleView). */
  _viewOf: Node | null | undefined = undefined;

  constructor(storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, dtype: DType) {
    this._storage = storage;
    this._shape = shape;
    this._strides = strides;
    this._offset = offset;
    this.dtype = dtype;
  }

  /** A new tensor with fresh (uninitialised) pooled memory. */
  static empty(shape: readonly number[], dtype: DType, memoryFormat: MemoryFormat = contiguousFormat): Tensor {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0)
        throw new TensorError(`Trying to create tensor with negative dimension ${d}: [${shape.join(', ')}]`);
    }
    const storage = Storage.allocate(numelOf(shape) * dtype.itemsize);
    return new Tensor(storage, shape, stridesForFormat(shape, memoryFormat), 0, dtype);
  }

  /** An empty tensor laid out with the given strides' dimension order (dense). */
  static emptyStrided(shape: readonly number[], strides: readonly number[], dtype: DType): Tensor {
    const storage = Storage.allocate(numelOf(shape) * dtype.itemsize);
    return new Tensor(storage, shape, strides, 0, dtype);
  }

  // ---- metadata -------------------------------------------------------------------
  get shape(): Size {
    return (this._sizeCache ??= makeSize(this._shape));
  }
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    if (dim === undefined) return this.shape;
    return this._shape[this.wrapDim(dim)];
  }
  dim(): number {
    return this._shape.length;
  }
  get ndim(): number {
    return this._shape.length;
  }
  numel(): number {
    return numelOf(this._shape);
  }
  nelement(): number {
    return this.numel();
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return [...this._strides];
    return this._strides[this.wrapDim(dim)];
  }
  storageOffset(): number {
    return this._offset;
  }
  elementSize(): number {
    return this.dtype.itemsize;
  }
  get isCuda(): boolean {
    return false;
  }
  isFloatingPoint(): boolean {
    return this.dtype.isFloatingPoint;
  }
  isComplex(): boolean {
    return false;
  }
  get _version(): number {
    return this._storage.version;
  }
  isContiguous(opts?: { memoryFormat?: MemoryFormat }): boolean {
    return isContiguousAs(this._shape, this._strides, opts?.memoryFormat ?? contiguousFormat);
  }
  isShared(): boolean {
    return this._storage.isShared;
  }
  /** Moves this tensor's storage (and so every view of it) into shared memory; see lib/transfer.ts. */
  shareMemory_(): this {
    this._storage.moveToShared();
    return this;
  }

  get requiresGrad(): boolean {
    if (this._viewOf !== undefined) refreshView(this);
    return this._requiresGrad;
  }
  set requiresGrad(value: boolean) {
    if (value && !this.dtype.isFloatingPoint)
      throw new TensorError('only Tensors of floating point dtype can require gradients');
    if (!value && this.gradFn !== null)
      throw new TensorError(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    this._requiresGrad = value;
  }
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Normalises a possibly negative dimension, with PyTorch's error. */
  wrapDim(dim: number, rank = this._shape.length): number {
    if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new TypeError(`dim must be an integer, got ${String(dim)}`);
    const r = rank === 0 ? 1 : rank;
    if (dim < -r || dim >= r)
      throw new TensorError(`Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`);
    return dim < 0 ? dim + r : dim;
  }

  // ---- memory ---------------------------------------------------------------------
  /** A typed array over this contiguous tensor's memory (no copy). */
  data(): TypedArray {
    this._storage.assertAlive();
    check(this.isContiguous(), 'data() needs a contiguous tensor: call contiguous() first');
    const bytes = this._storage.expose();
    const ArrayType = this.dtype.arrayType;
    // An empty view may carry an offset past the end of its storage, as in PyTorch.
    if (this.numel() === 0) return new ArrayType(new ArrayBuffer(0), 0, 0);
    return new ArrayType(bytes.buffer, bytes.byteOffset + this._offset * this.dtype.itemsize, this.numel());
  }

  /** Releases the memory at once (optional); this tensor and its views are unusable after. */
  dispose(): void {
    this._storage.dispose();
  }

  /**
   * `using y = a.add(b);` disposes y when its block ends. In a hot loop this hands the
   * memory back warm for the next result, where an unreferenced tensor waits for V8's
   * next scavenge (after ~32 MB of new buffers) and the next result lands on cold memory.
   */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The elements in logical (row-major) order, as a typed array (a copy if needed). */
  _contiguousData(): TypedArray {
    return (this.isContiguous() ? this : this.contiguous()).data();
  }

  item(): number | boolean {
    if (this.numel() !== 1)
      throw new TensorError('only one element tensors can be converted to Python scalars');
    return elementToJs(this._contiguousData(), 0, this.dtype);
  }

  tolist(): NestedList {
    const flat = this._contiguousData();
    const dtype = this.dtype;
    const shape = this._shape;
    let position = 0;
    const build = (dim: number): NestedList => {
      if (dim === shape.length) return elementToJs(flat, position++, dtype);
      const out: NestedList[] = [];
      for (let i = 0; i < shape[dim]; i++) out.push(build(dim + 1));
      return out;
    };
    return build(0);
  }

  // ---- copies and conversions -----------------------------------------------------
  /** Copies `src` (broadcast to this shape, any dtype) into this tensor. */
  copy_(src: Tensor | Scalar): this {
    if (!(src instanceof Tensor)) return this.fill_(src);
    checkInplace(this);
    if (needsGrad([this, src])) {
      const srcShape = src._shape;
      const dtype = src.dtype;
      // The old value is overwritten: no gradient flows to it; src gets the gradient summed
      // back over the dims copy_ broadcast it along.
      const backward = () => ([g]: (Tensor | null)[]) => [null, g ? sumTo(g, srcShape).to(dtype) : null];
      if (this._base !== null) {
        // Through a view: the base's node becomes CopySlices (lib/autograd/inplace.ts).
        return inplaceWithGradImpl(this, (old) => {
          const out = emptyLikeLayout(old, old.dtype, preserveFormat);
          rawCopy(out, src);
          record('CopyBackwards', [old, src], [out], backward);
          return out;
        }) as this;
      }
      rawCopy(this, src);
      record('CopyBackwards', [this, src], [this], backward);
      return this;
    }
    rawCopy(this, src);
    return this;
  }

  fill_(value: Scalar | Tensor): this {
    if (value instanceof Tensor) {
      check(value.dim() === 0, `fill_ only supports 0-dimension value tensor but got tensor with ${value.dim()} dimensions.`);
      return this.copy_(value);
    }
    checkInplace(this);
    this._storage.assertAlive();
    // In the graph, the old value gets no gradient (PyTorch's FillBackward2 / ZeroBackward0).
    if (needsGrad([this])) return inplaceWithGradImpl(this, (old) => filledLike(old, value, 'FillBackward2')) as this;
    writeLoop(this._shape, [{ dtype: this.dtype, offset: this._offset, strides: this._strides }]);
    native.fill(this._storage.bytes, scalarToNumber(value));
    this._storage.version++;
    return this;
  }

  zero_(): this {
    if (needsGrad([this])) {
      checkInplace(this);
      return inplaceWithGradImpl(this, (old) => filledLike(old, 0, 'ZeroBackward0')) as this;
    }
    return this.fill_(0);
  }

  /** A dense copy with the given memory format (preserveFormat keeps dense strides). */
  clone(opts?: { memoryFormat?: MemoryFormat }): Tensor {
    const format = opts?.memoryFormat ?? preserveFormat;
    const out = emptyLikeLayout(this, this.dtype, format);
    rawCopy(out, this);
    if (needsGrad([this])) record('CloneBackward0', [this], [out], () => ([g]) => [g]);
    return out;
  }

  contiguous(opts?: { memoryFormat?: MemoryFormat }): Tensor {
    const format = opts?.memoryFormat ?? contiguousFormat;
    if (this.isContiguous({ memoryFormat: format })) return this;
    return this.clone({ memoryFormat: format });
  }

  /** to(dtype) / to(device) / to({ dtype, device, memoryFormat, copy }) / to(other). */
  to(arg: DType | Device | string | ToOptions | Tensor, opts?: ToOptions): Tensor {
    let o: ToOptions;
    if (arg instanceof Tensor) o = { dtype: arg.dtype, device: arg.device, ...opts };
    else if (isDType(arg)) o = { dtype: arg, ...opts };
    else if (arg instanceof Device || typeof arg === 'string') {
      if (typeof arg === 'string' && !isDeviceLike(arg)) o = { dtype: parseDType(arg), ...opts };
      else o = { device: arg, ...opts };
    } else o = { ...arg, ...opts };
    if (o.device !== undefined) parseDevice(o.device);
    const dtype = o.dtype ? parseDType(o.dtype) : this.dtype;
    const format = o.memoryFormat ? parseMemoryFormat(o.memoryFormat) : preserveFormat;
    // PyTorch's to_will_alias: the suggested format decides, not isContiguous (an NCHW
    // (N,1,1,W) tensor is both, yet to(channels_last) copies it to channels_last strides).
    const formatOk = format === preserveFormat || suggestFormat(this._shape, this._strides) === format;
    if (dtype === this.dtype && formatOk && !o.copy) return this;
    const out = emptyLikeLayout(this, dtype, format);
    rawCopy(out, this);
    if (needsGrad([this]) && dtype.isFloatingPoint) {
      const from = this.dtype;
      record('ToCopyBackward0', [this], [out], () => ([g]) => [g ? g.to(from) : null]);
    }
    return out;
  }
  float(): Tensor { return this.to(float32); }
  double(): Tensor { return this.to(float64); }
  long(): Tensor { return this.to(int64); }
  int(): Tensor { return this.to(int32); }
  bool(): Tensor { return this.to(bool); }
  type(dtype?: DType | string): Tensor | string {
    if (dtype === undefined) return `torch.${typeNames[this.dtype.name]}`;
    return this.to(parseDType(dtype));
  }
  cpu(): Tensor { return this; }
  cuda(): Tensor { throw new TensorError(CUDA_UNAVAILABLE); }

  /** A tensor on the same memory, cut from the graph (shares the version counter). */
  detach(): Tensor {
    return new Tensor(this._storage, this._shape, this._strides, this._offset, this.dtype);
  }
  detach_(): this {
    this.gradFn = null;
    this._requiresGrad = false;
    return this;
  }

  // ---- autograd ---------------------------------------------------------------------
  backward(gradient?: Tensor | null | BackwardOpts, opts?: BackwardOpts): void {
    if (gradient !== null && gradient !== undefined && !(gradient instanceof Tensor)) {
      opts = gradient;
      gradient = undefined;
    }
    backwardImpl(this, gradient ?? null, opts ?? {});
  }
  /** Keeps .grad on a non-leaf after backward, as PyTorch's retain_grad. */
  retainGrad(): void {
    if (!this._requiresGrad) throw new TensorError("can't retain_grad on Tensor that has requires_grad=False");
    if (this.gradFn === null || this._retainsGrad) return;
    this._retainsGrad = true;
    this.gradFn.addPreHook(this._outputNr, (g) => {
      this._grad = this._grad ? this._grad.add(g) : g.detach().clone();
    });
  }
  get retainsGrad(): boolean {
    return this._retainsGrad === true;
  }
  /** Calls fn with the gradient of this tensor during backward; a returned tensor replaces it. */
  registerHook(fn: TensorHook): { remove(): void } {
    if (!this._requiresGrad) throw new TensorError("cannot register a hook on a tensor that doesn't require gradient");
    let active = true;
    const wrapped: TensorHook = (g) => (active ? fn(g) : undefined);
    if (this.gradFn) this.gradFn.addPreHook(this._outputNr, wrapped);
    else {
      const e = edgeOfLeaf(this);
      e.addPreHook(0, wrapped);
    }
    return { remove: () => { active = false; } };
  }
  isInference(): boolean {
    return this._inference;
  }

  /** Makes this tensor object take over `other`'s memory and layout (out= resizing, Module.to). */
  _takeStorageOf(other: Tensor): void {
    this._storage = other._storage;
    this._shape = other._shape;
    this._sizeCache = null;
    this._strides = other._strides;
    this._offset = other._offset;
  }

  /** A view with new metadata on the same storage. */
  _view(shape: readonly number[], strides: readonly number[], offset = this._offset): Tensor {
    return new Tensor(this._storage, shape, strides, offset, this.dtype);
  }
}

export interface BackwardOpts {
  retainGraph?: boolean;
  createGraph?: boolean;
  inputs?: Tensor | Tensor[];
}

/** Installed by lib/autograd/engine.ts (which imports this file). */
let backwardImpl: (t: Tensor, gradient: Tensor | null, opts: BackwardOpts) => void = () => {
  throw new TensorError('autograd engine not loaded');
};
let edgeOfLeaf: (t: Tensor) => Node = () => {
  throw new TensorError('autograd engine not loaded');
};
export function installAutograd(backward: typeof backwardImpl, leafNode: typeof edgeOfLeaf): void {
  backwardImpl = backward;
  edgeOfLeaf = leafNode;
}

const typeNames: Record<string, string> = {
  float32: 'FloatTensor', float64: 'DoubleTensor', int32: 'IntTensor', int64: 'LongTensor',
  int16: 'ShortTensor', int8: 'CharTensor', uint8: 'ByteTensor', bool: 'BoolTensor',
};

export function scalarToNumber(v: Scalar): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'number') throw new TypeError(`expected a number, got ${typeof v}`);
  return v;
}

export function elementToJs(data: TypedArray, i: number, dtype: DType): number | boolean {
  const v = data[i];
  if (dtype === bool) return v !== 0;
  return typeof v === 'bigint' ? Number(v) : v;
}

/** Copies src (broadcast, cast) into dst with no autograd bookkeeping. */
export function rawCopy(dst: Tensor, src: Tensor): void {
  dst._storage.assertAlive();
  src._storage.assertAlive();
  const srcStrides = broadcastStridesTo(src, dst._shape, 'copy_');
  writeLoop(dst._shape, [{ dtype: dst.dtype, offset: dst._offset, strides: dst._strides }, { dtype: src.dtype, offset: src._offset, strides: srcStrides }]);
  native.copy(dst._storage.bytes, src._storage.bytes);
  dst._storage.version++;
}

const VIEW_MADE_IN_NO_GRAD =
  "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).";

/** PyTorch's refusals for in-place writes: leaves that require grad, inference tensors. */
export function checkInplace(t: Tensor): void {
  t._storage.assertAlive();
  if (modeState.gradEnabled) {
    if (t._requiresGrad && t.gradFn === null && t._base === null)
      throw new TensorError('a leaf Variable that requires grad is being used in an in-place operation.');
    const base = t._base;
    if (base !== null && base._requiresGrad && base.gradFn === null)
      throw new TensorError('a view of a leaf Variable that requires grad is being used in an in-place operation.');
    if (base !== null && base._requiresGrad && t._viewMadeInNoGrad) throw new TensorError(VIEW_MADE_IN_NO_GRAD);
  }
  if (t._inference && !modeState.inference)
    throw new TensorError(
      'Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.',
    );
}

/** Set by lib/autograd/inplace.ts (it needs view ops, which load after this file). */
let inplaceWithGradImpl: (self: Tensor, compute: (old: Tensor) => Tensor) => Tensor = () => {
  throw new TensorError('autograd engine not loaded');
};
export function setInplaceWithGrad(fn: typeof inplaceWithGradImpl): void {
  inplaceWithGradImpl = fn;
}

/** A new tensor like `old` holding `value`, recorded as `name` (its input gets no gradient). */
function filledLike(old: Tensor, value: Scalar, name: string): Tensor {
  const out = emptyLikeLayout(old, old.dtype, preserveFormat);
  out.fill_(value);
  record(name, [old], [out], () => () => [null]);
  return out;
}

/** Set by lib/autograd/grad-utils (it needs reductions, which load after this file). */
let sumTo: (g: Tensor, shape: readonly number[]) => Tensor = (g) => g;
export function setSumTo(fn: typeof sumTo): void {
  sumTo = fn;
}

/** Strides of `t` broadcast to `shape` (0 where t has size 1 or no dim), with PyTorch's error. */
export function broadcastStridesTo(t: Tensor, shape: readonly number[], op = 'expand'): number[] {
  const out = new Array<number>(shape.length).fill(0);
  const lead = shape.length - t._shape.length;
  if (lead < 0)
    throw new TensorError(
      `${op}: the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${t._shape.length})`,
    );
  // From the last dim, as ATen's infer_expand_geometry: the innermost mismatch is reported.
  for (let d = t._shape.length - 1; d >= 0; d--) {
    const size = t._shape[d];
    const target = shape[lead + d];
    if (size === target) out[lead + d] = size === 1 ? 0 : t._strides[d];
    else if (size === 1) out[lead + d] = 0;
    else
      throw new TensorError(
        `The expanded size of the tensor (${target}) must match the existing size (${size}) at non-singleton dimension ${lead + d}.  Target sizes: [${shape.join(', ')}].  Tensor sizes: [${t._shape.join(', ')}]`,
      );
  }
  return out;
}

/** An uninitialised tensor shaped like `t` in the layout `format` asks for. */
export function emptyLikeLayout(t: Tensor, dtype: DType, format: MemoryFormat): Tensor {
  if (format === preserveFormat) {
    const strides = denseStridesLike(t._shape, t._strides);
    return Tensor.emptyStrided(t._shape, strides, dtype);
  }
  return Tensor.empty(t._shape, dtype, format);
}

/**
 * Strides for a new tensor like one with `strides` (PyTorch's preserve_format, as
 * empty_like / clone / _to_copy): a dense non-overlapping layout is kept as it is;
 * otherwise ATen's infer_dense_strides keeps the input's order of dimensions (a sliced
 * channels_last tensor clones to channels_last).
 */
export function denseStridesLike(shape: readonly number[], strides: readonly number[]): number[] {
  if (isDenseNonOverlapping(shape, strides)) return [...strides];
  return inferDenseStrides(shape, strides);
}

/**
 * ATen's infer_dense_strides: dims sorted innermost-first by stride with TensorIterator's
 * stable insertion sort (a zero stride is ambiguous and stays put; equal strides put the
 * smaller size inside), then dense strides in that order (size-1 dims do not multiply).
 */
export function inferDenseStrides(shape: readonly number[], strides: readonly number[]): number[] {
  const n = shape.length;
  if (n === 0) return [];
  if (n === 1) return [1];
  const shouldSwap = (d0: number, d1: number): number => {
    const s0 = strides[d0], s1 = strides[d1];
    if (s0 === 0 || s1 === 0) return 0;
    if (s0 !== s1) return s0 < s1 ? -1 : 1;
    return shape[d0] > shape[d1] ? 1 : 0;
  };
  return stridesInOrder(shape, reorderDims(n, shouldSwap));
}

export function isDenseNonOverlapping(shape: readonly number[], strides: readonly number[]): boolean {
  const dims = shape.map((_, i) => i).filter((i) => shape[i] !== 1);
  dims.sort((a, b) => strides[a] - strides[b]);
  let expected = 1;
  for (const d of dims) {
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

export { contiguousStrides };
