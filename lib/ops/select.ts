/**
 * Selection ops composed from native-backed ones (API.md §2): maskedFill(_) (where),
 * maskedSelect (broadcast + mask indexing), tril(_)/triu(_) (where with an index mask),
 * flip (a negative-stride view copied), roll (two slice copies per dim), repeat/tile (an
 * expanded view copied), repeatInterleave (indexSelect with a computed index). Each
 * forward runs without recording and records PyTorch's node, its derivative written in
 * these same ops so that higher orders work.
 */
import { namedArg, type Named } from '../args';
import { bool, int64, uint8 } from '../dtype';
import { TensorError } from '../errors';
import { Tensor, Scalar, checkInplace, rawCopy } from '../tensor';
import { needsGrad, record } from '../autograd/node';
import { noGrad } from '../autograd/grad-mode';
import { arange, full, ones, zeros } from '../creation';
import { broadcastShapes } from '../promotion';
import { index as indexTensor } from '../indexing';
import { defineOp } from './registry';
import { assertNoInternalOverlap, checkOut } from './operands';
import { clamp, ge, gradFor, inplaceWithGrad, le, scalarTypeNames, sub, where } from './pointwise';
import { cumsum, sum } from './reduce';
import { expand, narrow, reshape } from './shape';
import { indexAdd_, indexSelect } from './gather-scatter';

export interface OutOpts {
  out?: Tensor;
}

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Writes a computed result into out= (any dtype), as PyTorch's out variants. */
function finish(result: Tensor, out: Tensor | undefined, name: string): Tensor {
  if (out === undefined) return result;
  checkOut(out, result._shape, result.dtype, name);
  return noGrad(() => out.copy_(result));
}

/** Runs an in-place op as its out-of-place form written back (through the graph when recording). */
function inplace(self: Tensor, outOfPlace: (t: Tensor) => Tensor): Tensor {
  checkInplace(self);
  assertNoInternalOverlap(self);
  if (needsGrad([self])) return inplaceWithGrad(self, outOfPlace);
  const result = noGrad(() => outOfPlace(self));
  rawCopy(self, result);
  return self;
}

// ---- maskedFill, maskedSelect -----------------------------------------------------------

function checkMask(mask: unknown, op: string): asserts mask is Tensor {
  if (!(mask instanceof Tensor)) throw new TypeError(`${op}(): argument 'mask' must be Tensor`);
}

export function maskedFill(input: Tensor, mask: Tensor, value: Tensor | Scalar): Tensor {
  checkMask(mask, 'masked_fill');
  if (mask.dtype !== bool && mask.dtype !== uint8)
    throw new TensorError(`masked_fill_ only supports boolean masks, but got mask with dtype ${scalarTypeNames[mask.dtype.name]}`);
  if (value instanceof Tensor && value.dim() !== 0)
    throw new TensorError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
  broadcastShapes(mask._shape, input._shape); // PyTorch's message (mask first) before any work
  const result = noGrad(() => {
    const fill = value instanceof Tensor ? value.to(input.dtype) : full([], value, { dtype: input.dtype });
    return where(mask.dtype === bool ? mask : mask.to(bool), fill, input);
  });
  if (needsGrad([input, value])) {
    const valueTensor = value instanceof Tensor ? value : null;
    record(valueTensor ? 'MaskedFillBackward1' : 'MaskedFillBackward0', [input, valueTensor], [result], (node) => {
      const savedMask = node.save(mask);
      return ([g]) => {
        if (!g) return [null, null];
        const m = savedMask.unpack();
        const boolMask = m.dtype === bool ? m : m.to(bool);
        const gradValue = valueTensor?._requiresGrad ? sum(where(boolMask, g, 0)).to(valueTensor.dtype) : null;
        return [gradFor(where(boolMask, 0, g), input), gradValue];
      };
    });
  }
  return result;
}

export function maskedFill_(self: Tensor, mask: Tensor, value: Tensor | Scalar): Tensor {
  checkMask(mask, 'masked_fill_');
  const shape = broadcastShapes(self._shape, mask._shape);
  if (!sameShape(shape, self._shape))
    throw new TensorError(`output with shape ${shapeText(self._shape)} doesn't match the broadcast shape ${shapeText(shape)}`);
  checkInplace(self);
  assertNoInternalOverlap(self);
  if (needsGrad([self, value])) return inplaceWithGrad(self, (old) => maskedFill(old, mask, value));
  rawCopy(self, noGrad(() => maskedFill(self, mask, value)));
  return self;
}

