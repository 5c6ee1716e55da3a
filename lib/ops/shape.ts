/**
 * View ops (API.md §2): each computes new shape/strides/offset over the same storage, so
 * writing through a view writes the base; no native call. reshape/flatten copy only
 * when no view exists, as PyTorch.
 */
import { parseTrailing } from '../args';
import type { PositionalThenOptions } from '../nn/layers/constructor-args';
import { TensorError, check } from '../errors';
import { numelOf, contiguousStrides } from '../size';
import { Tensor, broadcastStridesTo, checkInplace } from '../tensor';
import { defineOp } from './registry';
import { needsGrad, record } from '../autograd/node';
import { modeState, noGrad } from '../autograd/grad-mode';
import { sumToSize } from '../autograd/grad-utils';
import { zeros } from '../creation';

export type ViewGrad = (g: Tensor) => Tensor;

/**
 * A view of `base` sharing its storage; when autograd records, `backward` (the view's
 * derivative, PyTorch's node `name`) maps the view's gradient back to the base's shape.
 */
export function makeView(base: Tensor, shape: readonly number[], strides: readonly number[], offset = base._offset, name?: string, backward?: ViewGrad): Tensor {
  const v = base._view(shape, strides, offset);
  v._base = base._base ?? base;
  // PyTorch refuses to write through such a view later with grad on (checkInplace).
  if (base._requiresGrad && !modeState.gradEnabled) v._viewMadeInNoGrad = true;
  // Tracked for regeneration after in-place writes to the base (not views made with grad off).
  if (modeState.gradEnabled) v._viewOf = v._base.gradFn;
  if (needsGrad([base])) {
    if (!name || !backward) throw new TensorError(`the derivative for this view of a tensor that requires grad is not implemented yet`);
    record(name, [base], [v], () => ([g]) => [g ? backward(g) : null]);
  }
  return v;
}

/**
 * Gradient of a slicing view: zeros shaped like the input with the view's region set to g.
 * Under create_graph the copy records (CopySlices), so higher-order gradients flow through.
 */
export function scatterInto(inputShape: readonly number[], dtype: Tensor['dtype'], slice: (z: Tensor) => Tensor): ViewGrad {
  return (g) => {
    const z = zeros([...inputShape], { dtype });
    slice(z).copy_(g);
    return z;
  };
}

function dimsArg(args: (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as number[])];
  return args as number[];
}

/** Resolves one -1 in a requested shape, with PyTorch's messages. */
export function inferSize(shape: readonly number[], numel: number): number[] {
  const out = [...shape];
  let inferred = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === -1) {
      if (inferred >= 0) throw new TensorError('only one dimension can be inferred');
      inferred = i;
    } else if (!Number.isInteger(out[i]) || out[i] < 0) throw new TensorError(`invalid shape dimension ${out[i]}`);
    else known *= out[i];
  }
  if (inferred >= 0) {
    if (known === 0 || numel % known !== 0)
      throw new TensorError(`shape '[${shape.join(', ')}]' is invalid for input of size ${numel}`);
    out[inferred] = numel / known;
  } else if (known !== numel) throw new TensorError(`shape '[${shape.join(', ')}]' is invalid for input of size ${numel}`);
  return out;
}

/** ATen's computeStride: strides viewing (shape, strides) as newShape, or null if impossible. */
export function computeViewStrides(shape: readonly number[], strides: readonly number[], newShape: readonly number[]): number[] | null {
  if (shape.length === 0) return new Array<number>(newShape.length).fill(1);
  const numel = numelOf(shape);
  if (numel === 0) return shape.length === newShape.length && shape.every((d, i) => d === newShape[i]) ? [...strides] : contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBaseStride = strides[strides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = shape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= shape[tensorD];
    if (tensorD === 0 || (shape[tensorD - 1] !== 1 && strides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = strides[tensorD - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

export function view(t: Tensor, ...shapeArgs: (number | readonly number[])[]): Tensor {
  const shape = inferSize(dimsArg(shapeArgs), t.numel());
  const strides = computeViewStrides(t._shape, t._strides, shape);
  if (strides === null)
    throw new TensorError(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  const inputShape = t._shape;
  return makeView(t, shape, strides, t._offset, 'ViewBackward0', (g) => g.reshape([...inputShape]));
}

export function reshape(t: Tensor, ...shapeArgs: (number | readonly number[])[]): Tensor {
  const shape = inferSize(dimsArg(shapeArgs), t.numel());
  const strides = computeViewStrides(t._shape, t._strides, shape);
  const inputShape = t._shape;
  if (strides !== null) return makeView(t, shape, strides, t._offset, 'ReshapeAliasBackward0', (g) => g.reshape([...inputShape]));
  // No view exists: copy, then view the copy (PyTorch's clone + _unsafe_view).
  const copy = t.contiguous();
  const cs = computeViewStrides(copy._shape, copy._strides, shape) as number[];
  const out = copy._view(shape, cs, copy._offset);
  if (needsGrad([copy])) record('UnsafeViewBackward0', [copy], [out], () => ([g]) => [g ? g.reshape([...inputShape]) : null]);
  return out;
}

export interface FlattenOptions {
  startDim?: number;
  endDim?: number;
}
export interface DiagonalOptions {
  offset?: number;
  dim1?: number;
  dim2?: number;
}

export function flatten(t: Tensor, ...rest: PositionalThenOptions<[startDim: number, endDim: number], FlattenOptions>): Tensor {
  const { startDim = 0, endDim = -1 } = parseTrailing(rest, ['startDim', 'endDim']) as FlattenOptions;
  if (t.dim() === 0) return reshape(t, [1]);
  const s = t.wrapDim(startDim), e = t.wrapDim(endDim);
  if (s > e) throw new TensorError('flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return t;
  const shape = [...t._shape.slice(0, s), numelOf(t._shape.slice(s, e + 1)), ...t._shape.slice(e + 1)];
  return reshape(t, shape);
}

export function unflatten(t: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = t.wrapDim(dim);
  check(sizes.length > 0, 'unflatten: sizes must be non-empty');
  const inner = inferSize(sizes, t._shape[d]);
  return view(t, [...t._shape.slice(0, d), ...inner, ...t._shape.slice(d + 1)]);
}

export function squeeze(t: Tensor, dim?: number | readonly number[]): Tensor {
  if (dim !== undefined && typeof dim !== 'number' && !Array.isArray(dim))
    throw new TypeError(`squeeze(): argument 'dim' must be int or tuple of ints, not ${typeof dim}`);
  const dims = dim === undefined ? null : new Set((typeof dim === 'number' ? [dim] : dim).map((d) => t.wrapDim(d)));
  const shape: number[] = [], strides: number[] = [];
  for (let d = 0; d < t.dim(); d++) {
    if (t._shape[d] === 1 && (dims === null || dims.has(d))) continue;
    shape.push(t._shape[d]);
    strides.push(t._strides[d]);
  }
  const inputShape = t._shape;
  return makeView(t, shape, strides, t._offset, dim === undefined ? 'SqueezeBackward0' : 'SqueezeBackward1', (g) => g.reshape([...inputShape]));
}

export function unsqueeze(t: Tensor, dim: number): Tensor {
  const d = t.wrapDim(dim, t.dim() + 1);
  const shape = [...t._shape], strides = [...t._strides];
  const stride = d >= t.dim() ? 1 : t._shape[d] * t._strides[d];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return makeView(t, shape, strides, t._offset, 'UnsqueezeBackward0', (g) => squeeze(g, d));
}

export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  const a = t.wrapDim(dim0), b = t.wrapDim(dim1);
  if (t.dim() === 0) return makeView(t, [], [], t._offset, 'TransposeBackward0', (g) => g);
  const shape = [...t._shape], strides = [...t._strides];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return makeView(t, shape, strides, t._offset, 'TransposeBackward0', (g) => transpose(g, a, b));
}

export function tT(t: Tensor): Tensor {
  if (t.dim() > 2) throw new TensorError(`t() expects a tensor with <= 2 dimensions, but self is ${t.dim()}D`);
  if (t.dim() < 2) return makeView(t, t._shape, t._strides, t._offset, 'TBackward0', (g) => g);
  return makeView(t, [t._shape[1], t._shape[0]], [t._strides[1], t._strides[0]], t._offset, 'TBackward0', (g) => tT(g));
}

export function permute(t: Tensor, ...dimArgs: (number | readonly number[])[]): Tensor {
  const dims = dimsArg(dimArgs);
  if (dims.length !== t.dim())
    throw new TensorError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${t.dim()} is not equal to len(dims) = ${dims.length}`);
  const seen = new Set<number>();
  const shape: number[] = [], strides: number[] = [];
  for (const raw of dims) {
    const d = t.wrapDim(raw);
    if (seen.has(d)) throw new TensorError('permute(): duplicate dims are not allowed.');
    seen.add(d);
    shape.push(t._shape[d]);
    strides.push(t._strides[d]);
  }
  const order = [...seen];
  const inverse = order.map((_, i) => order.indexOf(i));
  return makeView(t, shape, strides, t._offset, 'PermuteBackward0', (g) => permute(g, inverse));
}

export function movedim(t: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = (typeof source === 'number' ? [source] : [...source]).map((d) => t.wrapDim(d));
  const dst = (typeof destination === 'number' ? [destination] : [...destination]).map((d) => t.wrapDim(d));
  check(src.length === dst.length, `movedim: Invalid source or destination dims: source (${src.length} dims) should contain the same number of dims as destination (${dst.length} dims)`);
  const order = new Array<number>(t.dim()).fill(-1);
  src.forEach((s, i) => (order[dst[i]] = s));
  const rest = Array.from({ length: t.dim() }, (_, i) => i).filter((d) => !src.includes(d));
  for (let i = 0, r = 0; i < order.length; i++) if (order[i] === -1) order[i] = rest[r++];
  return permute(t, order);
}

export function expand(t: Tensor, ...sizeArgs: (number | readonly number[])[]): Tensor {
  const sizes = dimsArg(sizeArgs);
  const lead = sizes.length - t.dim();
  if (lead < 0)
    throw new TensorError(`expand(${t.type() as string}{[${t._shape.join(', ')}]}, size=[${sizes.join(', ')}]): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${t.dim()})`);
  const shape = sizes.map((s, i) => {
    if (s === -1) {
      if (i < lead) throw new TensorError(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      return t._shape[i - lead];
    }
    return s;
  });
  const strides = broadcastStridesTo(t, shape);
  // A dim that keeps its size keeps its stride, even a size-1 one (PyTorch's expand).
  for (let d = 0; d < t.dim(); d++) if (t._shape[d] === shape[lead + d]) strides[lead + d] = t._strides[d];
  const inputShape = t._shape;
  return makeView(t, shape, strides, t._offset, 'ExpandBackward0', (g) => sumToSize(g, inputShape));
}

export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  for (const [name, v] of [['start', start], ['length', length]] as const)
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`narrow(): argument '${name}' must be int, not ${typeof v === 'number' ? v : typeof v}`);
  const d = t.wrapDim(dim);
  const size = t._shape[d];
  if (t.dim() === 0) throw new TensorError('narrow() cannot be applied to a 0-dim tensor.');
  if (start < -size || start > size)
    throw new TensorError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  const s = start < 0 ? start + size : start;
  if (length < 0) throw new TensorError('narrow(): length must be non-negative.');
  if (s + length > size) throw new TensorError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  const shape = [...t._shape];
  shape[d] = length;
  return makeView(t, shape, t._strides, t._offset + s * t._strides[d], 'SliceBackward0', scatterInto(t._shape, t.dtype, (z) => narrow(z, d, s, length)));
}

export function select(t: Tensor, dim: number, index: number): Tensor {
  if (t.dim() === 0) throw new TensorError('select() cannot be applied to a 0-dim tensor.');
  const d = t.wrapDim(dim);
  const size = t._shape[d];
  if (index < -size || index >= size)
    throw new TensorError(`select(): index ${index} out of range for tensor of size [${t._shape.join(', ')}] at dimension ${d}`);
  const i = index < 0 ? index + size : index;
  const shape = [...t._shape], strides = [...t._strides];
  shape.splice(d, 1);
  strides.splice(d, 1);
  return makeView(t, shape, strides, t._offset + i * t._strides[d], 'SelectBackward0', scatterInto(t._shape, t.dtype, (z) => select(z, d, i)));
}

export function unfold(t: Tensor, dimension: number, size: number, step: number): Tensor {
  const d = t.wrapDim(dimension);
  const dimSize = t.dim() === 0 ? 1 : t._shape[d];
  if (size > dimSize) throw new TensorError(`maximum size for tensor at dimension ${d} is ${dimSize} but size is ${size}`);
  if (step <= 0) throw new TensorError(`step is ${step} but must be > 0`);
  const shape = [...t._shape], strides = [...t._strides];
  if (t.dim() === 0) return makeView(t, [size], [1], t._offset, 'UnfoldBackward0', (g) => g.reshape([]));
  shape[d] = Math.floor((dimSize - size) / step) + 1;
  strides[d] = t._strides[d] * step;
  shape.push(size);
  strides.push(t._strides[d]);
  const inputShape = [...t._shape], dtype = t.dtype, windows = shape[d];
  // Windows may overlap: each one's gradient is added into its span of the input (in place
  // on views of a zero tensor, which records CopySlices under create_graph).
  return makeView(t, shape, strides, t._offset, 'UnfoldBackward0', (g) => {
    const z = zeros(inputShape, { dtype });
    for (let i = 0; i < windows; i++) narrow(z, d, i * step, size).add_(movedim(select(g, d, i), -1, d));
    return z;
  });
}

export function diagonal(t: Tensor, ...rest: PositionalThenOptions<[offset: number, dim1: number, dim2: number], DiagonalOptions>): Tensor {
  const { offset = 0, dim1 = 0, dim2 = 1 } = parseTrailing(rest, ['offset', 'dim1', 'dim2']) as DiagonalOptions;
  const a = t.wrapDim(dim1), b = t.wrapDim(dim2);
  if (a === b) throw new TensorError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  let size: number;
  let start = t._offset;
  if (offset >= 0) {
    size = Math.max(Math.min(t._shape[a], t._shape[b] - offset), 0);
    if (size > 0) start += offset * t._strides[b];
  } else {
    size = Math.max(Math.min(t._shape[a] + offset, t._shape[b]), 0);
    if (size > 0) start -= offset * t._strides[a];
  }
  const shape: number[] = [], strides: number[] = [];
  for (let d = 0; d < t.dim(); d++) {
    if (d === a || d === b) continue;
    shape.push(t._shape[d]);
    strides.push(t._strides[d]);
  }
  shape.push(size);
  strides.push(t._strides[a] + t._strides[b]);
  return makeView(t, shape, strides, start, 'DiagonalBackward0', scatterInto(t._shape, t.dtype, (z) => diagonal(z, offset, a, b)));
}

export function asStrided(t: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
  const offset = storageOffset ?? t._offset;
  check(size.length === stride.length, `mismatch in length of strides and shape`);
  for (const s of stride) if (s < 0) throw new TensorError('as_strided: Negative strides are not supported at the moment, got strides: [' + stride.join(', ') + ']');
  if (offset < 0) throw new TensorError(`Tensor: invalid storage offset ${offset}`);
  let needed = numelOf(size) === 0 ? 0 : offset + 1 + size.reduce((acc, n, i) => acc + (n - 1) * stride[i], 0);
  const available = t._storage.byteLength / t.dtype.itemsize;
  if (needed > available) {
    needed *= t.dtype.itemsize;
    throw new TensorError(
      `setStorage: sizes [${size.join(', ')}], strides [${stride.join(', ')}], storage offset ${offset}, and itemsize ${t.dtype.itemsize} requiring a storage size of ${needed} are out of bounds for storage of size ${t._storage.byteLength}`,
    );
  }
  const inShape = [...t._shape], inStrides = [...t._strides], inOffset = t._offset;
  const outSize = [...size], outStride = [...stride];
  return makeView(t, outSize, outStride, offset, 'AsStridedBackward0', (g) => asStridedBackward(g, inShape, inStrides, inOffset, outSize, outStride, offset));
}

/** Last storage element a geometry reaches (offset - 1 when it reaches none). */
function lastElement(shape: readonly number[], strides: readonly number[], offset: number): number {
  return numelOf(shape) === 0 ? offset - 1 : offset + shape.reduce((acc, n, i) => acc + (n - 1) * strides[i], 0);
}

/** No two indices of the geometry reach the same element. */
function nonOverlapping(shape: readonly number[], strides: readonly number[]): boolean {
  const dims = shape.map((_, i) => i).filter((i) => shape[i] > 1).sort((a, b) => strides[a] - strides[b]);
  let reach = 0;
  for (const d of dims) {
    if (strides[d] <= reach) return false;
    reach += (shape[d] - 1) * strides[d];
  }
  return true;
}

/**
 * as_strided's derivative: the gradient is laid into a zero buffer spanning both
 * geometries at the output's places, then read back at the input's (written with view
 * ops, so create_graph works). PyTorch also handles overlapping geometries by summing and
 * averaging; those are refused here.
 */
function asStridedBackward(g: Tensor, inShape: number[], inStrides: number[], inOffset: number, size: number[], stride: number[], offset: number): Tensor {
  if (!nonOverlapping(size, stride) || !nonOverlapping(inShape, inStrides))
    throw new TensorError('the derivative of asStrided with overlapping input or output elements is not implemented');
  const lo = Math.min(inOffset, offset);
  const hi = Math.max(lastElement(inShape, inStrides, inOffset), lastElement(size, stride, offset));
  const buffer = zeros([hi - lo + 1], { dtype: g.dtype });
  asStrided(buffer, size, stride, offset - lo).copy_(g);
  return asStrided(buffer, inShape, inStrides, inOffset - lo);
}

// ---- in-place view ops: squeeze_, unsqueeze_, transpose_, t_, asStrided_ ----------------

/**
 * An in-place view op: `self` takes the geometry `viewOp` gives it (which also checks the
 * arguments, with its messages), over the same storage. As in PyTorch it counts as a write
 * (leaves that require grad are refused, the version moves) and in the graph `self` gets
 * node `name` over its old node, whose derivative maps back to the old geometry.
 */
function restride(self: Tensor, name: string, viewOp: (t: Tensor) => Tensor, backward: ViewGrad): Tensor {
  checkInplace(self);
  const v = noGrad(() => viewOp(self));
  self._shape = v._shape;
  self._strides = v._strides;
  self._offset = v._offset;
  self._sizeCache = null;
  self._storage.version++;
  if (needsGrad([self])) {
    // record() reads self's old edge before making self its output.
    record(name, [self], [self], () => ([g]) => [g ? backward(g) : null]);
    if (self._base !== null && self._viewOf !== undefined) self._viewOf = self._base.gradFn;
  }
  return self;
}

export function squeeze_(self: Tensor, dim?: number | readonly number[]): Tensor {
  const inputShape = [...self._shape];
  return restride(self, dim === undefined ? 'SqueezeBackward2' : 'SqueezeBackward3', (t) => squeeze(t, dim), (g) => g.reshape(inputShape));
}

export function unsqueeze_(self: Tensor, dim: number): Tensor {
  const d = self.wrapDim(dim, self.dim() + 1);
  return restride(self, 'UnsqueezeBackward1', (t) => unsqueeze(t, d), (g) => squeeze(g, d));
}

export function transpose_(self: Tensor, dim0: number, dim1: number): Tensor {
  const a = self.wrapDim(dim0), b = self.wrapDim(dim1);
  return restride(self, 'TransposeBackward1', (t) => transpose(t, a, b), (g) => transpose(g, a, b));
}

export function t_(self: Tensor): Tensor {
  const swaps = self.dim() === 2;
  const viewOp = (t: Tensor): Tensor => {
    if (t.dim() > 2) throw new TensorError(`t_() expects a tensor with <= 2 dimensions, but self is ${t.dim()}D`);
    return tT(t);
  };
  return restride(self, 'TBackward1', viewOp, (g) => (swaps ? tT(g) : g));
}

export function asStrided_(self: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
  const inShape = [...self._shape], inStrides = [...self._strides], inOffset = self._offset;
  const outSize = [...size], outStride = [...stride], offset = storageOffset ?? self._offset;
  return restride(self, 'AsStridedBackward1', (t) => asStrided(t, size, stride, storageOffset), (g) =>
    asStridedBackward(g, inShape, inStrides, inOffset, outSize, outStride, offset),
  );
}

defineOp({ name: 'view', kind: 'view', method: view, backwardName: 'ViewBackward0' });
defineOp({ name: 'viewAs', kind: 'view', method: (t: Tensor, other: Tensor) => view(t, other._shape) });
defineOp({ name: 'reshape', kind: 'view', fn: reshape, method: reshape, backwardName: 'ReshapeAliasBackward0' });
defineOp({ name: 'reshapeAs', kind: 'view', method: (t: Tensor, other: Tensor) => reshape(t, other._shape) });
defineOp({ name: 'flatten', kind: 'view', fn: flatten, method: flatten });
defineOp({ name: 'unflatten', kind: 'view', fn: unflatten, method: unflatten });
defineOp({ name: 'squeeze', kind: 'view', fn: squeeze, method: squeeze, inplace: squeeze_, backwardName: 'SqueezeBackward0' });
defineOp({ name: 'unsqueeze', kind: 'view', fn: unsqueeze, method: unsqueeze, inplace: unsqueeze_, backwardName: 'UnsqueezeBackward0' });
defineOp({ name: 'transpose', kind: 'view', fn: transpose, method: transpose, inplace: transpose_, aliases: ['swapaxes', 'swapdims'], backwardName: 'TransposeBackward0' });
defineOp({ name: 't', kind: 'view', fn: tT, method: tT, inplace: t_, backwardName: 'TBackward0' });
defineOp({ name: 'permute', kind: 'view', fn: permute, method: permute, backwardName: 'PermuteBackward0' });
defineOp({ name: 'movedim', kind: 'view', fn: movedim, method: movedim, aliases: ['moveaxis'] });
defineOp({ name: 'expand', kind: 'view', method: expand, backwardName: 'ExpandBackward0' });
defineOp({ name: 'expandAs', kind: 'view', method: (t: Tensor, other: Tensor) => expand(t, other._shape) });
defineOp({ name: 'narrow', kind: 'view', fn: narrow, method: narrow });
defineOp({ name: 'select', kind: 'view', fn: select, method: select, backwardName: 'SelectBackward0' });
defineOp({ name: 'unfold', kind: 'view', method: unfold, backwardName: 'UnfoldBackward0' });
defineOp({ name: 'diagonal', kind: 'view', fn: diagonal, method: diagonal, backwardName: 'DiagonalBackward0' });
defineOp({ name: 'asStrided', kind: 'view', fn: asStrided, method: asStrided, inplace: asStrided_, backwardName: 'AsStridedBackward0' });

// .T reverses all dims; .mT swaps the last two (PyTorch's properties).
Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor) {
    return permute(this, Array.from({ length: this.dim() }, (_, i) => this.dim() - 1 - i));
  },
});
Object.defineProperty(Tensor.prototype, 'mT', {
  get(this: Tensor) {
    if (this.dim() < 2) throw new TensorError('tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.');
    return transpose(this, -2, -1);
  },
});