export function maskedSelect(input: Tensor, mask: Tensor, opts?: OutOpts): Tensor {
  checkMask(mask, 'masked_select');
  if (mask.dtype !== bool && mask.dtype !== uint8) throw new TensorError('masked_select: expected BoolTensor or ByteTensor for mask');
  const shape = broadcastShapes(mask._shape, input._shape); // mask first, for PyTorch's message
  const boolMask = mask.dtype === bool ? mask : mask.to(bool);
  const result = noGrad(() => {
    if (shape.length === 0) return indexTensor(input.reshape([1]), boolMask.reshape([1]));
    return indexTensor(expand(input, shape), expand(boolMask, shape));
  });
  if (needsGrad([input])) {
    record('MaskedSelectBackward0', [input], [result], (node) => {
      const savedMask = node.save(boolMask);
      return ([g]) => {
        if (!g) return [null];
        const flatMask = expand(savedMask.unpack(), shape).reshape(-1);
        if (g.numel() === 0) return [zeros([...input._shape], { dtype: input.dtype })];
        // Element k of the mask's true positions takes g[k]: the position is the running count.
        const position = clamp(sub(cumsum(flatMask, 0), 1), 0);
        const spread = where(flatMask, indexTensor(g, position), 0).reshape(shape);
        return [gradFor(spread, input)];
      };
    });
  }
  return finish(result, opts?.out, 'masked_select');
}

// ---- tril, triu -------------------------------------------------------------------------

export interface DiagonalOpts extends OutOpts {
  diagonal?: number;
}

function triangle(name: 'tril' | 'triu', input: Tensor, diagonalArg?: number | DiagonalOpts, maybeOpts?: DiagonalOpts): Tensor {
  const opts: DiagonalOpts = typeof diagonalArg === 'object' ? diagonalArg : { ...maybeOpts, diagonal: diagonalArg ?? maybeOpts?.diagonal };
  const diagonal = opts.diagonal ?? 0;
  if (input._shape.length === 0) throw new TensorError('Dimension specified as -2 but tensor has no dimensions');
  input.wrapDim(-2);
  const rows = input._shape[input._shape.length - 2], cols = input._shape[input._shape.length - 1];
  const result = noGrad(() => {
    // keep[i, j]: j - i <= diagonal (tril) or >= diagonal (triu), broadcast over the batch.
    const offset = sub(arange(cols, { dtype: int64 }), arange(rows, { dtype: int64 }).reshape([rows, 1]));
    const keep = name === 'tril' ? le(offset, diagonal) : ge(offset, diagonal);
    return where(keep, input, full([], 0, { dtype: input.dtype }));
  });
  if (needsGrad([input])) {
    record(name === 'tril' ? 'TrilBackward0' : 'TriuBackward0', [input], [result], () => ([g]) => [g ? triangle(name, g, diagonal) : null]);
  }
  return finish(result, opts.out, name);
}

export const tril = (input: Tensor, diagonal?: number | DiagonalOpts, opts?: DiagonalOpts): Tensor => triangle('tril', input, diagonal, opts);
export const triu = (input: Tensor, diagonal?: number | DiagonalOpts, opts?: DiagonalOpts): Tensor => triangle('triu', input, diagonal, opts);
const tril_ = (self: Tensor, diagonal?: number | DiagonalOpts): Tensor => inplace(self, (t) => triangle('tril', t, diagonal));
const triu_ = (self: Tensor, diagonal?: number | DiagonalOpts): Tensor => inplace(self, (t) => triangle('triu', t, diagonal));

// ---- flip, roll -------------------------------------------------------------------------

function dimList(input: Tensor, dims: number | readonly number[]): number[] {
  const list = (typeof dims === 'number' ? [dims] : [...dims]).map((d) => input.wrapDim(d));
  const seen = new Set<number>();
  for (const d of list) {
    if (seen.has(d)) throw new TensorError(`dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return list;
}

export function flip(input: Tensor, ...dimsArg: (number | readonly number[])[]): Tensor {
  const dims = dimList(input, dimsArg.length === 1 ? dimsArg[0] : (dimsArg as number[]));
  // A view that walks the flipped dims backwards, copied into a new tensor.
  const strides = [...input._strides];
  let offset = input._offset;
  for (const d of dims) {
    if (d >= input._shape.length || input._shape[d] === 0) continue; // a 0-d tensor's dim 0 has nothing to flip
    offset += (input._shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  const result = Tensor.empty(input._shape, input.dtype);
  if (result.numel() > 0) rawCopy(result, input._view(input._shape, strides, offset));
  if (needsGrad([input])) record('FlipBackward0', [input], [result], () => ([g]) => [g ? flip(g, dims) : null]);
  return result;
}

/** One dim: the last `shift` elements move to the front (two slice copies). */
function rollDim(t: Tensor, shift: number, d: number): Tensor {
  const n = t._shape[d];
  const s = n === 0 ? 0 : ((shift % n) + n) % n;
  if (s === 0) return t;
  const out = Tensor.empty(t._shape, t.dtype);
  narrow(out, d, 0, s).copy_(narrow(t, d, n - s, s));
  narrow(out, d, s, n - s).copy_(narrow(t, d, 0, n - s));
  return out;
}

export function roll(input: Tensor, shifts: number | readonly number[], dimsArg?: number | readonly number[] | null | Named<'dims', number | readonly number[] | null>): Tensor {
  const dims = namedArg(dimsArg, 'dims', null);
  const shiftList = typeof shifts === 'number' ? [shifts] : [...shifts];
  const dimArray = dims === undefined || dims === null ? [] : typeof dims === 'number' ? [dims] : [...dims];
  if (dimArray.length === 0 && shiftList.length !== 1)
    throw new TensorError(`shifts and dimensions must align. shifts: ${shiftList.length}, dims:0`);
  if (dimArray.length > 0 && shiftList.length !== dimArray.length)
    throw new TensorError(`shifts and dimensions must align. shifts: ${shiftList.length}, dims:${dimArray.length}`);
  if (input._shape.length === 0 && dimArray.length > 0)
    throw new TensorError(`Dimension specified as ${dimArray[0]} but tensor has no dimensions`);
  const wrapped = dimArray.map((d) => input.wrapDim(d));
  const result = noGrad(() => {
    // No dims: roll the flattened tensor, as PyTorch.
    if (wrapped.length === 0) {
      const flat = input.reshape(-1);
      const rolled = rollDim(flat, shiftList[0], 0);
      return (rolled === flat ? flat.clone() : rolled).reshape([...input._shape]);
    }
    let t = input;
    wrapped.forEach((d, i) => (t = rollDim(t, shiftList[i], d)));
    return t === input ? input.clone() : t;
  });
  if (needsGrad([input])) {
    const back = shiftList.map((s) => -s);
    record('RollBackward0', [input], [result], () => ([g]) => [g ? roll(g, back, dims) : null]);
  }
  return result;
}

// ---- repeat, tile, repeatInterleave -----------------------------------------------------

function sizesArg(args: (number | readonly number[])[]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);
}

export function repeat(input: Tensor, ...sizesArgs: (number | readonly number[])[]): Tensor {
  const sizes = sizesArg(sizesArgs);
  if (sizes.length < input._shape.length)
    throw new TensorError('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  const lead = sizes.length - input._shape.length;
  const padded = [...new Array<number>(lead).fill(1), ...input._shape];
  const target = sizes.map((r, i) => r * padded[i]);
  const negative = target.find((s) => s < 0);
  if (negative !== undefined) throw new TensorError(`Trying to create tensor with negative dimension ${negative}: ${shapeText(target)}`);
  // [r0, s0, r1, s1, ...]: the input broadcast along each repeat axis, copied, then merged.
  const paddedStrides = [...new Array<number>(lead).fill(0), ...input._strides];
  const pairShape = sizes.flatMap((r, i) => [r, padded[i]]);
  const pairStrides = sizes.flatMap((_, i) => [0, padded[i] === 1 ? 0 : paddedStrides[i]]);
  const expanded = Tensor.empty(pairShape, input.dtype);
  if (expanded.numel() > 0) rawCopy(expanded, input._view(pairShape, pairStrides, input._offset));
  const result = reshape(expanded, target);
  if (needsGrad([input])) {
    const repeatDims = sizes.map((_, i) => 2 * i);
    record('RepeatBackward0', [input], [result], () => ([g]) => {
      if (!g) return [null];
      if (repeatDims.length === 0) return [g];
      return [sum(g.reshape(pairShape), repeatDims).reshape([...input._shape])];
    });
  }
  return result;
}

export function tile(input: Tensor, ...dimsArgs: (number | readonly number[])[]): Tensor {
  const dims = sizesArg(dimsArgs);
  const padded = dims.length < input._shape.length ? [...new Array<number>(input._shape.length - dims.length).fill(1), ...dims] : dims;
  return repeat(input, padded);
}

export interface RepeatInterleaveOpts {
  dim?: number | null;
  outputSize?: number;
}

/** The index i repeated repeats[i] times: cumsum of boundary marks (no loop over elements). */
function repeatedIndices(repeats: Tensor, outputSize?: number): Tensor {
  return noGrad(() => {
    const required = Number(sum(repeats).item());
    // PyTorch trusts output_size to skip a device sync; on the CPU checking it costs nothing.
    if (outputSize !== undefined && outputSize !== required) throw new TensorError('allocated size does not match required size');
    const total = required;
    const marks = zeros([total + 1], { dtype: int64 });
    if (repeats.numel() > 0) indexAdd_(marks, 0, cumsum(repeats, 0), ones([repeats.numel()], { dtype: int64 }));
    return narrow(cumsum(marks, 0), 0, 0, total);
  });
}

export function repeatInterleave(input: Tensor, repeats?: number | Tensor | RepeatInterleaveOpts | null, dimArg?: number | null | RepeatInterleaveOpts, maybeOpts?: RepeatInterleaveOpts): Tensor {
  // Tensor-only form: repeat_interleave(repeats) gives the repeated indices.
  if (repeats === undefined || repeats === null || (typeof repeats === 'object' && !(repeats instanceof Tensor))) {
    const o = (repeats ?? {}) as RepeatInterleaveOpts;
    checkRepeats(input);
    return repeatedIndices(input.to(int64), o.outputSize).to(input.dtype);
  }
  const opts: RepeatInterleaveOpts = typeof dimArg === 'object' && dimArg !== null ? dimArg : { ...maybeOpts, dim: dimArg ?? maybeOpts?.dim };
  const source = opts.dim === undefined || opts.dim === null ? input.reshape(-1) : input;
  const d = source.wrapDim(opts.dim ?? 0);
  const n = source._shape.length === 0 ? 1 : source._shape[d];
  let index: Tensor;
  if (typeof repeats === 'number' || repeats.numel() === 1) {
    const r = typeof repeats === 'number' ? repeats : Number(repeats.item());
    if (r < 0) throw new TensorError('repeats can not be negative');
    index = noGrad(() => expand(arange(n, { dtype: int64 }).reshape([n, 1]), [n, r]).reshape(-1));
  } else {
    if (repeats.dim() !== 1) throw new TensorError('repeats must be 0-dim or 1-dim tensor');
    if (repeats._shape[0] !== n) throw new TensorError('repeats must have the same size as input along dim');
    checkRepeats(repeats);
    index = repeatedIndices(repeats.to(int64), opts.outputSize);
  }
  return indexSelect(source, d, index);
}

function checkRepeats(repeats: Tensor): void {
  if (repeats.dtype !== int64 && repeats.dtype.isFloatingPoint)
    throw new TensorError('repeat_interleave only accept 1D vector as repeat');
  if (repeats.dim() > 1) throw new TensorError('repeats must be 0-dim or 1-dim tensor');
  if (repeats.numel() > 0 && Number(noGrad(() => repeats.min()).item()) < 0) throw new TensorError('repeats can not be negative');
}

// ---- registry ---------------------------------------------------------------------------

defineOp({ name: 'maskedFill', kind: 'index', fn: maskedFill, method: true, inplace: maskedFill_, backwardName: 'MaskedFillBackward0' });
defineOp({ name: 'maskedSelect', kind: 'index', fn: maskedSelect, method: true, backwardName: 'MaskedSelectBackward0' });
defineOp({ name: 'tril', kind: 'index', fn: tril, method: true, inplace: tril_, backwardName: 'TrilBackward0' });
defineOp({ name: 'triu', kind: 'index', fn: triu, method: true, inplace: triu_, backwardName: 'TriuBackward0' });
defineOp({ name: 'flip', kind: 'index', fn: flip, method: true, backwardName: 'FlipBackward0' });
defineOp({ name: 'roll', kind: 'index', fn: roll, method: true, backwardName: 'RollBackward0' });
defineOp({ name: 'repeat', kind: 'index', method: repeat, backwardName: 'RepeatBackward0' });
defineOp({ name: 'tile', kind: 'index', fn: tile, method: true, backwardName: 'RepeatBackward0' });
// Composite (indexSelect records IndexSelectBackward0), as PyTorch.
defineOp({ name: 'repeatInterleave', kind: 'index', fn: repeatInterleave, method: true });

type Dims = (number | readonly number[])[];
declare module '../tensor' {
  interface Tensor {
    maskedFill(mask: Tensor, value: Tensor | Scalar): Tensor;
    maskedFill_(mask: Tensor, value: Tensor | Scalar): Tensor;
    maskedSelect(mask: Tensor, opts?: OutOpts): Tensor;
    tril(diagonal?: number | DiagonalOpts, opts?: DiagonalOpts): Tensor;
    tril_(diagonal?: number): Tensor;
    triu(diagonal?: number | DiagonalOpts, opts?: DiagonalOpts): Tensor;
    triu_(diagonal?: number): Tensor;
    flip(...dims: Dims): Tensor;
    roll(shifts: number | readonly number[], dims?: number | readonly number[] | null | Named<'dims', number | readonly number[] | null>): Tensor;
    repeat(...sizes: Dims): Tensor;
    tile(...dims: Dims): Tensor;
    repeatInterleave(repeats?: number | Tensor | RepeatInterleaveOpts | null, dim?: number | null | RepeatInterleaveOpts, opts?: RepeatInterleaveOpts): Tensor;
  }
}
